package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class XlamFormatTest {
    private static final ToolCallFormat XLAM = new XlamFormat();
    private static final String READ = "{\"name\": \"Read\", \"arguments\": {\"file_path\": \"notes.txt\"}}";

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void bareArrayThatIsTheWholeOutput() {
        String bash = "{\"name\": \"Bash\", \"arguments\": {\"command\": \"echo \\\"[x]\\\"\", \"run_in_background\": false}}";
        assertThat(ParserHarness.parse(XLAM, "[" + READ + ", " + bash + "]")).containsExactly(
                call("Read", "{\"file_path\":\"notes.txt\"}", READ),
                call("Bash", "{\"command\":\"echo \\\"[x]\\\"\",\"run_in_background\":false}", bash));
    }

    @Test
    void fencedArrayThatIsTheWholeOutput() {
        String fenced = "```json\n[" + READ + "]\n```";
        assertThat(ParserHarness.parse(XLAM, fenced)).containsExactly(call("Read", "{\"file_path\":\"notes.txt\"}", fenced));
        String plainFence = "```\n[" + READ + "]";
        assertThat(ParserHarness.parse(XLAM, plainFence)).containsExactly(
                call("Read", "{\"file_path\":\"notes.txt\"}", plainFence));
    }

    @Test
    void arrayAfterReasoning() {
        String array = "[" + READ + "]";
        assertThat(ParserHarness.parse(XLAM, "<think>I need the notes.</think>\n\n" + array)).containsExactly(
                new Piece.Thinking("I need the notes."), call("Read", "{\"file_path\":\"notes.txt\"}", array));
        assertThat(ParserHarness.parse(XLAM, "opened by the template</think>" + array)).containsExactly(
                text("opened by the template"), call("Read", "{\"file_path\":\"notes.txt\"}", array));
    }

    @Test
    void markedCallsAfterText() {
        String tagged = "<tool_call>[{\"name\": \"launch_rocket\", \"arguments\": \"{\\\"when\\\": \\\"now\\\"}\"}]</tool_call>";
        String marked = "[TOOL_CALLS][{\"name\": \"Grep\", \"arguments\": {\"pattern\": \"}\", \"-i\": true}}]";
        assertThat(ParserHarness.parse(XLAM, "Sure.\n" + tagged + "\n" + marked)).containsExactly(
                text("Sure.\n"),
                call("launch_rocket", "\"{\\\"when\\\": \\\"now\\\"}\"", tagged),
                call("Grep", "{\"pattern\":\"}\",\"-i\":true}", marked));
    }

    @Test
    void markedCallAtTheVeryStartGoesToTheMarkerParser() {
        String marked = "[TOOL_CALLS] [" + READ + "]";
        assertThat(ParserHarness.parse(XLAM, marked + " ok")).containsExactly(
                call("Read", "{\"file_path\":\"notes.txt\"}", marked), text("ok"));
    }

    @Test
    void jsonThatIsNotAStandaloneCallListIsText() {
        for (String answer : List.of(
                "Here is an example:\n```json\n[" + READ + "]\n```",
                "```json\n[" + READ + "]\nplus a comment\n```",
                "```python\nprint([1])\n```",
                "[{\"name\": \"Alice\", \"age\": 30}]",
                "[{\"name\": \"Read\"}]",
                "[\"just\", \"strings\"]",
                "The call `<tool_call>[...]` is how I answer.")) {
            assertThat(ParserHarness.parse(XLAM, answer)).as(answer).containsExactly(text(answer));
        }
    }

    @Test
    void textAfterALeadingArrayStaysText() {
        String array = "[" + READ + "]";
        assertThat(ParserHarness.parse(XLAM, array + "\n\nI will read it.")).containsExactly(
                call("Read", "{\"file_path\":\"notes.txt\"}", array), text("I will read it."));
    }

    @Test
    void cutOffLeadingArrayIsMalformed() {
        String cut = "[{\"name\": \"Write\", \"arguments\": {\"file_path\": \"a\", \"content\": \"unfinished";
        assertThat(ParserHarness.parse(XLAM, cut)).containsExactly(new Piece.Malformed(cut, "the call list is cut off"));
    }

    @Test
    void claimsMarkersFollowedByAnArray() {
        assertThat(XLAM.claims("[TOOL_CALLS][{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(XLAM.claims("<tool_call>[")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(XLAM.claims("<tool_call>{")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(XLAM.claims("[TOOL_CALLS]get_weather")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
