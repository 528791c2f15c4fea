package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.toolcall.Qwen3CoderFormatTest.call;
import static dev.anyclaude.toolcall.Qwen3CoderFormatTest.p;
import static org.assertj.core.api.Assertions.assertThat;

class MiniMaxM2FormatTest {

    private static final ToolCallFormat MINIMAX = new MiniMaxM2Format();

    @Test
    void reasoningOpenedByTheTemplateThenTwoInvokesInOneBlock() {
        String first = "<minimax:tool_call>\n<invoke name=\"Read\">\n<parameter name=\"file_path\">src/App.tsx</parameter>\n"
                + "<parameter name=\"limit\">200</parameter>\n</invoke>\n";
        String second = "<invoke name=\"Bash\">\n<parameter name=\"command\">npm test</parameter>\n"
                + "<parameter name=\"run_in_background\">false</parameter>\n</invoke>\n</minimax:tool_call>";
        String raw = "The user wants the app checked.\n</think>\n\n" + first + second + "\n";
        assertThat(ParserHarness.parse(MINIMAX, raw)).containsExactly(
                new Piece.Thinking("The user wants the app checked.\n"),
                call("Read", first, p("file_path", "src/App.tsx"), p("limit", "200")),
                call("Bash", second, p("command", "npm test"), p("run_in_background", "false")));
    }

    @Test
    void aThinkMarkerWrittenByTheModelIsHonouredToo() {
        String block = "<minimax:tool_call>\n<invoke name=\"get_weather\">\n<parameter name=\"city\">Tokyo</parameter>\n"
                + "</invoke>\n</minimax:tool_call>";
        assertThat(ParserHarness.parse(MINIMAX, "<think>\nWeather first.\n</think>\n" + block + "\nIt is sunny.<think>again</think>ok"))
                .containsExactly(new Piece.Thinking("\nWeather first.\n"), call("get_weather", block, p("city", "Tokyo")),
                        new Piece.Text("It is sunny."), new Piece.Thinking("again"), new Piece.Text("ok"));
    }

    @Test
    void valuesAreExactIncludingJsonAndNewlines() {
        String todos = "[{\"content\": \"a\", \"status\": \"pending\", \"activeForm\": \"A\"}]";
        String content = "line 1\n  <b>bold</b>\n";
        String block = "<minimax:tool_call>\n<invoke name=\"Write\">\n<parameter name=\"file_path\">/tmp/x.html</parameter>\n"
                + "<parameter name=\"content\">" + content + "</parameter>\n<parameter name=\"todos\">" + todos + "</parameter>\n"
                + "</invoke>\n</minimax:tool_call>";
        assertThat(ParserHarness.parse(MINIMAX, "done</think>" + block)).containsExactly(
                new Piece.Thinking("done"),
                call("Write", block, p("file_path", "/tmp/x.html"), p("content", content), p("todos", todos)));
    }

    @Test
    void minimaxValueContainingClosingTagsStaysInsideTheParameter() {
        String command = "grep -r '</parameter>' . && echo '</invoke>' done";
        String block = "<minimax:tool_call>\n<invoke name=\"Bash\">\n<parameter name=\"command\">" + command + "</parameter>\n"
                + "<parameter name=\"description\">Find tags</parameter>\n</invoke>\n</minimax:tool_call>";
        assertThat(ParserHarness.parse(MINIMAX, "</think>" + block)).containsExactly(
                call("Bash", block, p("command", command), p("description", "Find tags")));
    }

    @Test
    void missingClosesAreImpliedAndTheEndClosesTheCall() {
        String noInvokeClose = "<minimax:tool_call>\n<invoke name=\"Read\">\n<parameter name=\"file_path\">a</parameter>\n";
        String second = "<invoke name=\"Read\">\n<parameter name=\"file_path\">b\n";
        assertThat(ParserHarness.parse(MINIMAX, "</think>" + noInvokeClose + second)).containsExactly(
                call("Read", noInvokeClose, p("file_path", "a")), call("Read", second, p("file_path", "b\n")));
    }

    @Test
    void unknownToolAndSingleQuotedNamesAreCalls() {
        String block = "<minimax:tool_call><invoke name='mcp__chrome-devtools__new_page'><parameter name='url'>https://a.b</parameter>"
                + "</invoke></minimax:tool_call>";
        assertThat(ParserHarness.parse(MINIMAX, "</think>" + block)).containsExactly(
                call("mcp__chrome-devtools__new_page", block, p("url", "https://a.b")));
    }

    @Test
    void blockWithoutAUsableInvokeIsMalformedAndProseIsText() {
        String bad = "<minimax:tool_call>\n<invoke>\n</invoke>\n</minimax:tool_call>";
        List<Piece> pieces = ParserHarness.parse(MINIMAX, "</think>" + bad);
        assertThat(pieces).singleElement().isInstanceOf(Piece.Malformed.class);
        String prose = "Calls go in <minimax:tool_call> blocks; see `<minimax:tool_call>`.";
        assertThat(ParserHarness.parse(MINIMAX, "</think>" + prose)).containsExactly(new Piece.Text(prose));
    }

    @Test
    void callBeforeTheReasoningIsClosedIsStillACall() {
        String block = "<minimax:tool_call>\n<invoke name=\"Glob\">\n<parameter name=\"pattern\">*.ts</parameter>\n</invoke>\n"
                + "</minimax:tool_call>";
        assertThat(ParserHarness.parse(MINIMAX, "Find the sources.\n" + block + "\nFound.")).containsExactly(
                new Piece.Thinking("Find the sources.\n"), call("Glob", block, p("pattern", "*.ts")), new Piece.Text("Found."));
    }

    @Test
    void serverSeparatedReasoningLeavesTheTextOutsideReasoning() {
        String block = "<minimax:tool_call><invoke name=\"Read\"><parameter name=\"file_path\">x</parameter></invoke></minimax:tool_call>";
        assertThat(ParserHarness.parse(new MiniMaxM2Format(false), "Sure." + block)).containsExactly(
                new Piece.Text("Sure."), call("Read", block, p("file_path", "x")));
    }

    @Test
    void claims() {
        assertThat(MINIMAX.claims("<minimax:tool_call>\n<invoke name=")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(MINIMAX.claims("<minimax:tool_call>\n<inv")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(MINIMAX.claims("<minimax:tool_call> blocks")).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    @Timeout(10)
    void aLargeWriteFedInSmallChunksIsNotQuadratic() {
        StringBuilder content = new StringBuilder();
        while (content.length() < 20_000) {
            content.append("<li>item</li> </parameter> x\n");
        }
        String block = "<minimax:tool_call>\n<invoke name=\"Write\">\n<parameter name=\"file_path\">a.html</parameter>\n"
                + "<parameter name=\"content\">" + content + "</parameter>\n</invoke>\n</minimax:tool_call>";
        List<String> chunks = new ArrayList<>();
        chunks.add("</think>");
        for (int i = 0; i < block.length(); i += 3) {
            chunks.add(block.substring(i, Math.min(block.length(), i + 3)));
        }
        assertThat(ParserHarness.run(MINIMAX, chunks)).containsExactly(
                call("Write", block, p("file_path", "a.html"), p("content", content.toString())));
    }
}
