package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import dev.anyclaude.toolcall.Arguments.Param;
import dev.anyclaude.toolcall.Arguments.ValueKind;
import dev.anyclaude.toolcall.DeepSeekMarkers.Dsml;

import static org.assertj.core.api.Assertions.assertThat;

class DeepSeekV32FormatTest {

    private static final ToolCallFormat V32 = new DeepSeekV32Format();
    private static final Dsml D = Dsml.FULLWIDTH;

    private static String invoke(String name, String... params) {
        return D.invoke() + " name=\"" + name + "\">\n" + String.join("", params) + D.invokeEnd();
    }

    private static String param(String name, boolean string, String value) {
        return D.parameter() + " name=\"" + name + "\" string=\"" + string + "\">" + value + D.parameterEnd() + "\n";
    }

    private static Piece.Call call(String name, String raw, Param... params) {
        return new Piece.Call(name, new Arguments.Params(List.of(params)), raw);
    }

    private static Param string(String name, String value) {
        return new Param(name, value, ValueKind.STRING);
    }

    private static Param json(String name, String value) {
        return new Param(name, value, ValueKind.JSON);
    }

    @Test
    void blockWithTwoInvokesGivesTwoCallsWithStringParameters() {
        String first = invoke("Read", param("file_path", true, "/data/報告書/2024-01-16.md"));
        String second = invoke("Read", param("file_path", true, "/data/报告/杭州.md"), param("limit", false, "80"));
        String raw = "Reading both.\n" + D.functionCalls() + "\n" + first + "\n" + second + "\n" + D.functionCallsEnd();
        assertThat(ParserHarness.parse(V32, raw)).containsExactly(
                new Piece.Text("Reading both.\n"),
                call("Read", D.functionCalls() + "\n" + first, string("file_path", "/data/報告書/2024-01-16.md")),
                call("Read", second, string("file_path", "/data/报告/杭州.md"), json("limit", "80")));
    }

    @Test
    void stringFlagDecidesTheKindAndDashedNamesSurvive() {
        String grep = invoke("Grep", param("pattern", true, "200"), param("-i", false, "true"),
                param("head_limit", false, "200"), param("glob", true, "{\"a\": [1, 2]}"));
        String raw = D.toolCalls() + "\n" + grep + "\n" + D.toolCallsEnd();
        assertThat(ParserHarness.parse(V32, raw)).containsExactly(call("Grep", D.toolCalls() + "\n" + grep,
                string("pattern", "200"), json("-i", "true"), json("head_limit", "200"),
                string("glob", "{\"a\": [1, 2]}")));
    }

    @Test
    void valueQuotingTheClosingTagAndMultiLineCodeStaysWhole() {
        String content = "# DSML\n\nA value ends with " + D.parameterEnd() + " and then\n"
                + D.invokeEnd() + " closes the call.\n\n```python\ndef f(x):\n    return {\"k\": x}\n```\n";
        String write = invoke("Write", param("file_path", true, "docs/dsml.md"), param("content", true, content));
        String raw = D.functionCalls() + "\n" + write + "\n" + D.functionCallsEnd() + "\n\nSaved the notes.";
        assertThat(ParserHarness.parse(V32, raw)).containsExactly(
                call("Write", D.functionCalls() + "\n" + write, string("file_path", "docs/dsml.md"),
                        string("content", content)),
                new Piece.Text("Saved the notes."));
    }

    @Test
    void missingInvokeAndBlockEndAtTheEndStillMakeACallButACutValueIsMalformed() {
        String open = D.functionCalls() + "\n" + D.invoke() + " name=\"Bash\">\n"
                + param("command", true, "ls -la") + param("timeout", false, "60000");
        assertThat(ParserHarness.parse(V32, open)).containsExactly(
                call("Bash", open, string("command", "ls -la"), json("timeout", "60000")));
        String complete = invoke("Read", param("file_path", true, "a.txt"));
        String cut = D.invoke() + " name=\"Write\">\n" + D.parameter() + " name=\"content\" string=\"true\">half a fi";
        assertThat(ParserHarness.parse(V32, D.functionCalls() + complete + "\n" + cut)).containsExactly(
                call("Read", D.functionCalls() + complete, string("file_path", "a.txt")),
                new Piece.Malformed(cut, "the output ended inside parameter content"));
    }

    @Test
    void reasoningThenCallToAnUnknownToolAndTheThinkingVariantStartsInside() {
        String call = invoke("get_weather", param("location", true, "Paris"));
        String raw = "<think>The user wants weather.</think>\n" + D.functionCalls() + call + D.functionCallsEnd();
        assertThat(ParserHarness.parse(V32, raw)).containsExactly(
                new Piece.Thinking("The user wants weather."),
                call("get_weather", D.functionCalls() + call, string("location", "Paris")));
        assertThat(ParserHarness.parse(DeepSeekV32Format.startingInReasoning(),
                "Need the weather.</think>Checking." + D.functionCalls() + call + D.functionCallsEnd()))
                .containsExactly(new Piece.Thinking("Need the weather."), new Piece.Text("Checking."),
                        call("get_weather", D.functionCalls() + call, string("location", "Paris")));
    }

    @Test
    void asciiBarSpellingIsAcceptedToo() {
        Dsml a = Dsml.ASCII;
        String raw = a.functionCalls() + "\n" + a.invoke() + " name=\"Read\">\n" + a.parameter()
                + " name=\"file_path\" string=\"true\">README.md" + a.parameterEnd() + "\n" + a.invokeEnd() + "\n"
                + a.functionCallsEnd();
        assertThat(ParserHarness.parse(V32, raw)).containsExactly(call("Read",
                raw.substring(0, raw.indexOf(a.invokeEnd()) + a.invokeEnd().length()), string("file_path", "README.md")));
    }

    @Test
    void markersInProseAreNotCalls() {
        String inline = "The block opens with `" + D.functionCalls() + "` and lists invokes.";
        assertThat(ParserHarness.parse(V32, inline)).containsExactly(new Piece.Text(inline));
        String fenced = "Example:\n```\n" + D.functionCalls() + "\n" + invoke("Read", param("file_path", true, "x"))
                + "\n" + D.functionCallsEnd() + "\n```\n";
        assertThat(ParserHarness.parse(V32, fenced)).containsExactly(new Piece.Text(fenced));
        String loose = "Say " + D.functionCalls() + " out loud.";
        assertThat(ParserHarness.parse(V32, loose)).containsExactly(new Piece.Text(loose));
    }

    @Test
    void largeWriteInSmallChunksKeepsEveryParameter() {
        StringBuilder content = new StringBuilder();
        for (int i = 0; content.length() < 20_000; i++) {
            content.append("row ").append(i).append(": ").append(D.parameterEnd()).append(" <b>{").append(i).append("}</b>\n");
        }
        String write = invoke("Write", param("file_path", true, "big.txt"), param("content", true, content.toString()));
        String edit = invoke("Edit", param("file_path", true, "big.txt"), param("old_string", true, "row 1:"),
                param("new_string", true, "row one:"), param("replace_all", false, "false"));
        String raw = D.functionCalls() + "\n" + write + "\n" + edit + "\n" + D.functionCallsEnd();
        assertThat(ParserHarness.parse(V32, raw)).containsExactly(
                call("Write", D.functionCalls() + "\n" + write, string("file_path", "big.txt"),
                        string("content", content.toString())),
                call("Edit", edit, string("file_path", "big.txt"), string("old_string", "row 1:"),
                        string("new_string", "row one:"), json("replace_all", "false")));
    }

    @Test
    void claimsABlockFollowedByAnInvoke() {
        assertThat(V32.claims(D.functionCalls() + "\n" + D.invoke() + " name=\"Read\">")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(V32.claims(D.toolCalls() + "\n<")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(V32.claims(D.functionCalls() + " hello")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
