package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import static dev.anyclaude.toolcall.DeepSeekMarkers.CALLS_BEGIN;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALLS_END;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALL_BEGIN;
import static dev.anyclaude.toolcall.DeepSeekMarkers.CALL_END;
import static dev.anyclaude.toolcall.DeepSeekMarkers.TOOL_SEP;
import static org.assertj.core.api.Assertions.assertThat;

class DeepSeekV31FormatTest {

    private static final ToolCallFormat V31 = new DeepSeekV31Format();
    private static final ToolCallFormat THINKING = DeepSeekV31Format.startingInReasoning();

    private static String call(String name, String json) {
        return CALL_BEGIN + name + TOOL_SEP + json + CALL_END;
    }

    private static Piece.Call parsed(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    @Test
    void singleCallWithJsonRightAfterTheSeparator() {
        String json = "{\"file_path\": \"src/main.rs\", \"offset\": 120, \"limit\": 60}";
        assertThat(ParserHarness.parse(V31, CALLS_BEGIN + call("Read", json) + CALLS_END)).containsExactly(
                parsed("Read", json, CALLS_BEGIN + call("Read", json)));
        assertThat(V31.name()).isEqualTo("deepseek-v31");
    }

    @Test
    void thinkingOutputStartsInReasoningThenContentThenTwoCalls() {
        String first = "{\"command\": \"cargo build\", \"run_in_background\": false}";
        String second = "{\"todos\": [{\"content\": \"Fix build\", \"status\": \"in_progress\", \"activeForm\": \"Fixing build\"}]}";
        String raw = "The build is broken; check it.</think>Checking the build." + CALLS_BEGIN + call("Bash", first)
                + call("TodoWrite", second) + CALLS_END;
        assertThat(ParserHarness.parse(THINKING, raw)).containsExactly(
                new Piece.Thinking("The build is broken; check it."),
                new Piece.Text("Checking the build."),
                parsed("Bash", first, CALLS_BEGIN + call("Bash", first)),
                parsed("TodoWrite", second, call("TodoWrite", second)));
    }

    @Test
    void multiLineCodeWithBracesAndEscapedQuotesStaysOneArgument() {
        String json = "{\"file_path\": \"Main.java\", \"old_string\": \"if (x) {\\n    log(\\\"}\\\");\\n}\", "
                + "\"new_string\": \"if (x) {\\n    log(\\\"" + CALL_END + "\\\");\\n}\"}";
        String raw = "Fixing it now.\n" + CALLS_BEGIN + "\n" + call("Edit", json) + "\n" + CALLS_END + "\nDone.";
        assertThat(ParserHarness.parse(V31, raw)).containsExactly(
                new Piece.Text("Fixing it now.\n"),
                parsed("Edit", json, CALLS_BEGIN + "\n" + call("Edit", json)),
                new Piece.Text("Done."));
    }

    @Test
    void missingCallAndSectionEndAtTheEndOfTheStream() {
        String raw = CALLS_BEGIN + CALL_BEGIN + "mcp__chrome-devtools__new_page" + TOOL_SEP + "{\"url\": \"https://example.com\"}";
        assertThat(ParserHarness.parse(V31, raw)).containsExactly(
                parsed("mcp__chrome-devtools__new_page", "{\"url\": \"https://example.com\"}", raw));
        String cut = CALLS_BEGIN + CALL_BEGIN + "Write" + TOOL_SEP + "{\"file_path\": \"x\", \"content\": \"abc";
        assertThat(ParserHarness.parse(V31, cut)).containsExactly(
                new Piece.Malformed(cut, "the output ended before the call's arguments were complete"));
    }

    @Test
    void callWithoutSeparatorIsMalformed() {
        String raw = CALLS_BEGIN + CALL_BEGIN + "Read {\"file_path\": \"a\"}" + CALL_END;
        assertThat(ParserHarness.parse(V31, raw + CALLS_END)).containsExactly(
                new Piece.Malformed(raw, "no <\uFF5Ctool\u2581sep\uFF5C> in the call"));
    }

    @Test
    void withoutThinkingModeABareThinkCloseIsDroppedAndEverythingIsText() {
        assertThat(ParserHarness.parse(V31, "Plan</think>\nAnswer")).containsExactly(new Piece.Text("PlanAnswer"));
    }

    @Test
    void largeWriteInSmallChunksIsOneCall() {
        StringBuilder content = new StringBuilder();
        for (int i = 0; content.length() < 20_000; i++) {
            content.append("fn f").append(i).append("() { return \\\"").append(CALL_END).append("\\\"; }\\n");
        }
        String json = "{\"file_path\": \"gen.rs\", \"content\": \"" + content + "\"}";
        String raw = CALLS_BEGIN + call("Write", json);
        assertThat(ParserHarness.parse(V31, raw + CALLS_END)).containsExactly(parsed("Write", json, raw));
    }

    @Test
    void claimsTheUnfencedShape() {
        assertThat(V31.claims(CALLS_BEGIN + call("Read", "{}"))).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(V31.claims(CALL_BEGIN + "Read" + TOOL_SEP)).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(V31.claims(CALLS_BEGIN + CALL_BEGIN + "function" + TOOL_SEP + "Read\n```json\n{}"))
                .isEqualTo(ToolCallFormat.Claim.NO);
    }
}
