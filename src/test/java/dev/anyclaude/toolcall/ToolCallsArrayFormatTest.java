package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.anyclaude.toolcall.CommandFormatTest.assertCall;
import static org.assertj.core.api.Assertions.assertThat;

/** Jamba and Hunyuan-A13B: {@code <tool_calls>[...]</tool_calls>}. */
class ToolCallsArrayFormatTest {
    private static final ToolCallFormat FORMAT = new ToolCallsArrayFormat();

    @Test
    void jambaCallAfterTextKeepsTheTextBeforeIt() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "Let me check the repository state. <tool_calls>[{\"name\": \"Bash\", \"arguments\": "
                        + "{\"command\": \"git status\", \"description\": \"Show working tree status\"}}]</tool_calls>");
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("Let me check the repository state. "));
        assertCall(pieces.get(1), "Bash", "{\"command\": \"git status\", \"description\": \"Show working tree status\"}");
    }

    @Test
    void hunyuanReasoningIsThinkingAndAnswerTagsAroundSeveralCallsAreCutOut() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<think>\nThe user wants the build fixed; read the pom, then run the tests.\n</think>\n<answer>\n"
                        + "<tool_calls>[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/repo/pom.xml\"}}, "
                        + "{\"name\": \"TodoWrite\", \"arguments\": {\"todos\": [{\"content\": \"Fix build\", "
                        + "\"status\": \"in_progress\", \"activeForm\": \"Fixing build\"}, {\"content\": \"Run tests\", "
                        + "\"status\": \"pending\", \"activeForm\": \"Running tests\"}]}}]</tool_calls>\n</answer>");
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0)).isEqualTo(
                new Piece.Thinking("\nThe user wants the build fixed; read the pom, then run the tests.\n"));
        assertCall(pieces.get(1), "Read", "{\"file_path\": \"/repo/pom.xml\"}");
        assertCall(pieces.get(2), "TodoWrite", "{\"todos\": [{\"content\": \"Fix build\", \"status\": \"in_progress\", "
                + "\"activeForm\": \"Fixing build\"}, {\"content\": \"Run tests\", \"status\": \"pending\", "
                + "\"activeForm\": \"Running tests\"}]}");
        assertThat(((Piece.Call) pieces.get(1)).raw())
                .isEqualTo("{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/repo/pom.xml\"}}");
    }

    @Test
    void hunyuanTextAnswerLosesOnlyItsTags() {
        assertThat(ParserHarness.parse(FORMAT,
                "<think>\nSimple question.\n</think>\n<answer>\nParis is the capital of France.\n</answer>"))
                .containsExactly(new Piece.Thinking("\nSimple question.\n"),
                        new Piece.Text("Paris is the capital of France."));
    }

    @Test
    void missingCloseAtTheEndAndTextAfterAnUnclosedCallAreHandled() {
        List<Piece> unclosed = ParserHarness.parse(FORMAT,
                "<tool_calls>[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/tmp/a.txt\", \"offset\": 10}}]");
        assertThat(unclosed).hasSize(1);
        assertCall(unclosed.get(0), "Read", "{\"file_path\": \"/tmp/a.txt\", \"offset\": 10}");

        List<Piece> textAfter = ParserHarness.parse(FORMAT,
                "<tool_calls>[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/tmp/a.txt\"}}]\nI'll wait for it.");
        assertThat(textAfter).hasSize(2);
        assertCall(textAfter.get(0), "Read", "{\"file_path\": \"/tmp/a.txt\"}");
        assertThat(textAfter.get(1)).isEqualTo(new Piece.Text("I'll wait for it."));
    }

    @Test
    void textAfterTheLastCallIsKept() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<tool_calls>[{\"name\": \"Bash\", \"arguments\": {\"command\": \"make\"}}]</tool_calls>\n\n"
                        + "This builds everything.");
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(1)).isEqualTo(new Piece.Text("This builds everything."));
    }

    @Test
    void closeMarkerNestedBracketsAndEscapedQuotesInAStringStayInside() {
        String content = "<tool_calls>[{\\\"name\\\": \\\"x\\\"}]</tool_calls>\\nif (a[0] == '}') { b(\\\"]\\\"); }\\n";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<tool_calls>[{\"name\": \"Write\", \"arguments\": {\"file_path\": \"/repo/docs/formats.md\", "
                        + "\"content\": \"" + content + "\"}}]</tool_calls>");
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "Write",
                "{\"file_path\": \"/repo/docs/formats.md\", \"content\": \"" + content + "\"}");
    }

    @Test
    void unknownToolPythonLiteralsAndRawNewlinesAreRead() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<tool_calls>[{'name': 'frobnicate', 'arguments': {'dry_run': True, 'target': None, "
                        + "'script': 'line one\nline two'}}]</tool_calls>");
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "frobnicate",
                "{\"dry_run\": true, \"target\": null, \"script\": \"line one\\nline two\"}");
    }

    @Test
    void truncatedCallIsMalformedAndProseMentionIsText() {
        String truncated = "<tool_calls>[{\"name\": \"Write\", \"arguments\": {\"file_path\": \"/a\", \"content\": \"half";
        List<Piece> pieces = ParserHarness.parse(FORMAT, truncated);
        assertThat(pieces).containsExactly(new Piece.Malformed(truncated, "the calls were cut off"));

        String prose = "Jamba puts calls in `<tool_calls>` and ends with `</tool_calls>`.";
        assertThat(ParserHarness.parse(FORMAT, prose)).containsExactly(new Piece.Text(prose));
    }

    @Test
    void anEmptyArrayIsNoCallAndLeavesNoMarkerBehind() {
        assertThat(ParserHarness.parse(FORMAT, "Nothing to run.<tool_calls>[]</tool_calls>")).containsExactly(
                new Piece.Text("Nothing to run."));
    }

    @Test
    void claimsOnlyAnArrayBecauseAnObjectIsMiniMaxM1() {
        assertThat(FORMAT.claims("<tool_calls>\n[{\"name\"")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<tool_calls>\n{\"name\"")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(FORMAT.claims("<tool_calls>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
    }
}
