package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Phi4MiniFormatTest {
    private static final ToolCallFormat PHI = new Phi4MiniFormat();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void functoolsArrayWithNestedArraysIsNotCutAtTheFirstBracket() {
        String raw = "functools[{\"name\": \"search\", \"arguments\": {\"tags\": [\"a\", \"b]\"], \"filter\": {\"in\": [[1, 2]]}}}]";
        assertThat(ParserHarness.parse(PHI, raw)).containsExactly(
                call("search", "{\"tags\":[\"a\",\"b]\"],\"filter\":{\"in\":[[1,2]]}}", raw));
    }

    @Test
    void fireFunctionLeadingSpaceAndSeveralCalls() {
        String first = "{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a.py\"}}";
        String second = "{\"name\": \"Grep\", \"arguments\": {\"pattern\": \"def \", \"-n\": true}}";
        assertThat(ParserHarness.parse(PHI, " functools[" + first + ", " + second + "]")).containsExactly(
                text(" "),
                call("Read", "{\"file_path\":\"a.py\"}", first),
                call("Grep", "{\"pattern\":\"def \",\"-n\":true}", second));
    }

    @Test
    void toolCallAndToolCallsWrappers() {
        String one = "<|tool_call|>{\"name\": \"Bash\", \"arguments\": {\"command\": \"pwd\"}}<|/tool_call|>";
        String many = "<|tool_calls|>functools[{\"name\": \"launch_rocket\", \"arguments\": {\"when\": \"now\"}}]<|/tool_calls|>";
        assertThat(ParserHarness.parse(PHI, "First:\n" + one + "\n" + many + "\nthen more text")).containsExactly(
                text("First:\n"),
                call("Bash", "{\"command\":\"pwd\"}", one),
                call("launch_rocket", "{\"when\":\"now\"}", many),
                text("then more text"));
    }

    @Test
    void closingMarkerInsideAStringStaysInTheValue() {
        String raw = "<|tool_call|>[{\"name\": \"Write\", \"arguments\": {\"file_path\": \"t.md\", \"content\": \"<|/tool_call|>\\n]}\"}}]<|/tool_call|>";
        assertThat(ParserHarness.parse(PHI, raw)).containsExactly(
                call("Write", "{\"file_path\":\"t.md\",\"content\":\"<|/tool_call|>\\n]}\"}", raw));
    }

    @Test
    void functoolsAsAnOrdinaryWordIsText() {
        for (String prose : List.of(
                "Use functools.lru_cache for that.",
                "import functools\nfunctools[0] is not valid",
                "See `functools[{...}]` in the docs.",
                "the functools")) {
            assertThat(ParserHarness.parse(PHI, prose)).as(prose).containsExactly(text(prose));
        }
    }

    @Test
    void cutOffCallIsMalformedAndUnclosedWrapperStillParses() {
        String cut = "functools[{\"name\": \"Write\", \"arguments\": {\"content\": \"x";
        assertThat(ParserHarness.parse(PHI, cut)).containsExactly(new Piece.Malformed(cut, "the call is cut off"));
        String unclosed = "<|tool_calls|>[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"b\"}}]";
        assertThat(ParserHarness.parse(PHI, unclosed)).containsExactly(call("Read", "{\"file_path\":\"b\"}", unclosed));
    }

    @Test
    void claims() {
        assertThat(PHI.claims("functools[{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(PHI.claims("functools.")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(PHI.claims("functools")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(PHI.claims("<|tool_calls|>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(PHI.claims("<|tool_call|>[")).isEqualTo(ToolCallFormat.Claim.YES);
    }
}
