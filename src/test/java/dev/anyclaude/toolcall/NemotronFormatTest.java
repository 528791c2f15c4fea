package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.toolcall.CommandFormatTest.assertCall;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Nemotron-Nano-v2: {@code <TOOLCALL>[...]</TOOLCALL>}. */
class NemotronFormatTest {
    private static final ToolCallFormat FORMAT = new NemotronFormat();

    @Test
    void callWithTheTrailingEndOfTurnTokenLeavesNoMarkerInTheText() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<TOOLCALL>[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/repo/README.md\"}}]</TOOLCALL><SPECIAL_12>");
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "Read", "{\"file_path\": \"/repo/README.md\"}");
    }

    @Test
    void reasoningThenTextThenSeveralCalls() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<think>Search case-insensitively, then count.</think>\n\nSearching now.\n<TOOLCALL>["
                        + "{\"name\": \"Grep\", \"arguments\": {\"pattern\": \"todo\", \"-i\": true, \"-n\": true, "
                        + "\"output_mode\": \"content\"}}, "
                        + "{\"name\": \"Bash\", \"arguments\": {\"command\": \"grep -ci todo src/*.java\", "
                        + "\"timeout\": 60000, \"run_in_background\": false}}]</TOOLCALL>");
        assertThat(pieces).hasSize(4);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Thinking("Search case-insensitively, then count."));
        assertThat(pieces.get(1)).isEqualTo(new Piece.Text("Searching now.\n"));
        assertCall(pieces.get(2), "Grep",
                "{\"pattern\": \"todo\", \"-i\": true, \"-n\": true, \"output_mode\": \"content\"}");
        assertCall(pieces.get(3), "Bash",
                "{\"command\": \"grep -ci todo src/*.java\", \"timeout\": 60000, \"run_in_background\": false}");
    }

    @Test
    void reasoningOpenedByTheTemplateEndsAtABareClose() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "the prompt opened it</think><TOOLCALL>[{\"name\": \"Bash\", \"arguments\": {\"command\": \"pwd\"}}]</TOOLCALL>");
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("the prompt opened it"));
        assertCall(pieces.get(1), "Bash", "{\"command\": \"pwd\"}");
    }

    @Test
    void multiLineCodeWithTheCloseMarkerInsideAndAMissingCloseAtTheEnd() {
        String content = "def f():\\n    return \\\"</TOOLCALL>\\\" + str({'a': [1, 2]})\\n";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<TOOLCALL>[{\"name\": \"Write\", \"arguments\": {\"file_path\": \"/repo/f.py\", \"content\": \""
                        + content + "\"}}]");
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "Write", "{\"file_path\": \"/repo/f.py\", \"content\": \"" + content + "\"}");
    }

    @Test
    void argumentsAsAJsonStringAreKeptForTheTyperAndAnUnknownToolIsACall() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<TOOLCALL>[{\"name\": \"get_weather\", \"arguments\": \"{\\\"city\\\": \\\"Oslo\\\"}\"}]</TOOLCALL>");
        assertThat(pieces).hasSize(1);
        Piece.Call call = (Piece.Call) pieces.get(0);
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(ToolArguments.normalise(((Arguments.JsonText) call.arguments()).text()))
                .contains("{\"city\":\"Oslo\"}");
    }

    @Test
    void cutOffCallIsMalformedAndCallWithoutNameIsMalformed() {
        String cut = "Running it.<TOOLCALL>[{\"name\": \"Bash\", \"arguments\": {\"command\": \"mvn te";
        assertThat(ParserHarness.parse(FORMAT, cut)).containsExactly(new Piece.Text("Running it."),
                new Piece.Malformed("<TOOLCALL>[{\"name\": \"Bash\", \"arguments\": {\"command\": \"mvn te",
                        "the calls were cut off"));
        List<Piece> nameless = ParserHarness.parse(FORMAT, "<TOOLCALL>[{\"arguments\": {}}]</TOOLCALL>");
        assertThat(nameless).hasSize(1);
        assertThat(nameless.get(0)).isInstanceOf(Piece.Malformed.class);
    }

    @Test
    void markerInBackticksOrFenceIsProse() {
        String prose = "Nemotron writes `<TOOLCALL>[...]</TOOLCALL>`:\n```\n<TOOLCALL>[{\"name\": \"x\", \"arguments\": {}}]</TOOLCALL>\n```";
        assertThat(ParserHarness.parse(FORMAT, prose)).containsExactly(new Piece.Text(prose));
    }

    @Test
    void aLongWriteFedInTinyChunksIsReadWholeWithoutRescanning() {
        String content = "{\\\"key\\\": [1, 2]} </TOOLCALL> text\\n".repeat(700);
        String raw = "<TOOLCALL>[{\"name\": \"Write\", \"arguments\": {\"file_path\": \"/big.json\", \"content\": \""
                + content + "\"}}]</TOOLCALL>";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < raw.length(); i += 3) {
            chunks.add(raw.substring(i, Math.min(raw.length(), i + 3)));
        }
        List<Piece> pieces = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ParserHarness.run(FORMAT, chunks));
        assertThat(raw.length()).isGreaterThan(20_000);
        assertThat(pieces).hasSize(1);
        assertCall(pieces.get(0), "Write",
                "{\"file_path\": \"/big.json\", \"content\": \"" + content + "\"}");
    }

    @Test
    void claims() {
        assertThat(FORMAT.claims("<TOOLCALL>[")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<TOOLCALL>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(FORMAT.claims("<TOOLCALL>x")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
