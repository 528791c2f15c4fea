package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.toolcall.KimiK2Format.ARGUMENT_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.CALL_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.CALL_END;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_BEGIN_SINGULAR;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_END;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_END_SINGULAR;
import static org.assertj.core.api.Assertions.assertThat;

class KimiK2FormatTest {

    private static final ToolCallFormat KIMI = new KimiK2Format();

    private static String call(String id, String json) {
        return CALL_BEGIN + id + ARGUMENT_BEGIN + json + CALL_END;
    }

    private static Piece.Call parsed(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    @Test
    void sectionWithOneCallAfterTextStripsIdSyntaxFromTheName() {
        String json = "{\"file_path\": \"/home/dev/app/main.py\"}";
        String first = SECTION_BEGIN + CALL_BEGIN + "functions.Read:0\n" + ARGUMENT_BEGIN + json + CALL_END;
        String raw = "Let me open it.\n" + first + SECTION_END;
        assertThat(ParserHarness.parse(KIMI, raw)).containsExactly(
                new Piece.Text("Let me open it.\n"), parsed("Read", json, first));
        assertThat(KIMI.name()).isEqualTo("kimi-k2");
    }

    @Test
    void reasoningThenThreeCallsWithAngleBracketsInStringsThenText() {
        String write = "{\"file_path\": \"index.html\", \"content\": \"<p>test</p>\\n<div class=\\\"x\\\">{}</div>\"}";
        String bash = "{\"command\": \"python -m http.server\", \"run_in_background\": true}";
        String todo = "{\"todos\": [{\"content\": \"Serve page\", \"status\": \"completed\", \"activeForm\": \"Serving page\"}]}";
        String raw = "<think>Write the page, serve it, note it.</think>\n" + SECTION_BEGIN + call("functions.Write:0", write)
                + call("functions.Bash:1", bash) + call("functions.TodoWrite:2", todo) + SECTION_END + "\nServing now.";
        assertThat(ParserHarness.parse(KIMI, raw)).containsExactly(
                new Piece.Thinking("Write the page, serve it, note it."),
                parsed("Write", write, SECTION_BEGIN + call("functions.Write:0", write)),
                parsed("Bash", bash, call("functions.Bash:1", bash)),
                parsed("TodoWrite", todo, call("functions.TodoWrite:2", todo)),
                new Piece.Text("Serving now."));
    }

    @Test
    void callsInsideReasoningWithoutSectionOrEndMarkersEndTheReasoning() {
        String read = "{\"file_path\": \"a.txt\"}";
        String bash = "{\"command\": \"echo 'hey' && cat a.txt\"}";
        String firstCall = CALL_BEGIN + "functions.Read:0" + ARGUMENT_BEGIN + read;
        String secondCall = CALL_BEGIN + "functions.Bash:1" + ARGUMENT_BEGIN + bash;
        assertThat(ParserHarness.parse(KIMI, "<think>I need to call two functions" + firstCall + secondCall))
                .containsExactly(new Piece.Thinking("I need to call two functions"),
                        parsed("Read", read, firstCall), parsed("Bash", bash, secondCall));
    }

    @Test
    void singularSectionTokensIdsWithoutPrefixDashedNamesAndEmptyArguments() {
        String page = "{\"url\": \"https://example.com/a-b?c=d\"}";
        String first = SECTION_BEGIN_SINGULAR + "\n" + call("mcp__chrome-devtools__new_page:3", page);
        String second = call("functions.mcp__chrome-devtools__list_pages:4", "{}");
        assertThat(ParserHarness.parse(KIMI, first + "\n" + second + "\n" + SECTION_END_SINGULAR)).containsExactly(
                parsed("mcp__chrome-devtools__new_page", page, first),
                parsed("mcp__chrome-devtools__list_pages", "{}", second));
    }

    @Test
    void unknownToolIsACallAndMissingEndsAtTheStreamEndStillCloseIt() {
        String raw = CALL_BEGIN + "functions.execute_command:0" + ARGUMENT_BEGIN
                + "{\"command\": \"ls -lah\", \"cwd\": \"/srv/app\", \"timeout\": 10}";
        assertThat(ParserHarness.parse(KIMI, raw)).containsExactly(parsed("execute_command",
                "{\"command\": \"ls -lah\", \"cwd\": \"/srv/app\", \"timeout\": 10}", raw));
    }

    @Test
    void truncatedCallIsMalformedButTheCompleteOneBeforeItSurvives() {
        String done = SECTION_BEGIN + call("functions.Read:0", "{\"file_path\": \"x\"}");
        String cut = CALL_BEGIN + "functions.Write:1" + ARGUMENT_BEGIN + "{\"file_path\": \"y\", \"content\": \"par";
        assertThat(ParserHarness.parse(KIMI, done + cut)).containsExactly(
                parsed("Read", "{\"file_path\": \"x\"}", done),
                new Piece.Malformed(cut, "the output ended before the call's arguments were complete"));
    }

    @Test
    void endMarkersInsideAJsonStringStayInTheArguments() {
        String json = "{\"file_path\": \"notes.md\", \"content\": \"Calls end with " + CALL_END + " and sections with "
                + SECTION_END + "; then " + CALL_BEGIN + " starts one.\\n}\"}";
        String first = SECTION_BEGIN + call("functions.Write:0", json);
        assertThat(ParserHarness.parse(KIMI, first + SECTION_END)).containsExactly(parsed("Write", json, first));
    }

    @Test
    void markersMentionedInProseOrReasoningAreNotCalls() {
        String thinking = "<think>The format uses " + CALL_BEGIN + " tokens.</think>Explained.";
        assertThat(ParserHarness.parse(KIMI, thinking)).containsExactly(
                new Piece.Thinking("The format uses " + CALL_BEGIN + " tokens."), new Piece.Text("Explained."));
        String inline = "Each call starts with `" + CALL_BEGIN + "functions.X:0" + ARGUMENT_BEGIN + "`.";
        assertThat(ParserHarness.parse(KIMI, inline)).containsExactly(new Piece.Text(inline));
    }

    @Test
    void callsInReasoningTheUpstreamSplitOffAreFound() {
        FormatParser parser = KIMI.newParser();
        List<Piece> out = new ArrayList<>();
        String call = CALL_BEGIN + "functions.Grep:0" + ARGUMENT_BEGIN + "{\"pattern\": \"fixme\", \"-i\": true}" + CALL_END;
        String reasoning = "Search first." + SECTION_BEGIN + call + SECTION_END;
        for (int i = 0; i < reasoning.length(); i += 7) {
            parser.feedReasoning(reasoning.substring(i, Math.min(reasoning.length(), i + 7)), out::add);
        }
        parser.feed("Searching.", out::add);
        parser.finish(out::add);
        assertThat(out).filteredOn(p -> p instanceof Piece.Call).containsExactly(
                parsed("Grep", "{\"pattern\": \"fixme\", \"-i\": true}", SECTION_BEGIN + call));
        assertThat(out).filteredOn(p -> p instanceof Piece.Text).containsExactly(new Piece.Text("Searching."));
    }

    @Test
    void largeWriteInSmallChunksIsOneCall() {
        StringBuilder content = new StringBuilder();
        for (int i = 0; content.length() < 20_000; i++) {
            content.append("line ").append(i).append(": {\\\"k\\\": \\\"").append(CALL_END).append("\\\"}\\n");
        }
        String json = "{\"file_path\": \"big.txt\", \"content\": \"" + content + "\"}";
        String raw = SECTION_BEGIN + call("functions.Write:0", json);
        assertThat(ParserHarness.parse(KIMI, raw + SECTION_END)).containsExactly(parsed("Write", json, raw));
    }

    @Test
    void claimsACallBeginFollowedByAnIdAndArguments() {
        assertThat(KIMI.claims(SECTION_BEGIN + CALL_BEGIN + "functions.Read:0" + ARGUMENT_BEGIN)).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(KIMI.claims(CALL_BEGIN + "functions.Re")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(KIMI.claims(CALL_BEGIN + " is a token")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
