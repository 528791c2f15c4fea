package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class ToolArgumentsTest {

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "   ", "\n", "null", "\"\"", "{}", " { } "})
    void emptyArgumentsBecomeAnEmptyObject(String raw) {
        assertThat(ToolArguments.decode(raw)).contains(new ToolArguments.Result("{}", false));
    }

    @Test
    void objectIsReserialisedCompactly() {
        assertThat(ToolArguments.normalise("{ \"command\" : \"ls -la\",\n  \"timeout\": 30, \"flags\": [1, 2] }"))
                .contains("{\"command\":\"ls -la\",\"timeout\":30,\"flags\":[1,2]}");
    }

    @Test
    void keepsUnicodeAndEscapes() {
        assertThat(ToolArguments.normalise("{\"text\":\"h\u00e9llo \u2713 \\n \\\"q\\\" \\u00e9\"}"))
                .contains("{\"text\":\"h\u00e9llo \u2713 \\n \\\"q\\\" \u00e9\"}");
    }

    @Test
    void doubleEncodedObjectIsParsedAgain() {
        assertThat(ToolArguments.decode("\"{\\\"path\\\": \\\"/tmp/a\\\"}\""))
                .contains(new ToolArguments.Result("{\"path\":\"/tmp/a\"}", false));
    }

    @Test
    void tripleEncodedObjectIsParsedAgain() {
        String once = "{\"a\":1}";
        String twice = "\"" + once.replace("\"", "\\\"") + "\"";
        String thrice = "\"" + twice.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        assertThat(ToolArguments.normalise(thrice)).contains("{\"a\":1}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "42                 | {\"value\":42}",
            "[1, 2]             | {\"value\":[1,2]}",
            "true               | {\"value\":true}",
            "\"just text\"      | {\"value\":\"just text\"}",
            "\"{broken\"        | {\"value\":\"{broken\"}",
            "-1.5               | {\"value\":-1.5}",
    })
    void nonObjectJsonIsWrapped(String raw, String expected) {
        assertThat(ToolArguments.decode(raw)).contains(new ToolArguments.Result(expected, false));
    }

    @Test
    void markdownFencesAreStripped() {
        assertThat(ToolArguments.decode("```json\n{\"a\": 1}\n```"))
                .contains(new ToolArguments.Result("{\"a\":1}", true));
        assertThat(ToolArguments.normalise("```\n{\"a\": 1}\n```")).contains("{\"a\":1}");
        assertThat(ToolArguments.normalise("```json{\"a\": 1}```")).contains("{\"a\":1}");
    }

    @Test
    void trailingCommasAreStripped() {
        assertThat(ToolArguments.decode("{\"a\": [1, 2, ], \"b\": {\"c\": 3,},}"))
                .contains(new ToolArguments.Result("{\"a\":[1,2],\"b\":{\"c\":3}}", true));
    }

    @Test
    void commasAndBracketsInsideStringsAreLeftAlone() {
        assertThat(ToolArguments.normalise("{\"pattern\": \"a,}],\", \"x\": [\"[\",],"))
                .contains("{\"pattern\":\"a,}],\",\"x\":[\"[\"]}");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"command\": \"ls -la                 | {\"command\":\"ls -la\"}",
            "{\"a\": {\"b\": [1, 2                   | {\"a\":{\"b\":[1,2]}}",
            "{\"a\": 1,                              | {\"a\":1}",
            "{\"a\": \"x\\                           | {\"a\":\"x\"}",
            "{\"a\": [{\"b\": \"}\"                  | {\"a\":[{\"b\":\"}\"}]}",
            "{                                       | {}",
    })
    void unclosedEndIsClosed(String raw, String expected) {
        assertThat(ToolArguments.decode(raw)).contains(new ToolArguments.Result(expected, true));
    }

    @Test
    void rawControlCharactersInStringsAreEscaped() {
        assertThat(ToolArguments.decode("{\"content\": \"line 1\nline 2\tend\"}"))
                .contains(new ToolArguments.Result("{\"content\":\"line 1\\nline 2\\tend\"}", true));
    }

    @Test
    void doubleEncodedAndTruncatedIsRepaired() {
        assertThat(ToolArguments.decode("\"{\\\"a\\\": \\\"b\""))
                .contains(new ToolArguments.Result("{\"a\":\"b\"}", true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "not json at all",
            "{\"a\":",
            "{\"a\" 1}",
            "{\"a\": 1}{\"b\": 2}",
            "{'a': 1}",
            "}",
            "[1, 2",
            "{\"a\": 1, \"b",
    })
    void hopelessArgumentsGiveNothing(String raw) {
        assertThat(ToolArguments.normalise(raw)).isEmpty();
    }

    @Test
    void repairNeverInventsContent() {
        assertThat(ToolArguments.repair("{\"a\": [1, {\"b\": \"c")).isEqualTo("{\"a\": [1, {\"b\": \"c\"}]}");
        assertThat(ToolArguments.repair("  {\"a\": 1}  ")).isEqualTo("{\"a\": 1}");
    }

    @Test
    void strayClosingBracketIsDropped() {
        // E11: a small model closes once more than it opened.
        assertThat(ToolArguments.decode("{\"a\": [1, 2]}}"))
                .contains(new ToolArguments.Result("{\"a\":[1,2]}", true));
        assertThat(ToolArguments.repair("[{\"query\":\"CA\",\"recall\":\"LA\"}]}"))
                .isEqualTo("[{\"query\":\"CA\",\"recall\":\"LA\"}]");
    }

    @Test
    void mismatchedCloserClosesWhatItSkips() {
        assertThat(ToolArguments.normalise("{\"a\": [1, 2}")).contains("{\"a\":[1,2]}");
        assertThat(ToolArguments.repair("{\"a\": [{\"b\": 1]}")).isEqualTo("{\"a\": [{\"b\": 1}]}");
    }

    @Test
    void decodeTreeKeepsBareValuesUnwrapped() {
        assertThat(ToolArguments.decodeTree("[1, 2]").isArray()).isTrue();
        assertThat(ToolArguments.decodeTree("\"plain text\"").stringValue()).isEqualTo("plain text");
        assertThat(ToolArguments.decodeTree("\"{\\\"a\\\": 1}\"").path("a").intValue()).isEqualTo(1);
        assertThat(ToolArguments.decodeTree("{'a': 1}")).isNull();
        assertThat(ToolArguments.decodeTree(null)).isNull();
    }

    @Test
    void parseValueRepairsContainersOnly() {
        assertThat(ToolArguments.parseValue("[1, 2").toString()).isEqualTo("[1,2]");
        assertThat(ToolArguments.parseValue("[{\"a\": 1}]}").toString()).isEqualTo("[{\"a\":1}]");
        assertThat(ToolArguments.parseValue("\"x\"").stringValue()).isEqualTo("x");
        assertThat(ToolArguments.parseValue("\"unclosed")).isNull();
        assertThat(ToolArguments.parseValue("hello")).isNull();
        assertThat(ToolArguments.parseValue("")).isNull();
    }
}
