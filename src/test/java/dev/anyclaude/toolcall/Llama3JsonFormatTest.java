package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class Llama3JsonFormatTest {
    private static final ToolCallFormat LLAMA = new Llama3JsonFormat();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void bareObjectThatIsTheWholeOutputIsACall() {
        String raw = "{\"name\": \"Bash\", \"parameters\": {\"command\": \"git status\", \"description\": \"Show status\"}}";
        assertThat(ParserHarness.parse(LLAMA, raw)).containsExactly(
                call("Bash", "{\"command\":\"git status\",\"description\":\"Show status\"}", raw));
    }

    @Test
    void pythonTagCallWithStopTokenLeftInTheText() {
        String call = "<|python_tag|>{\"name\": \"Read\", \"parameters\": {\"file_path\": \"README.md\"}}";
        assertThat(ParserHarness.parse(LLAMA, call + "<|eom_id|>")).containsExactly(
                call("Read", "{\"file_path\":\"README.md\"}", call));
        assertThat(ParserHarness.parse(LLAMA, "Done.<|eot_id|>")).containsExactly(text("Done."));
    }

    @Test
    void typeFunctionPrefixArgumentsKeyAndDashedParameterNames() {
        String raw = "{\"type\": \"function\", \"name\": \"Grep\", \"arguments\": {\"pattern\": \"TODO\", \"-i\": true, \"-n\": true}}";
        assertThat(ParserHarness.parse(LLAMA, raw)).containsExactly(
                call("Grep", "{\"pattern\":\"TODO\",\"-i\":true,\"-n\":true}", raw));
    }

    @Test
    void callsSeparatedBySemicolonsAndLineBreaks() {
        String read = "{\"name\": \"Read\", \"parameters\": {\"file_path\": \"pom.xml\"}}";
        String bash = "{\"name\": \"Bash\", \"parameters\": {\"command\": \"ls\", \"run_in_background\": false}}";
        String page = "{\"name\": \"mcp__chrome-devtools__new_page\", \"parameters\": {\"url\": \"https://example.com\"}}";
        assertThat(ParserHarness.parse(LLAMA, read + "; " + bash + "\n" + page + "<|eot_id|>")).containsExactly(
                call("Read", "{\"file_path\":\"pom.xml\"}", read),
                call("Bash", "{\"command\":\"ls\",\"run_in_background\":false}", bash),
                call("mcp__chrome-devtools__new_page", "{\"url\":\"https://example.com\"}", page));
    }

    @Test
    void callOnItsOwnLineAfterTextKeepsTheText() {
        String call = "{\"name\": \"Bash\", \"parameters\": {\"command\": \"git status\"}}";
        assertThat(ParserHarness.parse(LLAMA, "I'll check the status first.\n\n" + call + "\n\nThen commit.")).containsExactly(
                text("I'll check the status first.\n\n"),
                call("Bash", "{\"command\":\"git status\"}", call),
                text("Then commit."));
    }

    @Test
    void ordinaryJsonAnswersStayText() {
        for (String answer : List.of(
                "{\"name\": \"Alice\", \"age\": 30}",
                "{\"name\": \"Alice\", \"parameters\": {\"x\": 1}, \"note\": \"not a call\"}",
                "{\"city\": \"Paris\", \"temp\": 21}",
                "{}",
                "The request body is {\"name\": \"Bash\", \"parameters\": {\"command\": \"ls\"}} as shown.",
                "Example:\n```json\n{\"name\": \"Bash\", \"parameters\": {\"command\": \"ls\"}}\n```\nThat is all.",
                "{\"name\": \"Bash\", \"parameters\": {\"command\": \"ls\"}]",
                "{\"name\": \"Bash\", \"parameters\": {\"command\": \"ls\"}} is how a call looks.")) {
            assertThat(ParserHarness.parse(LLAMA, answer)).as(answer).containsExactly(text(answer));
        }
    }

    @Test
    void bracesEscapedQuotesAndStopTokensInsideStringsStayInTheArguments() {
        String raw = "{\"name\": \"Write\", \"parameters\": {\"file_path\": \"src/main.rs\", "
                + "\"content\": \"fn main() {\\n    println!(\\\"{} }}\\\", \\\"<|eot_id|>\\\");\\n}\\n\"}}";
        assertThat(ParserHarness.parse(LLAMA, raw)).containsExactly(call("Write",
                "{\"file_path\":\"src/main.rs\",\"content\":\"fn main() {\\n    println!(\\\"{} }}\\\", \\\"<|eot_id|>\\\");\\n}\\n\"}",
                raw));
    }

    @Test
    void callCutOffByTheEndOfTheOutputIsMalformed() {
        String raw = "{\"name\": \"Write\", \"parameters\": {\"file_path\": \"a.txt\", \"content\": \"hel";
        assertThat(ParserHarness.parse(LLAMA, raw)).containsExactly(
                new Piece.Malformed(raw, "the call's JSON is cut off"));
    }

    @Test
    void unknownToolNameIsStillReportedAsACall() {
        String raw = "<|python_tag|>{\"name\": \"launch_rocket\", \"parameters\": {}}";
        assertThat(ParserHarness.parse(LLAMA, raw)).containsExactly(call("launch_rocket", "{}", raw));
    }

    @Test
    void pythonTagAcceptsPythonLiteralsAndMissingParameters() {
        String raw = "<|python_tag|>{'name': 'TodoWrite', 'parameters': {'todos': [], 'merge': True}}";
        assertThat(ParserHarness.parse(LLAMA, raw)).containsExactly(
                call("TodoWrite", "{\"todos\":[],\"merge\":true}", raw));
        String bare = "<|python_tag|>{\"name\": \"get_time\"}";
        assertThat(ParserHarness.parse(LLAMA, bare)).containsExactly(call("get_time", "{}", bare));
    }

    @Test
    void builtinToolCallBecomesACallToTheTool() {
        String call = "<|python_tag|>brave_search.call(query=\"current weather in Menlo Park\")";
        assertThat(ParserHarness.parse(LLAMA, call + "<|eom_id|>")).containsExactly(
                call("brave_search", "{\"query\":\"current weather in Menlo Park\"}", call));
    }

    @Test
    void interpreterCodeAfterThePythonTagIsNotACall() {
        String code = "<|python_tag|>import os\nprint(os.getcwd())";
        assertThat(ParserHarness.parse(LLAMA, code + "<|eom_id|>")).containsExactly(
                new Piece.Malformed(code, "code for the model's interpreter, not a tool call"));
    }

    @Test
    void markerMentionedInBackticksOrAFenceIsProse() {
        String inline = "Llama puts `<|python_tag|>` before a call.";
        assertThat(ParserHarness.parse(LLAMA, inline)).containsExactly(text(inline));
        String fenced = "```\n<|python_tag|>{\"name\": \"Bash\", \"parameters\": {}}\n```";
        assertThat(ParserHarness.parse(LLAMA, fenced)).containsExactly(text(fenced));
    }

    @Test
    void plainTextPassesThroughWithItsLineBreaks() {
        String prose = "Line one\n  indented line\n\n- a list item\nlast { brace";
        assertThat(ParserHarness.parse(LLAMA, prose)).containsExactly(text(prose));
    }

    @Test
    void claimsThePythonTagFollowedByJsonOrABuiltinCall() {
        assertThat(LLAMA.claims("<|python_tag|>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(LLAMA.claims("<|python_tag|> {\"name\"")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(LLAMA.claims("<|python_tag|>brave_search.call(")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(LLAMA.claims("<|python_tag|>import os")).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    void largeWriteCallInSmallChunksStaysFast() {
        String content = "line with {braces} and \\\"quotes\\\"\\n".repeat(600);
        String raw = "{\"name\": \"Write\", \"parameters\": {\"file_path\": \"big.txt\", \"content\": \"" + content + "\"}}";
        assertThat(raw.length()).isGreaterThan(20_000);
        List<Piece> pieces = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> ParserHarness.parse(LLAMA, raw));
        assertThat(pieces).hasSize(1).first().isInstanceOf(Piece.Call.class);
    }
}
