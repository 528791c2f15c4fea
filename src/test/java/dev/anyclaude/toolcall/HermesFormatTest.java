package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class HermesFormatTest {

    private static final ToolCallFormat HERMES = new HermesFormat();

    private static Piece.Call call(String name, String arguments, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(arguments), raw);
    }

    @Test
    void callAfterTextIsCutOutWithItsArgumentsAsWritten() {
        String block = "<tool_call>\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/repo/pom.xml\", \"limit\": 40}}\n</tool_call>";
        assertThat(ParserHarness.parse(HERMES, "Let me read the build file.\n" + block + "\n")).containsExactly(
                new Piece.Text("Let me read the build file.\n"),
                call("Read", "{\"file_path\": \"/repo/pom.xml\", \"limit\": 40}", block));
    }

    @Test
    void qwen3ReasoningBecomesThinkingBeforeTheCall() {
        String block = "<tool_call>\n{\"name\": \"Bash\", \"arguments\": {\"command\": \"mvn -q test\", \"description\": \"Run tests\"}}\n</tool_call>";
        assertThat(ParserHarness.parse(HERMES, "<think>\nThe tests should run first.\n</think>\n\n" + block)).containsExactly(
                new Piece.Thinking("\nThe tests should run first.\n"),
                call("Bash", "{\"command\": \"mvn -q test\", \"description\": \"Run tests\"}", block));
    }

    @Test
    void forcedOpenReasoningEndsAtTheBareClose() {
        String block = "<tool_call>{\"name\": \"Glob\", \"arguments\": {\"pattern\": \"**/*.java\"}}</tool_call>";
        assertThat(ParserHarness.parse(new HermesFormat(true), "Plan: find the sources.\n</think>\n\n" + block)).containsExactly(
                new Piece.Thinking("Plan: find the sources.\n"),
                call("Glob", "{\"pattern\": \"**/*.java\"}", block));
    }

    @Test
    void severalBlocksGiveSeveralCallsAndTextBetweenIsKept() {
        String first = "<tool_call>{\"name\": \"Grep\", \"arguments\": {\"pattern\": \"TODO\", \"-n\": true}}</tool_call>";
        String second = "<tool_call>{\"name\": \"Grep\", \"arguments\": {\"pattern\": \"FIXME\", \"-i\": true}}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, first + second + "\nand also\n" + first)).containsExactly(
                call("Grep", "{\"pattern\": \"TODO\", \"-n\": true}", first),
                call("Grep", "{\"pattern\": \"FIXME\", \"-i\": true}", second),
                new Piece.Text("and also\n"),
                call("Grep", "{\"pattern\": \"TODO\", \"-n\": true}", first));
    }

    @Test
    void closingTagAndBracesInsideStringValuesDoNotEndTheCall() {
        String arguments = "{\"file_path\": \"notes.md\", \"content\": \"Write </tool_call> then {\\\"x\\\": \\\"}\\\"} and \\\\\\\" too\\n}}\"}";
        String block = "<tool_call>\n{\"name\": \"Write\", \"arguments\": " + arguments + "}\n</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block + "\nDone.")).containsExactly(
                call("Write", arguments, block),
                new Piece.Text("Done."));
    }

    @Test
    void editWithEscapedNewlinesQuotesAndBracesInStrings() {
        String arguments = "{\"file_path\": \"a.js\", \"old_string\": \"if (x) {\\n  return \\\"a\\\\\\\\b\\\";\\n}\", \"new_string\": \"if (x) { return '}'; }\"}";
        String block = "<tool_call>\n{\"name\": \"Edit\", \"arguments\": " + arguments + "}\n</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block)).containsExactly(call("Edit", arguments, block));
    }

    @Test
    void argumentsBeforeNameInAPythonDict() {
        String block = "<tool_call>\n{'arguments': {'command': 'ls -la', 'run_in_background': False}, 'name': 'Bash'}\n</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block)).containsExactly(
                call("Bash", "{'command': 'ls -la', 'run_in_background': False}", block));
    }

    @Test
    void doubleEncodedArgumentsAndParametersKeyAndSpacesAroundTheJson() {
        String encoded = "<tool_call> {\"name\": \"Read\", \"arguments\": \"{\\\"file_path\\\": \\\"/a b/c.txt\\\"}\"} </tool_call>";
        assertThat(ParserHarness.parse(HERMES, encoded)).containsExactly(
                call("Read", "\"{\\\"file_path\\\": \\\"/a b/c.txt\\\"}\"", encoded));
        String parameters = "<tool_call>{\"parameters\": {\"url\": \"https://example.org\"}, \"name\": \"mcp__chrome-devtools__new_page\"}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, parameters)).containsExactly(
                call("mcp__chrome-devtools__new_page", "{\"url\": \"https://example.org\"}", parameters));
    }

    @Test
    void openAiShapedObjectAndCallWithoutArguments() {
        String nested = "<tool_call>{\"type\": \"function\", \"function\": {\"name\": \"TodoWrite\", \"arguments\": {\"todos\": []}}}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, nested)).containsExactly(call("TodoWrite", "{\"todos\": []}", nested));
        String bare = "<tool_call>{\"name\": \"list_sessions\"}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, bare)).containsExactly(call("list_sessions", "{}", bare));
    }

    @Test
    void unknownToolNameIsStillReportedAsACall() {
        String block = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Tokyo\"}}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block)).containsExactly(call("get_weather", "{\"city\": \"Tokyo\"}", block));
    }

    @Test
    void missingCloseTagAtTheEndStillGivesTheCall() {
        String block = "<tool_call>\n{\"name\": \"Bash\", \"arguments\": {\"command\": \"git status\"}}\n";
        assertThat(ParserHarness.parse(HERMES, "Checking.\n" + block)).containsExactly(
                new Piece.Text("Checking.\n"),
                call("Bash", "{\"command\": \"git status\"}", block));
    }

    @Test
    void missingCloseTagBeforeTextOrTheNextCall() {
        String first = "<tool_call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a\"}}";
        String second = "<tool_call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"b\"}}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, first + "\n" + second + "\nThat is all.")).containsExactly(
                call("Read", "{\"file_path\": \"a\"}", first),
                call("Read", "{\"file_path\": \"b\"}", second),
                new Piece.Text("That is all."));
    }

    @Test
    void twoObjectsInOneBlockAreTwoCalls() {
        String raw = "<tool_call>\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a\"}}\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"b\"}}\n</tool_call>";
        int second = raw.indexOf("{\"name\"", 20);
        assertThat(ParserHarness.parse(HERMES, raw)).containsExactly(
                call("Read", "{\"file_path\": \"a\"}", raw.substring(0, second)),
                call("Read", "{\"file_path\": \"b\"}", raw.substring(second)));
    }

    @Test
    void truncatedJsonAtTheEndIsMalformed() {
        String block = "<tool_call>\n{\"name\": \"Bash\", \"arguments\": {\"command\": \"ls\"}";
        List<Piece> pieces = ParserHarness.parse(HERMES, "Ok.\n" + block);
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("Ok.\n"));
        assertThat(pieces.get(1)).isInstanceOfSatisfying(Piece.Malformed.class,
                malformed -> assertThat(malformed.raw()).isEqualTo(block));
    }

    @Test
    void aBraceShortBeforeTheCloseTagIsClosedForTheModel() {
        String block = "<tool_call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"x\"}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block + " after")).containsExactly(
                call("Read", "{\"file_path\": \"x\"}", block),
                new Piece.Text("after"));
    }

    @Test
    void aBraceTooManyBeforeTheCloseTagStaysInTheCall() {
        String block = "<tool_call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"x\"}}}\n</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block + "ok")).containsExactly(
                call("Read", "{\"file_path\": \"x\"}", block), new Piece.Text("ok"));
    }

    @Test
    void objectWithoutNameIsMalformed() {
        String block = "<tool_call>{\"arguments\": {\"a\": 1}}</tool_call>";
        assertThat(ParserHarness.parse(HERMES, block)).singleElement().isInstanceOf(Piece.Malformed.class);
    }

    @Test
    void markerMentionedInProseOrFencesOrReasoningIsNotACall() {
        String prose = "Wrap calls in `<tool_call>` tags, or <tool_call> followed by text.";
        assertThat(ParserHarness.parse(HERMES, prose)).containsExactly(new Piece.Text(prose));
        String fenced = "Example:\n```\n<tool_call>{\"name\": \"Read\", \"arguments\": {}}</tool_call>\n```\n";
        assertThat(ParserHarness.parse(HERMES, fenced)).containsExactly(new Piece.Text(fenced));
        String thinking = "<think>Maybe I'd write <tool_call>{\"name\": \"Read\", ...}</tool_call> later.</think>\nThe answer is 4.";
        assertThat(ParserHarness.parse(HERMES, thinking)).containsExactly(
                new Piece.Thinking("Maybe I'd write <tool_call>{\"name\": \"Read\", ...}</tool_call> later."),
                new Piece.Text("The answer is 4."));
    }

    @Test
    void claimsOnlyJsonAfterTheSharedOpener() {
        assertThat(HERMES.claims("<tool_call>\n{\"name\"")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HERMES.claims("<tool_call>  {'arguments'")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HERMES.claims("<tool_call>\n")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(HERMES.claims("<tool_call>\n<function=Read>")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(HERMES.claims("<tool_call>Read<arg_key>")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(HERMES.claims("<tool_call>[{\"name\"")).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    @Timeout(10)
    void aLargeWriteFedInSmallChunksIsNotQuadratic() {
        StringBuilder content = new StringBuilder();
        while (content.length() < 20_000) {
            content.append("    if (a < b) { return \\\"x\\\"; } // </tool_call> line\\n");
        }
        String arguments = "{\"file_path\": \"Big.java\", \"content\": \"" + content + "\"}";
        String block = "<tool_call>\n{\"name\": \"Write\", \"arguments\": " + arguments + "}\n</tool_call>";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < block.length(); i += 3) {
            chunks.add(block.substring(i, Math.min(block.length(), i + 3)));
        }
        assertThat(ParserHarness.run(HERMES, chunks)).containsExactly(call("Write", arguments, block));
    }
}
