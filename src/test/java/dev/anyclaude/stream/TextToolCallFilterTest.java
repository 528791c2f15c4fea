package dev.anyclaude.stream;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.Tool;
import dev.anyclaude.toolcall.BlockHarness;
import dev.anyclaude.toolcall.FormatParser;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.Piece;
import dev.anyclaude.toolcall.ToolCallFormat;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static dev.anyclaude.toolcall.BlockHarness.json;
import static dev.anyclaude.toolcall.ToyFormats.TOY;
import static dev.anyclaude.toolcall.ToyFormats.TOY_CALLS_IN_REASONING;
import static dev.anyclaude.toolcall.ToyFormats.TOY_STARTS_INSIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine between a backend's events and the assembler, driven by toy formats. */
class TextToolCallFilterTest {

    private static final List<Tool> TOOLS = BlockHarness.CLAUDE_CODE_TOOLS;

    private static ModelEvent text(String text) {
        return new ModelEvent.TextDelta(text);
    }

    private static ModelEvent thinking(String text) {
        return new ModelEvent.ThinkingDelta(text);
    }

    private static ModelEvent finish() {
        return new ModelEvent.Finish(StopReason.END_TURN, null);
    }

    @Test
    void textCallsBecomeToolUseTypedByTheSchemaAndTheTurnEndsForTools() {
        assertThat(BlockHarness.message(TOY, TOOLS,
                "Let me look.\n<call>Read {\"file_path\":\"/tmp/a.txt\",\"limit\":\"20\"}</call>\n"
                        + "<call>Bash {\"command\":\"ls\"}</call>", StopReason.END_TURN)).isEqualTo(json("""
                {"content":[{"type":"text","text":"Let me look.\\n"},
                  {"type":"tool_use","name":"Read","input":{"file_path":"/tmp/a.txt","limit":20}},
                  {"type":"tool_use","name":"Bash","input":{"command":"ls"}}],
                 "stop_reason":"tool_use"}"""));
    }

    @Test
    void namesAreResolvedToTheOfferedToolsExactSpelling() {
        assertThat(BlockHarness.blocks(TOY, TOOLS, "<call>functions.read {\"file_path\":\"/a\"}</call>"))
                .isEqualTo(json("[{\"type\":\"tool_use\",\"name\":\"Read\",\"input\":{\"file_path\":\"/a\"}}]"));
    }

    @Test
    void aCallToAToolTheRequestDidNotOfferIsDeliveredAsItsText() {
        String raw = "Trying.\n<call>Teleport {\"to\":\"mars\"}</call>";
        assertThat(BlockHarness.message(TOY, TOOLS, raw, StopReason.END_TURN)).isEqualTo(json("""
                {"content":[{"type":"text","text":"Trying.\\n<call>Teleport {\\"to\\":\\"mars\\"}</call>"}],
                 "stop_reason":"end_turn"}"""));
    }

    @Test
    void argumentsThatMakeNoObjectAreDeliveredAsText() {
        String raw = "<call>Read this file please</call>";
        assertThat(BlockHarness.blocks(TOY, TOOLS, raw)).isEqualTo(json(
                "[{\"type\":\"text\",\"text\":\"<call>Read this file please</call>\"}]"));
    }

    @Test
    void anUnreadableCallIsDeliveredAsText() {
        assertThat(BlockHarness.blocks(TOY, TOOLS, "x <call>Read</call> y")).isEqualTo(json(
                "[{\"type\":\"text\",\"text\":\"x <call>Read</call>y\"}]"));
    }

    @Test
    void aCallCutOffByMaxTokensIsTextAndTheStopReasonSaysSo() {
        String raw = "Writing it.\n<call>Write {\"file_path\":\"/a\",\"content\":\"hel";
        assertThat(BlockHarness.message(TOY, TOOLS, raw, StopReason.MAX_TOKENS)).isEqualTo(json("""
                {"content":[{"type":"text","text":"Writing it.\\n<call>Write {\\"file_path\\":\\"/a\\",\\"content\\":\\"hel"}],
                 "stop_reason":"max_tokens"}"""));
        // The same output ending normally: the parser closes the call, and it is used.
        assertThat(BlockHarness.message(TOY, TOOLS, raw, StopReason.END_TURN).get("stop_reason").asString())
                .isEqualTo("tool_use");
    }

    @Test
    void completeCallsBeforeTheCutStillCount() {
        String raw = "<call>Bash {\"command\":\"ls\"}</call><call>Read {\"file_pa";
        assertThat(BlockHarness.message(TOY, TOOLS, raw, StopReason.MAX_TOKENS)).isEqualTo(json("""
                {"content":[{"type":"tool_use","name":"Bash","input":{"command":"ls"}},
                  {"type":"text","text":"<call>Read {\\"file_pa"}],
                 "stop_reason":"max_tokens"}"""));
    }

    @Test
    void structuredCallsFromTheUpstreamComeAfterTheTextHeldBeforeThem() {
        List<ModelEvent> events = List.of(text("Checking <ca"),
                new ModelEvent.ToolCall("toolu_upstream", "Bash", "{\"command\":\"pwd\"}"),
                text("<call>Read {\"file_path\":\"/a\"}</call>"), finish());
        assertThat(BlockHarness.run(TOY, TOOLS, events)).isEqualTo(json("""
                {"content":[{"type":"text","text":"Checking <ca"},
                  {"type":"tool_use","name":"Bash","input":{"command":"pwd"}},
                  {"type":"tool_use","name":"Read","input":{"file_path":"/a"}}],
                 "stop_reason":"tool_use"}"""));
    }

    @Test
    void aStructuredCallKeepsItsIdAndATextCallGetsAFreshOne() {
        List<ModelEvent> out = new ArrayList<>();
        TextToolCallFilter filter = new TextToolCallFilter(TOY, TOOLS, () -> "toolu_fresh", out::add);
        filter.accept(text("<call>Bash {\"command\":\"ls\"}</call>"));
        filter.accept(new ModelEvent.ToolCall("toolu_upstream", "Read", "{}"));
        filter.accept(finish());
        assertThat(out).containsExactly(
                new ModelEvent.ToolCall("toolu_fresh", "Bash", "{\"command\":\"ls\"}"),
                new ModelEvent.ToolCall("toolu_upstream", "Read", "{}"),
                finish());
    }

    @Test
    void generatedIdsAreAnthropicShaped() {
        List<ModelEvent> out = new ArrayList<>();
        TextToolCallFilter filter = new TextToolCallFilter(TOY, TOOLS, out::add);
        filter.accept(text("<call>Bash {\"command\":\"ls\"}</call><call>Bash {\"command\":\"pwd\"}</call>"));
        filter.accept(finish());
        List<String> ids = out.stream().filter(e -> e instanceof ModelEvent.ToolCall)
                .map(e -> ((ModelEvent.ToolCall) e).id()).toList();
        assertThat(ids).hasSize(2).doesNotHaveDuplicates().allMatch(id -> id.matches("toolu_[A-Za-z0-9]{24}"));
    }

    @Test
    void aSignatureComesAfterTheReasoningHeldBeforeIt() {
        List<ModelEvent> events = List.of(thinking("I will call <cal"), new ModelEvent.ThinkingSignature("sig"),
                text("Done."), finish());
        assertThat(BlockHarness.run(TOY_CALLS_IN_REASONING, TOOLS, events)).isEqualTo(json("""
                {"content":[{"type":"thinking","thinking":"I will call <cal","signature":"sig"},
                  {"type":"text","text":"Done."}],"stop_reason":"end_turn"}"""));
    }

    @Test
    void callsInsideReasoningAreRecoveredForAFamilyThatMakesThem() {
        String raw = "<think>I need the file. <call>Read {\"file_path\":\"/a\"}</call>";
        assertThat(BlockHarness.message(TOY_CALLS_IN_REASONING, TOOLS, raw, StopReason.END_TURN)).isEqualTo(json("""
                {"content":[{"type":"thinking","thinking":"I need the file. "},
                  {"type":"tool_use","name":"Read","input":{"file_path":"/a"}}],
                 "stop_reason":"tool_use"}"""));
        // ...and not for one that does not: there it is reasoning about a call.
        assertThat(BlockHarness.blocks(TOY, TOOLS, raw)).isEqualTo(json("""
                [{"type":"thinking","thinking":"I need the file. <call>Read {\\"file_path\\":\\"/a\\"}</call>"}]"""));
    }

    @Test
    void callsInReasoningTheUpstreamSplitOffAreRecoveredAndAFailedOneStaysReasoning() {
        List<ModelEvent> events = List.of(thinking("Let me read. <call>Read {\"file_path\":\"/a\"}</call>"),
                thinking("Or teleport? <call>Teleport {}</call> no."), finish());
        assertThat(BlockHarness.run(TOY_CALLS_IN_REASONING, TOOLS, events)).isEqualTo(json("""
                {"content":[{"type":"thinking","thinking":"Let me read. "},
                  {"type":"tool_use","name":"Read","input":{"file_path":"/a"}},
                  {"type":"thinking","thinking":"Or teleport? <call>Teleport {}</call>no."}],
                 "stop_reason":"tool_use"}"""));
    }

    @Test
    void textAfterReasoningTheUpstreamSplitOffIsTextEvenWhenTheTemplateOpensReasoning() {
        List<ModelEvent> events = List.of(thinking("plan"), text("\n\nAnswer <call>Bash {\"command\":\"ls\"}</call>"),
                finish());
        assertThat(BlockHarness.run(TOY_STARTS_INSIDE, TOOLS, events)).isEqualTo(json("""
                {"content":[{"type":"thinking","thinking":"plan"},{"type":"text","text":"Answer "},
                  {"type":"tool_use","name":"Bash","input":{"command":"ls"}}],"stop_reason":"tool_use"}"""));
        // Without reasoning from the upstream, the output starts inside the reasoning the template opened.
        assertThat(BlockHarness.blocks(TOY_STARTS_INSIDE, TOOLS, "plan</think>Answer")).isEqualTo(json("""
                [{"type":"thinking","thinking":"plan"},{"type":"text","text":"Answer"}]"""));
        // Never closed, the reasoning the template opened was the answer.
        assertThat(BlockHarness.blocks(TOY_STARTS_INSIDE, TOOLS, "I created hello.txt.")).isEqualTo(json("""
                [{"type":"text","text":"I created hello.txt."}]"""));
    }

    @Test
    void textAfterAStructuredCallIsTextEvenWhenTheTemplateOpensReasoning() {
        List<ModelEvent> events = List.of(text("plan</think>Go"),
                new ModelEvent.ToolCall("toolu_up", "Bash", "{\"command\":\"ls\"}"), text("more"), finish());
        assertThat(BlockHarness.run(TOY_STARTS_INSIDE, TOOLS, events)).isEqualTo(json("""
                {"content":[{"type":"thinking","thinking":"plan"},{"type":"text","text":"Go"},
                  {"type":"tool_use","name":"Bash","input":{"command":"ls"}},{"type":"text","text":"more"}],
                 "stop_reason":"tool_use"}"""));
    }

    @Test
    void withoutAToolListAnyNameIsAcceptedAndArgumentsStayAsWritten() {
        assertThat(BlockHarness.blocks(TOY, null, "<call>functions.anything:3 {\"n\":\"5\"}</call>"))
                .isEqualTo(json("[{\"type\":\"tool_use\",\"name\":\"anything\",\"input\":{\"n\":\"5\"}}]"));
        assertThat(TextToolCallFilter.anyName("'Read'")).contains("Read");
        assertThat(TextToolCallFilter.anyName("{{ tc.name }}")).isEmpty();
        assertThat(TextToolCallFilter.anyName("  ")).isEmpty();
    }

    @Test
    void noneLetsEverythingThrough() {
        String raw = "<think>hm</think>\n<call>Bash {\"command\":\"ls\"}</call>";
        assertThat(BlockHarness.blocks(FormatRegistry.none(), TOOLS, raw)).isEqualTo(json(
                "[{\"type\":\"text\",\"text\":" + dev.anyclaude.api.Json.MAPPER.writeValueAsString(raw) + "}]"));
    }

    @Test
    void usageAndFinishPassAndFailureResolvesTheParserFirst() {
        List<ModelEvent> out = new ArrayList<>();
        TextToolCallFilter filter = new TextToolCallFilter(TOY, TOOLS, () -> "toolu_x", out::add);
        ModelEvent.Usage usage = new ModelEvent.Usage(10L, 2L, null, null);
        ModelEvent.Failure failure = new ModelEvent.Failure(ApiError.apiError("upstream died"));
        filter.accept(text("half <call>Bash {\"command\":\"ls\"}"));
        filter.accept(usage);
        filter.accept(failure);
        assertThat(out).containsExactly(text("half "), usage, text("<call>Bash {\"command\":\"ls\"}"), failure);
    }

    @Test
    void aParserThatFailsLeavesTheRestOfTheResponseAsText() {
        ToolCallFormat broken = new ToolCallFormat() {
            public String name() {
                return "broken";
            }

            public FormatParser newParser() {
                return new FormatParser() {
                    public void feed(String text, Consumer<Piece> out) {
                        if (text.contains("boom")) {
                            throw new IllegalStateException("parser bug");
                        }
                        out.accept(new Piece.Text(text));
                    }

                    public void finish(Consumer<Piece> out) {
                    }
                };
            }

            public List<String> openers() {
                return List.of();
            }

            public Claim claims(String fromOpener) {
                return Claim.NO;
            }
        };
        List<ModelEvent> out = new ArrayList<>();
        TextToolCallFilter filter = new TextToolCallFilter(broken, TOOLS, out::add);
        filter.accept(text("a "));
        filter.accept(text("boom "));
        filter.accept(text("<call>Bash {}</call>"));
        filter.accept(finish());
        assertThat(out).containsExactly(text("a "), text("boom "), text("<call>Bash {}</call>"), finish());
    }

    @Test
    void aClientThatGoesAwayIsNotTakenForAParserFailure() {
        TextToolCallFilter filter = new TextToolCallFilter(TOY, TOOLS, event -> {
            throw new DownstreamGoneException(new java.io.IOException("reset"));
        });
        assertThatThrownBy(() -> filter.accept(text("hello"))).isInstanceOf(DownstreamGoneException.class);
    }

    @Test
    void logExcerptsAreShortAndOnOneLine() {
        String excerpt = TextToolCallFilter.excerpt("{\"content\":\"" + "x".repeat(500) + "\"}\nmore");
        assertThat(excerpt).hasSizeLessThan(70).doesNotContain("\n").endsWith("…");
    }
}
