package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class PythonLiteralTest {

    private static String json(String python) {
        return PythonLiteral.parse(python).map(Json::string).orElse("<none>");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "'hello'                     | \"hello\"",
            "\"hello\"                   | \"hello\"",
            "'it''s'                     | \"its\"",
            "'a' \"b\"  'c'              | \"abc\"",
            "u'x'                        | \"x\"",
            "'don\\'t'                   | \"don't\"",
            "\"say \\\"hi\\\"\"          | \"say \\\"hi\\\"\"",
            "'tab\\there\\nline'         | \"tab\\there\\nline\"",
            "'\\x41\\u00e9\\U0001F600'   | \"A\u00e9\uD83D\uDE00\"",
            "'\\101'                     | \"A\"",
            "'\\d+'                      | \"\\\\d+\"",
            "r'\\d+\\n'                  | \"\\\\d+\\\\n\"",
            "'\u4f60\u597d'              | \"\u4f60\u597d\"",
            "''                          | \"\"",
    })
    void strings(String python, String expected) {
        assertThat(json(python)).isEqualTo(expected);
    }

    @Test
    void tripleQuotedStringsKeepNewlinesAndQuotes() {
        assertThat(json("'''line 1\nit's \"x\"\nline 3'''")).isEqualTo("\"line 1\\nit's \\\"x\\\"\\nline 3\"");
        assertThat(json("\"\"\"a\"b\"\"\"")).isEqualTo("\"a\\\"b\"");
    }

    @Test
    void rawLineBreakInsideSingleQuotesIsKept() {
        assertThat(json("'a\nb'")).isEqualTo("\"a\\nb\"");
    }

    @Test
    void backslashNewlineContinuesTheString() {
        assertThat(json("'a\\\nb'")).isEqualTo("\"ab\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0        | 0",
            "42       | 42",
            "-14      | -14",
            "+7       | 7",
            "- 3      | -3",
            "1_000    | 1000",
            "0x1F     | 31",
            "0o17     | 15",
            "0b101    | 5",
            "3.14     | 3.14",
            "-0.5     | -0.5",
            ".5       | 0.5",
            "5.       | 5.0",
            "1e3      | 1000.0",
            "2.5E-3   | 0.0025",
            "123456789012345678901234567890 | 123456789012345678901234567890",
    })
    void numbers(String python, String expected) {
        assertThat(json(python)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "True  | true",
            "False | false",
            "None  | null",
            "true  | true",
            "false | false",
            "null  | null",
    })
    void constants(String python, String expected) {
        assertThat(json(python)).isEqualTo(expected);
    }

    @Test
    void dictsListsAndTuples() {
        assertThat(json("{'name': 'Bash', 'args': {'command': 'ls', 'timeout': 30, 'bg': False, 'x': None}}"))
                .isEqualTo("{\"name\":\"Bash\",\"args\":{\"command\":\"ls\",\"timeout\":30,\"bg\":false,\"x\":null}}");
        assertThat(json("[1, 'two', [3.5, True]]")).isEqualTo("[1,\"two\",[3.5,true]]");
        assertThat(json("(1, 2)")).isEqualTo("[1,2]");
        assertThat(json("(1,)")).isEqualTo("[1]");
        assertThat(json("()")).isEqualTo("[]");
        assertThat(json("{}")).isEqualTo("{}");
        assertThat(json("[]")).isEqualTo("[]");
    }

    @Test
    void parenthesesAroundOneValueAreNoTuple() {
        assertThat(json("(1)")).isEqualTo("1");
        assertThat(json("('a')")).isEqualTo("\"a\"");
    }

    @Test
    void trailingCommasAndLineBreaksAreAllowed() {
        assertThat(json("{\n  'a': [1, 2,],\n  'b': {'c': 3,},\n}")).isEqualTo("{\"a\":[1,2],\"b\":{\"c\":3}}");
    }

    @Test
    void keysBecomeStringsAsJsonDumpsWritesThem() {
        assertThat(json("{1: 'a', 2.5: 'b', True: 'c', None: 'd', 'e': 5}"))
                .isEqualTo("{\"1\":\"a\",\"2.5\":\"b\",\"true\":\"c\",\"null\":\"d\",\"e\":5}");
    }

    @Test
    void jsonIsAPythonLiteralToo() {
        assertThat(json("{\"a\": [1, 2.5, \"x\"], \"b\": null, \"c\": true}"))
                .isEqualTo("{\"a\":[1,2.5,\"x\"],\"b\":null,\"c\":true}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "", "   ", "foo", "os.system('rm -rf /')", "__import__('os')", "1 + 2", "2 * 3", "-'a'",
            "[x for x in y]", "{'a': b}", "{'a' 1}", "{(1, 2): 'a'}", "{[1]: 'a'}", "{1, 2}", "b'bytes'",
            "f'{x}'", "'unclosed", "[1, 2", "{'a': 1", "1j", "1 2", "'a' 1", "007", "1e", "0x", "--1",
            "inf", "nan", "float('inf')", "1e999", "'\\x4'", "'\\u12'", "lambda: 1", "{'a': 1}}", "'a' + 'b'",
            "[1,, 2]", "[,]", "{,}", "(,)", "1__0", "1_", "Ellipsis", "...",
    })
    void whatIsNotALiteralGivesNothing(String text) {
        assertThat(PythonLiteral.parse(text)).isEmpty();
    }

    @Test
    void nullGivesNothing() {
        assertThat(PythonLiteral.parse(null)).isEmpty();
        assertThat(PythonLiteral.parseAt(null, 0)).isEmpty();
    }

    @Test
    void surroundingWhitespaceIsAllowed() {
        assertThat(json("  \n {'a': 1}\n  ")).isEqualTo("{\"a\":1}");
    }

    @Test
    void parseAtReadsOneLiteralAndTellsWhereItEnds() {
        String call = "get_weather(city='SF', days=3, units=None)";
        PythonLiteral.Prefix city = PythonLiteral.parseAt(call, call.indexOf('=') + 1).orElseThrow();
        assertThat(city.value().stringValue()).isEqualTo("SF");
        assertThat(call.charAt(city.end())).isEqualTo(',');
        PythonLiteral.Prefix days = PythonLiteral.parseAt(call, call.indexOf("days=") + 5).orElseThrow();
        assertThat(days.value().intValue()).isEqualTo(3);
        assertThat(call.charAt(days.end())).isEqualTo(',');
        PythonLiteral.Prefix units = PythonLiteral.parseAt(call, call.indexOf("units=") + 6).orElseThrow();
        assertThat(units.value().isNull()).isTrue();
        assertThat(call.charAt(units.end())).isEqualTo(')');
        assertThat(PythonLiteral.parseAt(call, 0)).isEmpty();
        assertThat(PythonLiteral.parseAt(call, call.length() + 1)).isEmpty();
    }

    @Test
    void deepNestingIsRefusedWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThat(PythonLiteral.parse(deep)).isEmpty();
        String fine = "[".repeat(50) + "1" + "]".repeat(50);
        JsonNode node = PythonLiteral.parse(fine).orElseThrow();
        assertThat(node.isArray()).isTrue();
    }
}
