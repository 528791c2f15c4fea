package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class MistralFormatTest {
    private static final ToolCallFormat MISTRAL = new MistralFormat();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void oldArrayFormWithIdsGivesOneCallPerElement() {
        String first = "{\"name\": \"Read\", \"arguments\": {\"file_path\": \"README.md\"}, \"id\": \"abc123def\"}";
        String second = "{\"name\": \"Bash\", \"arguments\": {\"command\": \"ls -la\"}, \"id\": \"x9Y8z7W6v\"}";
        assertThat(ParserHarness.parse(MISTRAL, "[TOOL_CALLS] [" + first + ", " + second + "]")).containsExactly(
                call("Read", "{\"file_path\":\"README.md\"}", first),
                call("Bash", "{\"command\":\"ls -la\"}", second));
    }

    @Test
    void v11CallsEachAfterTheirOwnMarkerAfterText() {
        String read = "[TOOL_CALLS]Read[ARGS]{\"file_path\": \"src/App.java\", \"limit\": 40}";
        String bash = "[TOOL_CALLS]Bash[ARGS]{\"command\": \"mvn -q test\", \"timeout\": 600000}";
        assertThat(ParserHarness.parse(MISTRAL, "Hello, world!\nLet me look.\n" + read + bash)).containsExactly(
                text("Hello, world!\nLet me look.\n"),
                call("Read", "{\"file_path\": \"src/App.java\", \"limit\": 40}", read),
                call("Bash", "{\"command\": \"mvn -q test\", \"timeout\": 600000}", bash));
    }

    @Test
    void callIdFormAndFormWithoutArgsMarker() {
        String withId = "[TOOL_CALLS]Grep[CALL_ID]a1b2c3d4e[ARGS]{\"pattern\": \"TODO\", \"-i\": true}";
        assertThat(ParserHarness.parse(MISTRAL, withId)).containsExactly(
                call("Grep", "{\"pattern\": \"TODO\", \"-i\": true}", withId));
        String noArgs = "[TOOL_CALLS]get_weather{\"city\": \"SF\"}";
        assertThat(ParserHarness.parse(MISTRAL, noArgs)).containsExactly(call("get_weather", "{\"city\": \"SF\"}", noArgs));
    }

    @Test
    void reasoningBeforeTheCall() {
        String call = "[TOOL_CALLS]TodoWrite[ARGS]{\"todos\": [{\"content\": \"Run tests\", \"status\": \"pending\"}]}";
        assertThat(ParserHarness.parse(MISTRAL, "[THINK]I'm\nthinking[/THINK]\n" + call)).containsExactly(
                new Piece.Thinking("I'm\nthinking"),
                call("TodoWrite", "{\"todos\": [{\"content\": \"Run tests\", \"status\": \"pending\"}]}", call));
    }

    @Test
    void bracesQuotesAndMarkersInsideStringsDoNotEndTheCall() {
        String call = "[TOOL_CALLS]Write[ARGS]{\"file_path\": \"Note.md\", \"content\": \"a } b ] \\\"[TOOL_CALLS]x[ARGS]{\\\" c\\n\"}";
        assertThat(ParserHarness.parse(MISTRAL, call + "\n\nWritten.")).containsExactly(
                call("Write", "{\"file_path\": \"Note.md\", \"content\": \"a } b ] \\\"[TOOL_CALLS]x[ARGS]{\\\" c\\n\"}", call),
                text("Written."));
    }

    @Test
    void textAfterTheArrayStaysText() {
        String array = "[TOOL_CALLS] [{\"name\": \"get_current_weather\", \"arguments\": {\"location\": \"Boston, MA\"}}]";
        assertThat(ParserHarness.parse(MISTRAL, array + "\n\nToday's weather in Boston is {result}.")).containsExactly(
                call("get_current_weather", "{\"location\":\"Boston, MA\"}", array),
                text("Today's weather in Boston is {result}."));
    }

    @Test
    void strippedMarkerLeavesABareArrayAtTheStartThatIsStillACall() {
        String array = "[{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a.txt\"}}, {\"name\": \"launch_rocket\", \"arguments\": {}}]";
        assertThat(ParserHarness.parse(MISTRAL, "\n" + array)).containsExactly(
                text("\n"),
                call("Read", "{\"file_path\":\"a.txt\"}", "{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a.txt\"}}"),
                call("launch_rocket", "{}", "{\"name\": \"launch_rocket\", \"arguments\": {}}"));
    }

    @Test
    void arraysThatAreNotBareCallListsAtTheStartStayText() {
        for (String answer : List.of(
                "[1, 2, 3]",
                "[{\"name\": \"Alice\", \"age\": 30}]",
                "[{\"name\": \"Read\"}]",
                "Here: [{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a\"}}]",
                "[link](https://example.com)",
                "The marker `[TOOL_CALLS]` starts calls.")) {
            assertThat(ParserHarness.parse(MISTRAL, answer)).as(answer).containsExactly(text(answer));
        }
    }

    @Test
    void cutOffAndUnreadableCallsAreMalformed() {
        String cut = "[TOOL_CALLS]Write[ARGS]{\"file_path\": \"a.txt\", \"content\": \"hel";
        assertThat(ParserHarness.parse(MISTRAL, cut)).containsExactly(new Piece.Malformed(cut, "the call is cut off"));
        String prose = "[TOOL_CALLS]I will now call a tool ";
        String next = "[TOOL_CALLS]Bash[ARGS]{\"command\": \"ls\"}";
        assertThat(ParserHarness.parse(MISTRAL, prose + next)).containsExactly(
                new Piece.Malformed(prose, "no tool name and JSON arguments after [TOOL_CALLS]"),
                call("Bash", "{\"command\": \"ls\"}", next));
    }

    @Test
    void pythonLiteralArgumentsAreConverted() {
        String call = "[TOOL_CALLS]Bash[ARGS]{'command': 'ls', 'run_in_background': False}";
        assertThat(ParserHarness.parse(MISTRAL, call)).containsExactly(
                call("Bash", "{\"command\":\"ls\",\"run_in_background\":false}", call));
    }

    @Test
    void claimsItsMarkerFollowedByANameOrAnArray() {
        assertThat(MISTRAL.claims("[TOOL_CALLS]")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(MISTRAL.claims("[TOOL_CALLS]get_weather[ARGS]")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(MISTRAL.claims("[TOOL_CALLS] [{\"name\"")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(MISTRAL.claims("[TOOL_CALLS]<x>")).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    void largeWriteCallInSmallChunksStaysFast() {
        String content = "fn f() { g(\\\"}\\\"); }\\n".repeat(1000);
        String raw = "[TOOL_CALLS]Write[ARGS]{\"file_path\": \"big.rs\", \"content\": \"" + content + "\"}";
        assertThat(raw.length()).isGreaterThan(20_000);
        List<Piece> pieces = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ParserHarness.parse(MISTRAL, raw));
        assertThat(pieces).singleElement().isInstanceOf(Piece.Call.class);
    }
}
