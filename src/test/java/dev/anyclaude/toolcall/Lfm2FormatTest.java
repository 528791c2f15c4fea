package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Lfm2FormatTest {
    private static final ToolCallFormat LFM2 = new Lfm2Format();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void pythonicListWithTwoCalls() {
        assertThat(ParserHarness.parse(LFM2,
                "<|tool_call_start|>[Read(file_path=\"a.txt\", offset=1), Bash(command='ls', timeout=5000)]<|tool_call_end|>"))
                .containsExactly(
                        call("Read", "{\"file_path\":\"a.txt\",\"offset\":1}", "Read(file_path=\"a.txt\", offset=1)"),
                        call("Bash", "{\"command\":\"ls\",\"timeout\":5000}", "Bash(command='ls', timeout=5000)"));
    }

    @Test
    void codeWithEscapedLineBreaksAndQuotes() {
        String raw = "<|tool_call_start|>[Write(file_path=\"hello.py\", content=\"def hello():\\n    print('hey')\\n\")]<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, raw)).containsExactly(
                call("Write", "{\"file_path\":\"hello.py\",\"content\":\"def hello():\\n    print('hey')\\n\"}", raw));
    }

    @Test
    void zeroArgumentCallAndJsonArrayBody() {
        String empty = "<|tool_call_start|>[empty_args()]<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, empty)).containsExactly(call("empty_args", "{}", empty));
        String json = "<|tool_call_start|>[{\"name\": \"Glob\", \"arguments\": {\"pattern\": \"*.md\"}}]<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, json)).containsExactly(call("Glob", "{\"pattern\":\"*.md\"}", json));
    }

    @Test
    void reasoningThenTextThenCall() {
        String raw = "<|tool_call_start|>[mcp__chrome-devtools__new_page(url=\"https://example.com\")]<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, "<think>Open the page.</think>\nOpening it.\n" + raw + "\nOpened."))
                .containsExactly(
                        new Piece.Thinking("Open the page."),
                        text("Opening it.\n"),
                        call("mcp__chrome-devtools__new_page", "{\"url\":\"https://example.com\"}", raw),
                        text("Opened."));
    }

    @Test
    void endMarkerInsideAStringAndMissingEndMarker() {
        String inside = "<|tool_call_start|>[Write(file_path='x', content='<|tool_call_end|> ])')]<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, inside)).containsExactly(
                call("Write", "{\"file_path\":\"x\",\"content\":\"<|tool_call_end|> ])\"}", inside));
        String open = "<|tool_call_start|>[Bash(command=\"make\")]";
        assertThat(ParserHarness.parse(LFM2, open)).containsExactly(call("Bash", "{\"command\":\"make\"}", open));
    }

    @Test
    void callsWithoutBracketsAreReadUpToTheEndMarker() {
        String raw = "<|tool_call_start|>get_time(city=\"Paris\")<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, raw)).containsExactly(call("get_time", "{\"city\":\"Paris\"}", raw));
    }

    @Test
    void unreadableAndCutOffCallsAreMalformed() {
        String positional = "<|tool_call_start|>[Bash(\"ls\")]<|tool_call_end|>";
        assertThat(ParserHarness.parse(LFM2, positional)).singleElement().isInstanceOf(Piece.Malformed.class);
        String cut = "<|tool_call_start|>[Write(content=\"abc";
        assertThat(ParserHarness.parse(LFM2, cut)).containsExactly(new Piece.Malformed(cut, "the call is cut off"));
    }

    @Test
    void markerInProseIsText() {
        String prose = "LFM2 wraps calls in `<|tool_call_start|>` tokens.";
        assertThat(ParserHarness.parse(LFM2, prose)).containsExactly(text(prose));
    }
}
