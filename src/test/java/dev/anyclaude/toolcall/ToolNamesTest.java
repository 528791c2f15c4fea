package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.Tool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ToolNamesTest {

    private static Tool tool(String name) {
        return new Tool(name, null, Json.object(), null, false, Json.object());
    }

    private static final List<Tool> TOOLS = List.of(tool("Bash"), tool("Read"), tool("get_weather"),
            tool("mcp__github__create_issue"), tool("web-search.v2"), tool("BASH_legacy"), tool("shell"),
            tool("Readjson"), tool("fs_read"));

    private static Optional<String> resolve(String written) {
        return ToolNames.resolve(written, TOOLS).map(Tool::name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "Bash                          | Bash",
            "get_weather                   | get_weather",
            "mcp__github__create_issue     | mcp__github__create_issue",
            "web-search.v2                 | web-search.v2",
            "`  Read\n`                    | Read",
    })
    void exactNameMatches(String written, String expected) {
        assertThat(resolve(written)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bash           | Bash",
            "BASH           | Bash",
            "READ           | Read",
            "Get_Weather    | get_weather",
            "bash_LEGACY    | BASH_legacy",
    })
    void caseIsIgnoredWhenNothingMatchesExactly(String written, String expected) {
        assertThat(resolve(written)).contains(expected);
    }

    @Test
    void exactMatchWinsOverCaseInsensitive() {
        List<Tool> both = List.of(tool("read"), tool("Read"));
        assertThat(ToolNames.resolve("Read", both)).map(Tool::name).contains("Read");
        assertThat(ToolNames.resolve("read", both)).map(Tool::name).contains("read");
        assertThat(ToolNames.resolve("READ", both)).map(Tool::name).contains("read");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "functions.get_weather          | get_weather",
            "functions.Bash                 | Bash",
            "functions.bash                 | Bash",
            "functions.web-search.v2        | web-search.v2",
    })
    void functionsPrefixIsDropped(String written, String expected) {
        assertThat(resolve(written)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "functions.get_weather:0        | get_weather",
            "functions.Bash:12              | Bash",
            "get_weather:1                  | get_weather",
            "functions.web-search.v2:3      | web-search.v2",
    })
    void kimiIndexSuffixIsDropped(String written, String expected) {
        assertThat(resolve(written)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "functions.shelljson            | shell",
            "functions.fs_readjson          | fs_read",
            "get_weatherjson                | get_weather",
            "functions.BashJSON             | Bash",
    })
    void harmonyGluedContentTypeIsDropped(String written, String expected) {
        assertThat(resolve(written)).contains(expected);
    }

    @Test
    void aToolWhoseNameEndsInJsonIsNotCutShort() {
        assertThat(resolve("Readjson")).contains("Readjson");
        assertThat(resolve("functions.Readjson")).contains("Readjson");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "\"Bash\"                       | Bash",
            "'Read'                         | Read",
            "` \"get_weather\" `            | get_weather",
            "\"functions.Bash:0\"           | Bash",
    })
    void surroundingQuotesAreDropped(String written, String expected) {
        assertThat(resolve(written)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ tc.name }}", "{{tc.name}}", "<function=Bash>", "Bash Read", "get weather", "\"Bash",
            "Ba\"sh", "`Bash`", "{Bash}", "Bash\tRead", "'", "\"\"", "functions.", "functions.:0", ":0", "json"})
    void phantomNamesAreNoCall(String written) {
        assertThat(resolve(written)).isEmpty();
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "Write", "functions.Write", "Bashh", "Bas", "functions.Write:0", "Writejson",
            "functions_Bash", "Bash:x", "Bash:"})
    void unknownNamesAreNoCall(String written) {
        assertThat(resolve(written)).isEmpty();
    }

    @Test
    void noToolsNoMatch() {
        assertThat(ToolNames.resolve("Bash", List.of())).isEmpty();
    }
}
