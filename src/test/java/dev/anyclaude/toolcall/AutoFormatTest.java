package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.anyclaude.toolcall.BlockHarness.json;
import static dev.anyclaude.toolcall.ToyFormats.TOY_CALLS_IN_REASONING;
import static dev.anyclaude.toolcall.ToyFormats.TOY_JSON;
import static dev.anyclaude.toolcall.ToyFormats.TOY_STARTS_INSIDE;
import static dev.anyclaude.toolcall.ToyFormats.TOY_XML;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code auto}: recognising the format from the first call, between toy formats that share an opener. */
class AutoFormatTest {

    private static final AutoFormat AUTO = new AutoFormat(List.of(TOY_JSON, TOY_XML));
    private static final List<dev.anyclaude.api.Tool> TOOLS = BlockHarness.CLAUDE_CODE_TOOLS;

    @Test
    void textWithoutMarkersPassesThrough() {
        String raw = "Plain answer with <b>tags</b>, a < b, [brackets] and `code`.";
        assertThat(ParserHarness.parse(AUTO, raw)).containsExactly(new Piece.Text(raw));
    }

    @Test
    void theFormatWhoseBodyFollowsTheSharedOpenerIsChosen() {
        assertThat(BlockHarness.blocks(AUTO, TOOLS,
                "Reading.\n<call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/a\"}}</call>")).isEqualTo(json("""
                [{"type":"text","text":"Reading.\\n"},
                 {"type":"tool_use","name":"Read","input":{"file_path":"/a"}}]"""));
        assertThat(BlockHarness.blocks(AUTO, TOOLS,
                "Reading.\n<call><fn=Read>{\"file_path\": \"/a\"}</fn></call>")).isEqualTo(json("""
                [{"type":"text","text":"Reading.\\n"},
                 {"type":"tool_use","name":"Read","input":{"file_path":"/a"}}]"""));
    }

    @Test
    void theChosenFormatReadsTheCallsThatFollow() {
        String raw = "<call><fn=Bash>{\"command\":\"ls\"}</fn></call> then <call><fn=Read>{\"file_path\":\"/b\"}</fn></call>";
        assertThat(BlockHarness.blocks(AUTO, TOOLS, raw)).isEqualTo(json("""
                [{"type":"tool_use","name":"Bash","input":{"command":"ls"}},
                 {"type":"text","text":"then "},
                 {"type":"tool_use","name":"Read","input":{"file_path":"/b"}}]"""));
    }

    @Test
    void anOpenerNoFormatClaimsIsText() {
        String raw = "The <call> tag is not used here. <call>again";
        assertThat(ParserHarness.parse(AUTO, raw)).containsExactly(new Piece.Text(raw));
    }

    @Test
    void anOpenerStillUndecidedAtTheEndIsText() {
        assertThat(ParserHarness.parse(AUTO, "ends with <call>  ")).containsExactly(new Piece.Text("ends with <call>  "));
        assertThat(ParserHarness.parse(AUTO, "ends with <call><f")).containsExactly(new Piece.Text("ends with <call><f"));
    }

    @Test
    void proseAboutAMarkerNeverStartsSniffing() {
        String fenced = "Example:\n```\n<call>{\"name\": \"Read\", \"arguments\": {}}</call>\n```\nok";
        assertThat(ParserHarness.parse(AUTO, fenced)).containsExactly(new Piece.Text(fenced));
        String inline = "Write `<call>{\"name\": \"Read\"}` to call.";
        assertThat(ParserHarness.parse(AUTO, inline)).containsExactly(new Piece.Text(inline));
    }

    @Test
    void reasoningIsSplitBeforeAnyFormatIsChosen() {
        assertThat(ParserHarness.parse(AUTO, "<think>plan it</think>\n\nanswer")).containsExactly(
                new Piece.Thinking("plan it"), new Piece.Text("answer"));
        assertThat(ParserHarness.parse(AUTO, "opened by the template</think>answer")).containsExactly(
                new Piece.Text("opened by the templateanswer"));
    }

    @Test
    void whenTwoFormatsClaimTheSameTextTheEarlierWins() {
        ToolCallFormat anyCall = ToyFormats.format("any-call", Reasoning.THINK,
                body -> new Piece.Call("Bash", new Arguments.JsonText("{\"command\":\"" + body.length() + "\"}"), null),
                rest -> ToolCallFormat.Claim.YES);
        String raw = "<call>{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/a\"}}</call>";
        assertThat(BlockHarness.blocks(new AutoFormat(List.of(TOY_JSON, anyCall)), TOOLS, raw).get(0).get("name")
                .asString()).isEqualTo("Read");
        assertThat(BlockHarness.blocks(new AutoFormat(List.of(anyCall, TOY_JSON)), TOOLS, raw).get(0).get("name")
                .asString()).isEqualTo("Bash");
    }

    @Test
    void anEarlierFormatThatIsUndecidedIsWaitedFor() {
        // toy-xml says MAYBE for "<call>" + "<f"; a later format's YES must not win while it waits,
        // or the choice would depend on how the text was split.
        ToolCallFormat anyCall = ToyFormats.format("any-call", Reasoning.THINK,
                body -> new Piece.Call("Bash", new Arguments.JsonText("{\"command\":\"x\"}"), null),
                rest -> ToolCallFormat.Claim.YES);
        String raw = "<call><fn=Read>{\"file_path\":\"/a\"}</fn></call>";
        assertThat(BlockHarness.blocks(new AutoFormat(List.of(TOY_XML, anyCall)), TOOLS, raw).get(0).get("name")
                .asString()).isEqualTo("Read");
    }

    @Test
    void aCallInsideReasoningIsHandedOverInsideReasoning() {
        AutoFormat auto = new AutoFormat(List.of(TOY_CALLS_IN_REASONING));
        assertThat(BlockHarness.blocks(auto, TOOLS,
                "<think>I need it <call>Read {\"file_path\":\"/a\"}</call>")).isEqualTo(json("""
                [{"type":"thinking","thinking":"I need it "},
                 {"type":"tool_use","name":"Read","input":{"file_path":"/a"}}]"""));
        // A family that does not call inside reasoning, chosen there, keeps it as reasoning.
        AutoFormat notInside = new AutoFormat(List.of(TOY_JSON));
        assertThat(BlockHarness.blocks(notInside, TOOLS,
                "<think>maybe <call>{\"name\":\"Read\"}</call> no</think>Done")).isEqualTo(json("""
                [{"type":"thinking","thinking":"maybe <call>{\\"name\\":\\"Read\\"}</call> no"},
                 {"type":"text","text":"Done"}]"""));
    }

    @Test
    void aFormatWhoseOutputStartsInReasoningContinuesInTextWhenChosenThere() {
        AutoFormat auto = new AutoFormat(List.of(TOY_STARTS_INSIDE));
        assertThat(BlockHarness.blocks(auto, TOOLS, "Sure. <call>Bash {\"command\":\"ls\"}</call> done")).isEqualTo(json("""
                [{"type":"text","text":"Sure. "},
                 {"type":"tool_use","name":"Bash","input":{"command":"ls"}},
                 {"type":"text","text":"done"}]"""));
    }

    @Test
    void callsInReasoningTheUpstreamSplitOffAreSniffedToo() {
        AutoFormat auto = new AutoFormat(List.of(TOY_CALLS_IN_REASONING));
        var events = List.<dev.anyclaude.stream.ModelEvent>of(
                new dev.anyclaude.stream.ModelEvent.ThinkingDelta("Let me <cal"),
                new dev.anyclaude.stream.ModelEvent.ThinkingDelta("l>Read {\"file_path\":\"/a\"}</call>"),
                new dev.anyclaude.stream.ModelEvent.TextDelta("Reading."),
                new dev.anyclaude.stream.ModelEvent.Finish(dev.anyclaude.api.StopReason.END_TURN, null));
        assertThat(BlockHarness.run(auto, TOOLS, events)).isEqualTo(json("""
                {"content":[{"type":"thinking","thinking":"Let me "},
                  {"type":"tool_use","name":"Read","input":{"file_path":"/a"}},
                  {"type":"text","text":"Reading."}],"stop_reason":"tool_use"}"""));
    }

    @Test
    void aFormatThatNeverDecidesIsTakenToDeclineAfterALongWait() {
        ToolCallFormat undecided = ToyFormats.format("undecided", Reasoning.THINK, body -> null,
                rest -> ToolCallFormat.Claim.MAYBE);
        AutoFormat auto = new AutoFormat(List.of(undecided));
        String raw = "<call>" + "x".repeat(AutoFormat.MAX_UNDECIDED + 10);
        FormatParser parser = auto.newParser();
        StringBuilder out = new StringBuilder();
        parser.feed(raw, piece -> out.append(((Piece.Text) piece).text()));
        assertThat(out.toString()).isEqualTo(raw);
    }

    @Test
    void autoClaimsWhatAnyOfItsFormatsClaims() {
        assertThat(AUTO.claims("<call>{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(AUTO.claims("<call><fn=R")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(AUTO.claims("<call>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(AUTO.claims("<call>hello")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(AUTO.openers()).containsExactly("<call>");
        assertThat(AUTO.name()).isEqualTo("auto");
    }
}
