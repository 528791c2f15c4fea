package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Gemma 4: {@code <|tool_call>call:NAME{...}<tool_call|>} with {@code <|"|>} strings. */
class Gemma4FormatTest {
    private static final ToolCallFormat FORMAT = new Gemma4Format();
    private static final String Q = "<|\"|>";

    static Arguments.Param string(String name, String value) {
        return new Arguments.Param(name, value, Arguments.ValueKind.STRING);
    }

    static Arguments.Param json(String name, String value) {
        return new Arguments.Param(name, value, Arguments.ValueKind.JSON);
    }

    static Arguments.Param untyped(String name, String value) {
        return new Arguments.Param(name, value, Arguments.ValueKind.UNTYPED);
    }

    static List<Arguments.Param> params(Piece piece, String name) {
        assertThat(piece).isInstanceOf(Piece.Call.class);
        Piece.Call call = (Piece.Call) piece;
        assertThat(call.name()).isEqualTo(name);
        return ((Arguments.Params) call.arguments()).values();
    }

    @Test
    void thoughtChannelIsThinkingWithoutItsLabelAndTheCallFollows() {
        String call = "<|tool_call>call:Bash{command:" + Q + "ls -la" + Q + ",timeout:120000,run_in_background:false}"
                + "<tool_call|>";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|channel>thought\nI should list the files.<channel|>" + call);
        assertThat(pieces).hasSize(2);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Thinking("I should list the files."));
        assertThat(params(pieces.get(1), "Bash")).containsExactly(string("command", "ls -la"),
                json("timeout", "120000"), json("run_in_background", "false"));
        assertThat(((Piece.Call) pieces.get(1)).raw()).isEqualTo(call);
    }

    @Test
    void nestedObjectsAndArraysBecomeJsonTextAndNoneIsNull() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|tool_call>call:TodoWrite{todos:[{content:" + Q + "Write tests" + Q + ",status:" + Q + "pending" + Q
                        + ",activeForm:" + Q + "Writing tests" + Q + "},{content:" + Q + "Ship, then rest" + Q
                        + ",status:" + Q + "completed" + Q + ",activeForm:" + Q + "Shipping" + Q + "}],"
                        + "meta:{depth:2,ratio:0.5,tags:[],owner:none,done:true}}<tool_call|>");
        List<Arguments.Param> params = params(pieces.get(0), "TodoWrite");
        assertThat(params).hasSize(2);
        assertThat(params.get(0).kind()).isEqualTo(Arguments.ValueKind.JSON);
        assertThat(Json.parse(params.get(0).value())).isEqualTo(Json.parse("[{\"content\":\"Write tests\","
                + "\"status\":\"pending\",\"activeForm\":\"Writing tests\"},{\"content\":\"Ship, then rest\","
                + "\"status\":\"completed\",\"activeForm\":\"Shipping\"}]"));
        assertThat(Json.parse(params.get(1).value())).isEqualTo(
                Json.parse("{\"depth\":2,\"ratio\":0.5,\"tags\":[],\"owner\":null,\"done\":true}"));
    }

    @Test
    void quotedStringsHoldCommasBracesColonsNewlinesAndTheCloseMarker() {
        String code = "public class A {\n  // ends with <tool_call|>, see: {x}\n  int[] a = {1, 2};\n}\n";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|tool_call>call:Write{file_path:" + Q + "/src/A.java" + Q + ",content:" + Q + code + Q + "}<tool_call|>");
        assertThat(params(pieces.get(0), "Write")).containsExactly(string("file_path", "/src/A.java"),
                string("content", code));
    }

    @Test
    void severalCallsAfterTextEachWithItsOwnMarkers() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "Reading both files.\n<|tool_call>call:Read{file_path:" + Q + "/a.txt" + Q + "}<tool_call|>"
                        + "<|tool_call>call:Read{file_path:" + Q + "/b.txt" + Q + ",offset:5,limit:10}<tool_call|>");
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("Reading both files.\n"));
        assertThat(params(pieces.get(1), "Read")).containsExactly(string("file_path", "/a.txt"));
        assertThat(params(pieces.get(2), "Read")).containsExactly(string("file_path", "/b.txt"),
                json("offset", "5"), json("limit", "10"));
    }

    @Test
    void aNumberLookingStringStaysAStringAndQuotedKeysDashedNamesAndUnknownToolsAreRead() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|tool_call>call:mcp__chrome-devtools__new_page{url:" + Q + "https://example.com" + Q + "}<tool_call|>"
                        + "<|tool_call>call:Grep{" + Q + "-i" + Q + ":true,pattern:" + Q + "5123" + Q + ",head_limit:1e2}"
                        + "<tool_call|><|tool_call>call:not_a_tool{}<tool_call|>");
        assertThat(pieces).hasSize(3);
        assertThat(params(pieces.get(0), "mcp__chrome-devtools__new_page"))
                .containsExactly(string("url", "https://example.com"));
        assertThat(params(pieces.get(1), "Grep")).containsExactly(json("-i", "true"), string("pattern", "5123"),
                json("head_limit", "1e2"));
        assertThat(params(pieces.get(2), "not_a_tool")).isEmpty();
    }

    @Test
    void missingCloseAtTheEndIsACallAndACutOffCallIsMalformed() {
        List<Piece> unclosed = ParserHarness.parse(FORMAT,
                "<|tool_call>call:Bash{command:" + Q + "mvn -q test" + Q + ",description:" + Q + "Run tests" + Q + "}");
        assertThat(params(unclosed.get(0), "Bash")).containsExactly(string("command", "mvn -q test"),
                string("description", "Run tests"));

        String cut = "<|tool_call>call:Write{file_path:" + Q + "/a" + Q + ",content:" + Q + "half a fi";
        assertThat(ParserHarness.parse(FORMAT, cut)).containsExactly(
                new Piece.Malformed(cut, "the call was cut off inside a string"));
    }

    @Test
    void aCallInsideTheThoughtChannelEndsTheReasoning() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|channel>thought\nNeed the date.<|tool_call>call:Bash{command:" + Q + "date" + Q + "}<tool_call|>"
                        + "Checking.");
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Thinking("Need the date."));
        assertThat(params(pieces.get(1), "Bash")).containsExactly(string("command", "date"));
        assertThat(pieces.get(2)).isEqualTo(new Piece.Text("Checking."));
    }

    @Test
    void emptyThoughtLeavesNothingAndTextThatMerelyStartsLikeTheLabelIsKept() {
        assertThat(ParserHarness.parse(FORMAT, "<|channel>thought\n<channel|>Hello.")).containsExactly(
                new Piece.Text("Hello."));
        assertThat(ParserHarness.parse(FORMAT, "<|channel>thoughtful<channel|>Hi")).containsExactly(
                new Piece.Thinking("thoughtful"), new Piece.Text("Hi"));
    }

    @Test
    void proseAboutTheMarkerIsText() {
        String prose = "Gemma 4 opens a call with `<|tool_call>` and a fence shows it:\n```\n<|tool_call>call:Read{}"
                + "<tool_call|>\n```\nand <|tool_call> without call: is prose too.";
        assertThat(ParserHarness.parse(FORMAT, prose)).containsExactly(new Piece.Text(prose));
    }

    @Test
    void callsInReasoningTheServerSplitOffAreReadWithoutDisturbingTheText() {
        FormatParser parser = FORMAT.newParser();
        List<Piece> out = new ArrayList<>();
        parser.feedReasoning("thought\nNeed the date.<|tool_call>call:Bash{command:" + Q + "da", out::add);
        parser.feed("Reading.<|tool_call>call:Read{file_path:" + Q + "/a" + Q + "}<tool_call|>", out::add);
        parser.feedReasoning("te" + Q + "}<tool_call|>", out::add);
        parser.finish(out::add);
        assertThat(out).hasSize(4);
        assertThat(out.get(0)).isEqualTo(new Piece.Thinking("Need the date."));
        assertThat(out.get(1)).isEqualTo(new Piece.Text("Reading."));
        assertThat(params(out.get(2), "Read")).containsExactly(string("file_path", "/a"));
        assertThat(params(out.get(3), "Bash")).containsExactly(string("command", "date"));
    }

    @Test
    void aLongWriteFedInTinyChunksIsReadWholeWithoutRescanning() {
        String content = "line {with} braces, colons: and <tool_call|> markers\n".repeat(400);
        String raw = "<|tool_call>call:Write{file_path:" + Q + "/big.txt" + Q + ",content:" + Q + content + Q
                + "}<tool_call|>";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < raw.length(); i += 3) {
            chunks.add(raw.substring(i, Math.min(raw.length(), i + 3)));
        }
        List<Piece> pieces = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ParserHarness.run(FORMAT, chunks));
        assertThat(content.length()).isGreaterThan(20_000);
        assertThat(params(pieces.get(0), "Write")).containsExactly(string("file_path", "/big.txt"),
                string("content", content));
    }

    @Test
    void jsonQuotedStringsFromModelsUsedToJsonAreStringsToo() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<|tool_call>call:Bash{command:\"echo \\\"a, b\\\"\",description:\"Print\",opts:{mode:\"x\"}}<tool_call|>");
        List<Arguments.Param> params = params(pieces.get(0), "Bash");
        assertThat(params.subList(0, 2)).containsExactly(string("command", "echo \"a, b\""),
                string("description", "Print"));
        assertThat(Json.parse(params.get(2).value())).isEqualTo(Json.parse("{\"mode\":\"x\"}"));
    }

    @Test
    void claims() {
        assertThat(FORMAT.claims("<|tool_call>call:Read{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<|tool_call>ca")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(FORMAT.claims("<|tool_call>Read")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(FORMAT.claims("<|tool_call>Read{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<|tool_call>{\"name\"")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(FORMAT.claims("<|tool_call> and so")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
