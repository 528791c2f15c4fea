package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.anyclaude.toolcall.DeepSeekMarkers.CALLS_BEGIN;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALLS_END;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALL_BEGIN;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALL_END;
import static dev.anyclaude.toolcall.DeepSeekMarkers.END_OF_SENTENCE;
import static dev.anyclaude.toolcall.DeepSeekMarkers.TOOL_SEP;
import static org.assertj.core.api.Assertions.assertThat;

class DeepSeekV3FormatTest {

    private static final ToolCallFormat V3 = new DeepSeekV3Format();
    private static final ToolCallFormat R1 = DeepSeekV3Format.startingInReasoning();

    /** One V3 call: type, separator, name, fenced JSON, call end. */
    private static String call(String name, String json) {
        return CALL_BEGIN + "function" + TOOL_SEP + name + "\n```json\n" + json + "\n```" + CALL_END;
    }

    private static Piece.Call parsed(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    @Test
    void callAfterTextIsCutOutWithItsFencedJson() {
        String json = "{\"file_path\": \"/srv/app/config.yml\", \"limit\": 40}";
        String raw = "Let me read the config first.\n" + CALLS_BEGIN + call("Read", json) + CALLS_END;
        assertThat(ParserHarness.parse(V3, raw)).containsExactly(
                new Piece.Text("Let me read the config first.\n"),
                parsed("Read", json, CALLS_BEGIN + call("Read", json)));
    }

    @Test
    void twoCallsSeparatedByNewlineThenEndOfSentenceAreBothRecovered() {
        String bash = "{\"command\": \"git status --short\", \"description\": \"Show changes\", \"timeout\": 30000}";
        String grep = "{\"pattern\": \"TODO\\\\(\\\\w+\\\\)\", \"-i\": true, \"-n\": true, \"output_mode\": \"content\"}";
        String raw = CALLS_BEGIN + call("Bash", bash) + "\n" + call("Grep", grep) + CALLS_END + END_OF_SENTENCE;
        assertThat(ParserHarness.parse(V3, raw)).containsExactly(
                parsed("Bash", bash, CALLS_BEGIN + call("Bash", bash)),
                parsed("Grep", grep, call("Grep", grep)));
    }

    @Test
    void misspelledSectionBeginAndGluedClosingFenceStillMakeACall() {
        String misspelled = "<\uFF5Ctool_calls_begin\uFF5C>";
        String region = misspelled + CALL_BEGIN + "function" + TOOL_SEP + "Bash\n```json\n{\"command\": \"ls -la\"}```"
                + CALL_END;
        assertThat(ParserHarness.parse(V3, region + CALLS_END)).containsExactly(
                parsed("Bash", "{\"command\": \"ls -la\"}", region));
        String spaced = "<\uFF5Ctool calls begin\uFF5C>";
        assertThat(ParserHarness.parse(V3, spaced + "\n" + call("Read", "{\"file_path\": \"a.txt\"}") + CALLS_END))
                .containsExactly(parsed("Read", "{\"file_path\": \"a.txt\"}",
                        spaced + "\n" + call("Read", "{\"file_path\": \"a.txt\"}")));
    }

    @Test
    void endMarkerInsideAJsonStringStaysInsideTheArguments() {
        String json = "{\"file_path\": \"docs/deepseek.md\", \"content\": \"# Calls\\n\\nA call ends with "
                + CALL_END + " and the section with " + CALLS_END + ".\\nNested: {\\\"a\\\": {\\\"b\\\": [1, 2]}}\\n\"}";
        String raw = CALLS_BEGIN + call("Write", json) + CALLS_END + "\n\nWritten.";
        assertThat(ParserHarness.parse(V3, raw)).containsExactly(
                parsed("Write", json, CALLS_BEGIN + call("Write", json)),
                new Piece.Text("Written."));
    }

    @Test
    void callWithoutClosingMarkersIsRecoveredAtTheEndButATruncatedOneIsMalformed() {
        String complete = CALLS_BEGIN + CALL_BEGIN + "function" + TOOL_SEP + "Read\n```json\n{\"file_path\": \"pom.xml\"}\n```";
        assertThat(ParserHarness.parse(V3, complete)).containsExactly(
                parsed("Read", "{\"file_path\": \"pom.xml\"}", complete));
        String first = CALLS_BEGIN + call("Read", "{\"file_path\": \"a\"}");
        String cut = CALL_BEGIN + "function" + TOOL_SEP + "Write\n```json\n{\"file_path\": \"b\", \"content\": \"half";
        assertThat(ParserHarness.parse(V3, first + "\n" + cut)).containsExactly(
                parsed("Read", "{\"file_path\": \"a\"}", first),
                new Piece.Malformed(cut, "the output ended before the call's arguments were complete"));
    }

    @Test
    void unknownToolIsStillReportedAsACall() {
        String raw = CALLS_BEGIN + call("get_current_weather", "{\"location\": \"Tokyo\"}") + CALLS_END;
        assertThat(ParserHarness.parse(V3, raw)).containsExactly(parsed("get_current_weather",
                "{\"location\": \"Tokyo\"}", CALLS_BEGIN + call("get_current_weather", "{\"location\": \"Tokyo\"}")));
    }

    @Test
    void reasoningBecomesThinkingAndR1StartsInsideIt() {
        String json = "{\"command\": \"npm test\"}";
        assertThat(ParserHarness.parse(V3, "<think>Run the tests.</think>\n\nRunning them." + CALLS_BEGIN
                + call("Bash", json) + CALLS_END)).containsExactly(
                new Piece.Thinking("Run the tests."),
                new Piece.Text("Running them."),
                parsed("Bash", json, CALLS_BEGIN + call("Bash", json)));
        assertThat(ParserHarness.parse(R1, "I'm\nthinking</think>Hello, world!\nWhat's up?")).containsExactly(
                new Piece.Thinking("I'm\nthinking"), new Piece.Text("Hello, world!\nWhat's up?"));
        assertThat(ParserHarness.parse(R1, "<think>\nstill\n</think>\n\nok")).containsExactly(
                new Piece.Thinking("\nstill\n"), new Piece.Text("ok"));
    }

    @Test
    void markersInCodeAreProse() {
        String fenced = "The model writes:\n```\n" + CALLS_BEGIN + call("Read", "{}") + CALLS_END + "\n```\nthen stops.";
        assertThat(ParserHarness.parse(V3, fenced)).containsExactly(new Piece.Text(fenced));
        String inline = "A section starts with `" + CALLS_BEGIN + "` in the output.";
        assertThat(ParserHarness.parse(V3, inline)).containsExactly(new Piece.Text(inline));
    }

    @Test
    void stepThreeUnderscoreMarkersAreNotDeepSeekCalls() {
        String step = "<\uFF5Ctool_calls_begin\uFF5C><\uFF5Ctool_call_begin\uFF5C>function<\uFF5Ctool_sep\uFF5C>"
                + "<steptml:invoke name=\"Read\"></steptml:invoke>";
        assertThat(ParserHarness.parse(V3, step)).containsExactly(new Piece.Text(step));
        assertThat(V3.claims(step)).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    void claimsTheFencedShapeAndLeavesTheV31ShapeToV31() {
        assertThat(V3.claims(CALLS_BEGIN + call("Read", "{}"))).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(V3.claims(CALLS_BEGIN + CALL_BEGIN + "function" + TOOL_SEP)).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(V3.claims(CALLS_BEGIN + CALL_BEGIN + "Read" + TOOL_SEP + "{\"file_path\": \"a\"}"))
                .isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(V3.claims(CALLS_BEGIN)).isEqualTo(ToolCallFormat.Claim.MAYBE);
    }

    @Test
    void plainTextPassesThrough() {
        String text = "A function is a value; 3 < 4 and {\"a\": 1} stay as they are.";
        assertThat(ParserHarness.parse(V3, text)).containsExactly(new Piece.Text(text));
        assertThat(ParserHarness.run(V3, List.of(text))).containsExactly(new Piece.Text(text));
    }
}
