package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GraniteFormatTest {
    private static final ToolCallFormat GRANITE = new GraniteFormat();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void granite30TokenWithAnArrayAndNoClosingMarker() {
        String raw = "<|tool_call|>[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"README.md\", \"offset\": 10, \"limit\": 20}}]";
        assertThat(ParserHarness.parse(GRANITE, raw)).containsExactly(
                call("Read", "{\"file_path\":\"README.md\",\"offset\":10,\"limit\":20}", raw));
    }

    @Test
    void granite31PlainTagWithTwoCallsAfterText() {
        String bash = "{\"name\": \"Bash\", \"arguments\": {\"command\": \"git diff\", \"description\": \"Show changes\"}}";
        String page = "{\"name\": \"mcp__chrome-devtools__new_page\", \"arguments\": {\"url\": \"http://localhost:8080\"}}";
        assertThat(ParserHarness.parse(GRANITE, "Let me check two things.\n<tool_call>[" + bash + ",\n " + page + "]")).containsExactly(
                text("Let me check two things.\n"),
                call("Bash", "{\"command\":\"git diff\",\"description\":\"Show changes\"}", bash),
                call("mcp__chrome-devtools__new_page", "{\"url\":\"http://localhost:8080\"}", page));
    }

    @Test
    void granite33ReasoningAndResponseTagsAreUnwrapped() {
        String call = "<|tool_call|>[{\"name\": \"Glob\", \"arguments\": {\"pattern\": \"**/*.py\"}}]";
        assertThat(ParserHarness.parse(GRANITE,
                "<think>The user wants the Python files.</think>\n<response>Listing them now.\n" + call + "</response>"))
                .containsExactly(
                        new Piece.Thinking("The user wants the Python files."),
                        text("Listing them now.\n"),
                        call("Glob", "{\"pattern\":\"**/*.py\"}", call));
        assertThat(ParserHarness.parse(GRANITE, "<think>easy</think><response>The answer is 4.</response>"))
                .containsExactly(new Piece.Thinking("easy"), text("The answer is 4."));
    }

    @Test
    void typeNamesTheToolAndAClosingTagIsTakenAlong() {
        String raw = "<tool_call>[{\"type\": \"Bash\", \"arguments\": {\"command\": \"ls\"}}]</tool_call>";
        assertThat(ParserHarness.parse(GRANITE, raw + "\nDone.")).containsExactly(
                call("Bash", "{\"command\":\"ls\"}", raw), text("Done."));
    }

    @Test
    void nestedBracketsAndEscapedQuotesInValuesDoNotEndTheArray() {
        String raw = "<|tool_call|>[{\"name\": \"Edit\", \"arguments\": {\"file_path\": \"a.js\", "
                + "\"old_string\": \"x = [1, {a: \\\"]}\\\"}]\", \"new_string\": \"x = []\\n\"}}]";
        assertThat(ParserHarness.parse(GRANITE, raw)).containsExactly(call("Edit",
                "{\"file_path\":\"a.js\",\"old_string\":\"x = [1, {a: \\\"]}\\\"}]\",\"new_string\":\"x = []\\n\"}", raw));
    }

    @Test
    void unknownToolAndMissingArgumentsAreStillCalls() {
        String raw = "<|tool_call|>[{\"name\": \"launch_rocket\"}]";
        assertThat(ParserHarness.parse(GRANITE, raw)).containsExactly(call("launch_rocket", "{}", raw));
    }

    @Test
    void cutOffAndUnreadableCallsAreMalformed() {
        String cut = "<|tool_call|>[{\"name\": \"Write\", \"arguments\": {\"content\": \"abc";
        assertThat(ParserHarness.parse(GRANITE, cut)).containsExactly(new Piece.Malformed(cut, "the call is cut off"));
        String noName = "<|tool_call|>[{\"arguments\": {}}]";
        assertThat(ParserHarness.parse(GRANITE, noName)).containsExactly(new Piece.Malformed(noName, "no tool name"));
    }

    @Test
    void markersInProseAreText() {
        String inline = "Granite writes `<|tool_call|>` and then a JSON array; `<response>` wraps answers.";
        assertThat(ParserHarness.parse(GRANITE, inline)).containsExactly(text(inline));
        String fenced = "```\n<tool_call>[{\"name\": \"Bash\", \"arguments\": {}}]\n```";
        assertThat(ParserHarness.parse(GRANITE, fenced)).containsExactly(text(fenced));
        String notArray = "Use <tool_call> tags around calls.";
        assertThat(ParserHarness.parse(GRANITE, notArray)).containsExactly(text(notArray));
    }

    @Test
    void hermesStyleObjectIsReadButNotClaimed() {
        String raw = "<tool_call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a\"}}</tool_call>";
        assertThat(ParserHarness.parse(GRANITE, raw)).containsExactly(call("Read", "{\"file_path\":\"a\"}", raw));
        assertThat(GRANITE.claims("<tool_call>{\"name\"")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(GRANITE.claims("<tool_call>\n[{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(GRANITE.claims("<|tool_call|>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(GRANITE.claims("<tool_call><function=Read>")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
