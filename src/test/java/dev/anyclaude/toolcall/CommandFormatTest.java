package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Cohere Command R7B / Command A: {@code <|START_ACTION|>[...]<|END_ACTION|>}. */
class CommandFormatTest {
    private static final ToolCallFormat FORMAT = new CommandFormat();

    static void assertCall(Piece piece, String name, String json) {
        assertThat(piece).isInstanceOf(Piece.Call.class);
        Piece.Call call = (Piece.Call) piece;
        assertThat(call.name()).isEqualTo(name);
        assertThat(call.arguments()).isInstanceOf(Arguments.JsonText.class);
        assertThat(Json.parse(((Arguments.JsonText) call.arguments()).text())).isEqualTo(Json.parse(json));
    }

    @Test
    void reasoningThenActionGivesThinkingAndTheCallWithItsRawText() {
        String action = "<|START_ACTION|>[\n    {\"tool_call_id\": \"0\", \"tool_name\": \"Bash\", \"parameters\": "
                + "{\"command\": \"ls -la\", \"description\": \"List files\"}}\n]<|END_ACTION|>";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|START_THINKING|>I should list\nthe files first.<|END_THINKING|>" + action);
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Thinking("I should list\nthe files first."));
        assertCall(pieces.get(1), "Bash", "{\"command\": \"ls -la\", \"description\": \"List files\"}");
        assertThat(((Piece.Call) pieces.get(1)).raw()).isEqualTo(action);
    }

    @Test
    void responseTagsAreCutOutAndTheirTextKept() {
        assertThat(ParserHarness.parse(FORMAT,
                "<|START_RESPONSE|>All 42 tests pass.\nWhat's next?<|END_RESPONSE|>")).containsExactly(
                new Piece.Text("All 42 tests pass.\nWhat's next?"));
    }

    @Test
    void responseBeforeAnActionAndAnUnknownToolWithDashesIsStillACall() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|START_RESPONSE|>I'll open the page.<|END_RESPONSE|><|START_ACTION|>[{\"tool_call_id\":\"0\","
                        + "\"tool_name\":\"mcp__chrome-devtools__new_page\",\"parameters\":{\"url\":\"https://example.com\"}},"
                        + "{\"tool_call_id\":\"1\",\"tool_name\":\"NoSuchTool\",\"parameters\":{}}]<|END_ACTION|>");
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("I'll open the page."));
        assertCall(pieces.get(1), "mcp__chrome-devtools__new_page", "{\"url\":\"https://example.com\"}");
        assertCall(pieces.get(2), "NoSuchTool", "{}");
        assertThat(((Piece.Call) pieces.get(2)).raw())
                .isEqualTo("{\"tool_call_id\":\"1\",\"tool_name\":\"NoSuchTool\",\"parameters\":{}}");
    }

    @Test
    void endMarkerBracesAndEscapedQuotesInsideACodeStringStayInTheArguments() {
        String code = "class A {\\n  String s = \\\"<|END_ACTION|>]}\\\";\\n}\\n";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|START_ACTION|>[{\"tool_call_id\": \"0\", \"tool_name\": \"Write\", \"parameters\": "
                        + "{\"file_path\": \"/src/A.java\", \"content\": \"" + code + "\"}}]<|END_ACTION|>");
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "Write", "{\"file_path\": \"/src/A.java\", \"content\": \"" + code + "\"}");
    }

    @Test
    void missingEndActionAtTheEndOfTheStreamStillCloses() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|START_ACTION|>[\n  {\"tool_call_id\": \"0\", \"tool_name\": \"Read\", \"parameters\": "
                        + "{\"file_path\": \"/etc/hosts\", \"limit\": 20}}\n]\n");
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "Read", "{\"file_path\": \"/etc/hosts\", \"limit\": 20}");
    }

    @Test
    void actionCutOffInTheMiddleIsMalformed() {
        String raw = "<|START_ACTION|>[\n    {\"tool_call_id\": \"0\", \"tool_name\": \"Bash\", ";
        List<Piece> pieces = ParserHarness.parse(FORMAT, raw);
        assertThat(pieces).hasSize(1);
        assertThat(pieces.get(0)).isInstanceOf(Piece.Malformed.class);
        assertThat(((Piece.Malformed) pieces.get(0)).raw()).isEqualTo(raw);
    }

    @Test
    void markersMentionedInProseAreText() {
        String inline = "Cohere models wrap calls in `<|START_ACTION|>` tags.";
        assertThat(ParserHarness.parse(FORMAT, inline)).containsExactly(new Piece.Text(inline));
        String fenced = "Example:\n```\n<|START_ACTION|>[{\"tool_name\": \"Bash\", \"parameters\": {}}]<|END_ACTION|>\n```\n";
        assertThat(ParserHarness.parse(FORMAT, fenced)).containsExactly(new Piece.Text(fenced));
        String notJson = "<|START_ACTION|> is how it starts";
        assertThat(ParserHarness.parse(FORMAT, notJson)).containsExactly(new Piece.Text(notJson));
    }

    @Test
    void claimsAnArrayOrObjectAfterTheOpener() {
        assertThat(FORMAT.claims("<|START_ACTION|>\n[")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<|START_ACTION|>{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<|START_ACTION|> \n")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(FORMAT.claims("<|START_ACTION|>Bash")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
