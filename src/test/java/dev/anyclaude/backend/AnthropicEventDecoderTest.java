package dev.anyclaude.backend;

import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.StreamValidator;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEvent.Failure;
import dev.anyclaude.stream.ModelEvent.Finish;
import dev.anyclaude.stream.ModelEvent.RedactedThinking;
import dev.anyclaude.stream.ModelEvent.TextDelta;
import dev.anyclaude.stream.ModelEvent.ThinkingDelta;
import dev.anyclaude.stream.ModelEvent.ThinkingSignature;
import dev.anyclaude.stream.ModelEvent.ToolCall;
import dev.anyclaude.stream.ModelEvent.Usage;
import dev.anyclaude.stream.ResponseAssembler;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicEventDecoderTest {

    // ---------------------------------------------------------------- transcript building blocks

    /** JSON written with single quotes for readability. */
    static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    static String event(String name, String singleQuotedJson) {
        return "event: " + name + "\ndata: " + j(singleQuotedJson) + "\n\n";
    }

    static String messageStart(String usage) {
        return event("message_start", "{'type':'message_start','message':{'id':'msg_test01','type':'message',"
                + "'role':'assistant','model':'local-model','content':[],'stop_reason':null,'stop_sequence':null,"
                + "'usage':" + usage + "}}");
    }

    static String blockStart(int index, String block) {
        return event("content_block_start", "{'type':'content_block_start','index':" + index
                + ",'content_block':" + block + "}");
    }

    static String delta(int index, String delta) {
        return event("content_block_delta", "{'type':'content_block_delta','index':" + index + ",'delta':" + delta
                + "}");
    }

    static String text(int index, String text) {
        return delta(index, "{'type':'text_delta','text':'" + text + "'}");
    }

    static String json(int index, String partialJson) {
        return delta(index, "{'type':'input_json_delta','partial_json':'" + partialJson + "'}");
    }

    static String blockStop(int index) {
        return event("content_block_stop", "{'type':'content_block_stop','index':" + index + "}");
    }

    static String messageDelta(String stopReason, String usage) {
        return event("message_delta", "{'type':'message_delta','delta':{'stop_reason':'" + stopReason
                + "','stop_sequence':null},'usage':" + usage + "}");
    }

    static final String PING = event("ping", "{'type': 'ping'}");
    static final String MESSAGE_STOP = event("message_stop", "{'type':'message_stop'}");
    static final String START_USAGE = "{'input_tokens':12,'cache_creation_input_tokens':0,"
            + "'cache_read_input_tokens':0,'output_tokens':1}";

    static final String TEXT = messageStart(START_USAGE)
            + blockStart(0, "{'type':'text','text':''}")
            + PING
            + text(0, "Hello")
            + text(0, ", w\u00f6rld \uD83C\uDF0D \\u00e9")
            + blockStop(0)
            + messageDelta("end_turn", "{'output_tokens':7}")
            + MESSAGE_STOP;

    static final String THINKING = messageStart(START_USAGE)
            + blockStart(0, "{'type':'thinking','thinking':'','signature':''}")
            + delta(0, "{'type':'thinking_delta','thinking':'Let me think.'}")
            + delta(0, "{'type':'thinking_delta','thinking':''}")
            + delta(0, "{'type':'signature_delta','signature':'c2lnbmF0dXJl'}")
            + blockStop(0)
            + blockStart(1, "{'type':'text','text':''}")
            + text(1, "Four.")
            + blockStop(1)
            + messageDelta("end_turn", "{'input_tokens':12,'output_tokens':30}")
            + MESSAGE_STOP;

    static final String TOOL_FRAGMENTED = messageStart(START_USAGE)
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "Checking.")
            + blockStop(0)
            + blockStart(1, "{'type':'tool_use','id':'toolu_01AbC','name':'get_weather','input':{}}")
            + json(1, "")
            + json(1, "{\\'locati")
            + PING
            + json(1, "on\\': \\'P")
            + json(1, "ar")
            + json(1, "is\\'}")
            + blockStop(1)
            + messageDelta("tool_use", "{'output_tokens':40}")
            + MESSAGE_STOP;

    /** Some servers put the whole input in the start block and send no delta; another tool has no input at all. */
    static final String TOOL_NO_DELTA = messageStart(START_USAGE)
            + blockStart(0, "{'type':'tool_use','id':'call_1','name':'read','input':{'path':'/tmp/a b'}}")
            + blockStop(0)
            + blockStart(1, "{'type':'tool_use','id':'call_2','name':'now','input':{}}")
            + blockStop(1)
            + messageDelta("tool_use", "{'output_tokens':20}")
            + MESSAGE_STOP;

    static final String TWO_TOOLS = messageStart(START_USAGE)
            + blockStart(0, "{'type':'tool_use','id':'toolu_A','name':'grep','input':{}}")
            + json(0, "{\\'pattern\\':")
            + json(0, " \\'x\\'}")
            + blockStop(0)
            + blockStart(1, "{'type':'tool_use','id':'toolu_B','name':'glob','input':{}}")
            + json(1, "{\\'glob\\': \\'*.java\\'}")
            + blockStop(1)
            + messageDelta("tool_use", "{'output_tokens':33}")
            + MESSAGE_STOP;

    static final String INTERLEAVED = messageStart(START_USAGE)
            + blockStart(0, "{'type':'thinking','thinking':'','signature':''}")
            + delta(0, "{'type':'thinking_delta','thinking':'first thought'}")
            + delta(0, "{'type':'signature_delta','signature':'sig1'}")
            + blockStop(0)
            + blockStart(1, "{'type':'text','text':''}")
            + text(1, "Let me look.")
            + blockStop(1)
            + blockStart(2, "{'type':'thinking','thinking':'','signature':''}")
            + delta(2, "{'type':'thinking_delta','thinking':'second thought'}")
            + delta(2, "{'type':'signature_delta','signature':'sig2'}")
            + blockStop(2)
            + blockStart(3, "{'type':'tool_use','id':'toolu_C','name':'ls','input':{}}")
            + json(3, "{}")
            + blockStop(3)
            + messageDelta("tool_use", "{'output_tokens':80}")
            + MESSAGE_STOP;

    static final String CACHE_USAGE = messageStart("{'input_tokens':5,'cache_creation_input_tokens':200,"
            + "'cache_read_input_tokens':1000,'output_tokens':1,'service_tier':'standard'}")
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "ok")
            + blockStop(0)
            + messageDelta("end_turn", "{'input_tokens':5,'cache_creation_input_tokens':200,"
            + "'cache_read_input_tokens':1000,'output_tokens':50,'output_tokens_details':{'thinking_tokens':0}}")
            + MESSAGE_STOP;

    static final String MISSING_MESSAGE_STOP = messageStart(START_USAGE)
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "cut at the limit")
            + blockStop(0)
            + messageDelta("max_tokens", "{'output_tokens':4}");

    static final String ERROR_EVENT = messageStart(START_USAGE)
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "Partial")
            + event("error", "{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}")
            + text(0, "never seen");

    /** Cut off in the middle of a data line: the incomplete event is discarded, the truncation reported. */
    static final String TRUNCATED = (messageStart(START_USAGE)
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "Some text")).concat("event: content_block_delta\ndata: {\"type\":\"content_bl");

    static final String MALFORMED = messageStart(START_USAGE)
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "before")
            + "event: content_block_delta\ndata: this is not json\n\n"
            + text(0, "after");

    static final String SERVER_TOOLS = messageStart(START_USAGE)
            + blockStart(0, "{'type':'server_tool_use','id':'srvtoolu_1','name':'web_search','input':{}}")
            + json(0, "{\\'query\\': \\'weather\\'}")
            + blockStop(0)
            + blockStart(1, "{'type':'web_search_tool_result','tool_use_id':'srvtoolu_1','content':[]}")
            + blockStop(1)
            + blockStart(2, "{'type':'text','text':''}")
            + text(2, "Sunny.")
            + delta(2, "{'type':'citations_delta','citation':{'type':'char_location','cited_text':'x'}}")
            + blockStop(2)
            + messageDelta("end_turn", "{'output_tokens':9}")
            + MESSAGE_STOP;

    static final String REDACTED = messageStart(START_USAGE)
            + blockStart(0, "{'type':'redacted_thinking','data':'EmwKAhgB'}")
            + blockStop(0)
            + blockStart(1, "{'type':'text','text':''}")
            + text(1, "Done.")
            + blockStop(1)
            + messageDelta("end_turn", "{'output_tokens':3}")
            + MESSAGE_STOP;

    /** Truncated at max_tokens in the middle of a tool's arguments. */
    static final String BROKEN_TOOL_JSON = messageStart(START_USAGE)
            + blockStart(0, "{'type':'tool_use','id':'toolu_D','name':'write','input':{}}")
            + json(0, "{\\'content\\': \\'abc")
            + blockStop(0)
            + messageDelta("max_tokens", "{'output_tokens':64}")
            + MESSAGE_STOP;

    /** A local server's placeholder: input_tokens 0 before it knows, the real count in message_delta. */
    static final String PLACEHOLDER_USAGE = messageStart("{'input_tokens':0,'output_tokens':0}")
            + blockStart(0, "{'type':'text','text':''}")
            + text(0, "hi")
            + blockStop(0)
            + messageDelta("end_turn", "{'input_tokens':321,'output_tokens':2}")
            + MESSAGE_STOP;

    /** Without event: lines and with CRLF line ends; a text block that starts with content; a stop sequence. */
    static final String NO_EVENT_NAMES_CRLF = (
            "data: " + j("{'type':'message_start','message':{'usage':{'input_tokens':9,'output_tokens':1}}}") + "\n\n"
                    + "data: " + j("{'type':'content_block_start','index':0,'content_block':{'type':'text','text':'Pre'}}")
                    + "\n\n"
                    + "data: " + j("{'type':'content_block_delta','index':0,'delta':{'type':'text_delta','text':'fix'}}")
                    + "\n\n"
                    + "data: " + j("{'type':'content_block_stop','index':0}") + "\n\n"
                    + "data: " + j("{'type':'message_delta','delta':{'stop_reason':'stop_sequence','stop_sequence':'END'},"
                    + "'usage':{'output_tokens':3}}") + "\n\n"
                    + "data: " + j("{'type':'message_stop'}") + "\n\n").replace("\n", "\r\n");

    // ---------------------------------------------------------------- the expected flows

    static final Usage START = new Usage(12L, 1L, 0L, 0L);

    @Test
    void text() {
        assertThat(decodeEverySplit(TEXT)).containsExactly(
                START,
                new TextDelta("Hello"),
                new TextDelta(", w\u00f6rld \uD83C\uDF0D \u00e9"),
                new Usage(null, 7L, null, null),
                new Finish(StopReason.END_TURN, null));
        assertValidThroughAssembler(TEXT);
    }

    @Test
    void thinkingWithSignature() {
        assertThat(decodeEverySplit(THINKING)).containsExactly(
                START,
                new ThinkingDelta("Let me think."),
                new ThinkingSignature("c2lnbmF0dXJl"),
                new TextDelta("Four."),
                new Usage(12L, 30L, null, null),
                new Finish(StopReason.END_TURN, null));
        List<StreamEvent> events = assemble(THINKING);
        assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(StreamEvent.BlockDelta.class,
                d -> assertThat(Json.text(d.delta(), "signature")).isEqualTo("c2lnbmF0dXJl")));
        assertValidThroughAssembler(THINKING);
    }

    @Test
    void toolUseWithFragmentedInput() {
        assertThat(decodeEverySplit(TOOL_FRAGMENTED)).containsExactly(
                START,
                new TextDelta("Checking."),
                new ToolCall("toolu_01AbC", "get_weather", j("{'location': 'Paris'}")),
                new Usage(null, 40L, null, null),
                new Finish(StopReason.TOOL_USE, null));
        assertValidThroughAssembler(TOOL_FRAGMENTED);
    }

    @Test
    void toolUseWithoutDeltasTakesTheStartInput() {
        assertThat(decodeEverySplit(TOOL_NO_DELTA)).containsExactly(
                START,
                new ToolCall("call_1", "read", j("{'path':'/tmp/a b'}")),
                new ToolCall("call_2", "now", "{}"),
                new Usage(null, 20L, null, null),
                new Finish(StopReason.TOOL_USE, null));
        assertValidThroughAssembler(TOOL_NO_DELTA);
    }

    @Test
    void twoToolCalls() {
        assertThat(decodeEverySplit(TWO_TOOLS)).containsExactly(
                START,
                new ToolCall("toolu_A", "grep", j("{'pattern': 'x'}")),
                new ToolCall("toolu_B", "glob", j("{'glob': '*.java'}")),
                new Usage(null, 33L, null, null),
                new Finish(StopReason.TOOL_USE, null));
        assertValidThroughAssembler(TWO_TOOLS);
    }

    @Test
    void interleavedThinkingBecomesSeparateBlocks() {
        assertThat(decodeEverySplit(INTERLEAVED)).containsExactly(
                START,
                new ThinkingDelta("first thought"),
                new ThinkingSignature("sig1"),
                new TextDelta("Let me look."),
                new ThinkingDelta("second thought"),
                new ThinkingSignature("sig2"),
                new ToolCall("toolu_C", "ls", "{}"),
                new Usage(null, 80L, null, null),
                new Finish(StopReason.TOOL_USE, null));
        List<String> blockTypes = assemble(INTERLEAVED).stream()
                .filter(StreamEvent.BlockStart.class::isInstance)
                .map(e -> Json.text(((StreamEvent.BlockStart) e).block(), "type"))
                .toList();
        assertThat(blockTypes).containsExactly("thinking", "text", "thinking", "tool_use");
        assertValidThroughAssembler(INTERLEAVED);
    }

    @Test
    void usageWithCache() {
        assertThat(decodeEverySplit(CACHE_USAGE)).containsExactly(
                new Usage(5L, 1L, 1000L, 200L),
                new TextDelta("ok"),
                new Usage(5L, 50L, 1000L, 200L),
                new Finish(StopReason.END_TURN, null));
        List<StreamEvent> events = assemble(CACHE_USAGE);
        assertThat(events).filteredOn(StreamEvent.MessageDelta.class::isInstance).singleElement()
                .satisfies(e -> assertThat(((StreamEvent.MessageDelta) e).usage())
                        .isEqualTo(new dev.anyclaude.api.Usage(5, 50, 1000, 200)));
        assertValidThroughAssembler(CACHE_USAGE);
    }

    @Test
    void placeholderInputTokensAreNotReported() {
        assertThat(decodeEverySplit(PLACEHOLDER_USAGE)).containsExactly(
                new Usage(null, 0L, null, null),
                new TextDelta("hi"),
                new Usage(321L, 2L, null, null),
                new Finish(StopReason.END_TURN, null));
        assertValidThroughAssembler(PLACEHOLDER_USAGE);
    }

    @Test
    void missingMessageStopStillFinishesWithTheStatedReason() {
        assertThat(decodeEverySplit(MISSING_MESSAGE_STOP)).containsExactly(
                START,
                new TextDelta("cut at the limit"),
                new Usage(null, 4L, null, null),
                new Finish(StopReason.MAX_TOKENS, null));
        assertValidThroughAssembler(MISSING_MESSAGE_STOP);
    }

    @Test
    void errorEventBecomesFailureAndEndsTheFlow() {
        assertThat(decodeEverySplit(ERROR_EVENT)).containsExactly(
                START,
                new TextDelta("Partial"),
                new Failure(new ApiError(529, "overloaded_error", "Overloaded")));
        assertValidThroughAssembler(ERROR_EVENT);
    }

    @Test
    void errorEventTypesKeepTheirStatus() {
        assertThat(decodeOne(event("error", "{'type':'error','error':{'type':'rate_limit_error','message':'slow'}}")))
                .containsExactly(new Failure(new ApiError(429, "rate_limit_error", "slow")));
        assertThat(decodeOne(event("error", "{'type':'error','error':{'type':'api_error','message':'boom'}}")))
                .containsExactly(new Failure(new ApiError(500, "api_error", "boom")));
        assertThat(decodeOne(event("error", "{'type':'error','error':{'type':'invalid_request_error',"
                + "'message':'bad'}}")))
                .containsExactly(new Failure(new ApiError(400, "invalid_request_error", "bad")));
        // llama.cpp's own error shape and wording, reworded for Claude Code's compaction
        assertThat(decodeOne("error: " + j("{'code':400,'message':'request (9000 tokens) exceeds the available "
                + "context size (8192 tokens)','type':'exceed_context_size_error'}") + "\n\n"))
                .containsExactly(new Failure(ApiError.invalidRequest("prompt is too long: 9000 tokens > 8192 maximum")));
    }

    @Test
    void truncatedStreamFails() {
        assertThat(decodeEverySplit(TRUNCATED)).containsExactly(
                START,
                new TextDelta("Some text"),
                new Failure(ApiError.apiError("upstream stream ended before message_stop")));
        assertValidThroughAssembler(TRUNCATED);
    }

    @Test
    void malformedDataFails() {
        List<ModelEvent> events = decodeEverySplit(MALFORMED);
        assertThat(events).hasSize(3);
        assertThat(events.subList(0, 2)).containsExactly(START, new TextDelta("before"));
        assertThat(events.get(2)).isInstanceOfSatisfying(Failure.class, f -> {
            assertThat(f.error().type()).isEqualTo("api_error");
            assertThat(f.error().message()).contains("malformed event").contains("this is not json");
        });
        assertValidThroughAssembler(MALFORMED);
    }

    @Test
    void serverToolBlocksAreSkipped() {
        assertThat(decodeEverySplit(SERVER_TOOLS)).containsExactly(
                START,
                new TextDelta("Sunny."),
                new Usage(null, 9L, null, null),
                new Finish(StopReason.END_TURN, null));
        assertValidThroughAssembler(SERVER_TOOLS);
    }

    @Test
    void redactedThinking() {
        assertThat(decodeEverySplit(REDACTED)).containsExactly(
                START,
                new RedactedThinking("EmwKAhgB"),
                new TextDelta("Done."),
                new Usage(null, 3L, null, null),
                new Finish(StopReason.END_TURN, null));
        assertValidThroughAssembler(REDACTED);
    }

    @Test
    void toolInputThatIsNotJsonBecomesText() {
        List<ModelEvent> events = decodeEverySplit(BROKEN_TOOL_JSON);
        assertThat(events).hasSize(4);
        assertThat(events.get(1)).isInstanceOfSatisfying(TextDelta.class,
                t -> assertThat(t.text()).contains("write").contains("{\"content\": \"abc"));
        assertThat(events.get(3)).isEqualTo(new Finish(StopReason.MAX_TOKENS, null));
        assertValidThroughAssembler(BROKEN_TOOL_JSON);
    }

    @Test
    void eventsWithoutNamesAndCrlfLineEnds() {
        assertThat(decodeEverySplit(NO_EVENT_NAMES_CRLF)).containsExactly(
                new Usage(9L, 1L, null, null),
                new TextDelta("Pre"),
                new TextDelta("fix"),
                new Usage(null, 3L, null, null),
                new Finish(StopReason.STOP_SEQUENCE, "END"));
        assertValidThroughAssembler(NO_EVENT_NAMES_CRLF);
    }

    @Test
    void toolIdsThatAnthropicRejectsAreEncodedAndMissingOnesMade() {
        String stream = messageStart(START_USAGE)
                + blockStart(0, "{'type':'tool_use','id':'functions.get:0','name':'get','input':{}}")
                + blockStop(0)
                + blockStart(1, "{'type':'tool_use','name':'get','input':{}}")
                + blockStop(1)
                + messageDelta("tool_use", "{'output_tokens':1}") + MESSAGE_STOP;
        List<ModelEvent> events = decodeOne(stream);
        assertThat(events).filteredOn(ToolCall.class::isInstance).hasSize(2)
                .allSatisfy(e -> assertThat(((ToolCall) e).id()).matches("[a-zA-Z0-9_-]+"));
        assertValidThroughAssembler(stream);
    }

    @Test
    void nothingIsEmittedAfterTheEnd() {
        List<ModelEvent> events = new ArrayList<>();
        AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
        SseParser parser = new SseParser(decoder);
        parser.feed(bytes(TEXT + TEXT));
        decoder.end();
        decoder.fail(ApiError.apiError("late"));
        assertThat(events).hasSize(5).last().isEqualTo(new Finish(StopReason.END_TURN, null));
    }

    @Test
    void wholeMessageJson() {
        List<ModelEvent> events = new ArrayList<>();
        AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
        decoder.message(Json.parse(j("{'id':'msg_1','type':'message','role':'assistant','model':'m','content':["
                + "{'type':'thinking','thinking':'hmm','signature':'sig'},"
                + "{'type':'text','text':'Calling.','citations':null},"
                + "{'type':'server_tool_use','id':'srvtoolu_1','name':'web_search','input':{'query':'q'}},"
                + "{'type':'tool_use','id':'toolu_E','name':'get_weather','input':{'city':'Paris'}}],"
                + "'stop_reason':'tool_use','stop_sequence':null,"
                + "'usage':{'input_tokens':20,'output_tokens':10,'cache_read_input_tokens':3,"
                + "'cache_creation_input_tokens':0}}")));
        assertThat(events).containsExactly(
                new ThinkingDelta("hmm"),
                new ThinkingSignature("sig"),
                new TextDelta("Calling."),
                new ToolCall("toolu_E", "get_weather", j("{'city':'Paris'}")),
                new Usage(20L, 10L, 3L, 0L),
                new Finish(StopReason.TOOL_USE, null));
    }

    // ---------------------------------------------------------------- harness

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes the bytes fed in the given pieces, then signals EOF. */
    static List<ModelEvent> decode(byte[] input, int[] cuts) {
        List<ModelEvent> events = new ArrayList<>();
        AnthropicEventDecoder decoder = new AnthropicEventDecoder(events::add);
        SseParser parser = new SseParser(decoder);
        int from = 0;
        for (int cut : cuts) {
            parser.feed(input, from, cut - from);
            from = cut;
        }
        parser.feed(input, from, input.length - from);
        decoder.end();
        return events;
    }

    static List<ModelEvent> decodeOne(String transcript) {
        return decode(bytes(transcript), new int[0]);
    }

    /**
     * Decodes the transcript whole, one byte at a time and in 25 seeded random splits, asserts that all
     * give the same flow, and returns it.
     */
    static List<ModelEvent> decodeEverySplit(String transcript) {
        byte[] input = bytes(transcript);
        List<ModelEvent> whole = decode(input, new int[0]);
        int[] everyByte = new int[Math.max(0, input.length - 1)];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertThat(decode(input, everyByte)).as("one byte at a time").isEqualTo(whole);
        for (int seed = 0; seed < 25; seed++) {
            Random random = new Random(seed);
            int[] cuts = random.ints(random.nextInt(1, 40), 0, input.length + 1).sorted().toArray();
            assertThat(decode(input, cuts)).as("random split, seed %d", seed).isEqualTo(whole);
        }
        assertThat(whole).as("exactly one Finish or Failure, last")
                .filteredOn(e -> e instanceof Finish || e instanceof Failure).hasSize(1);
        assertThat(whole.getLast()).isInstanceOfAny(Finish.class, Failure.class);
        return whole;
    }

    static List<StreamEvent> assemble(String transcript) {
        List<StreamEvent> events = new ArrayList<>();
        ResponseAssembler assembler = new ResponseAssembler(events::add, "msg_gateway", "claude-test", 100);
        for (ModelEvent event : decodeOne(transcript)) {
            assembler.accept(event);
        }
        return events;
    }

    /** Decoded, assembled and encoded, the transcript must make a stream the strict validator accepts. */
    static void assertValidThroughAssembler(String transcript) {
        ByteArrayOutputStream sse = new ByteArrayOutputStream();
        for (StreamEvent event : assemble(transcript)) {
            sse.writeBytes(SseEncoder.encode(event));
        }
        StreamValidator validator = new StreamValidator();
        SseParser parser = new SseParser(validator::accept);
        parser.feed(sse.toByteArray());
        parser.end();
        assertThat(validator.finish()).as("violations of\n%s", sse.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
