package dev.anyclaude.api;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StreamValidatorTest {

    /** JSON written with single quotes, for readability. */
    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private static final String START = j("{'type':'message_start','message':{'id':'msg_1','type':'message',"
            + "'role':'assistant','model':'m','content':[],'stop_reason':null,'stop_sequence':null,"
            + "'usage':{'input_tokens':5,'output_tokens':1}}}");
    private static final String PING = j("{'type':'ping'}");
    private static final String STOP = j("{'type':'message_stop'}");

    /** A stream under construction: pairs of event name and data. */
    private static final class Events {
        final List<String[]> events = new ArrayList<>();

        Events add(String name, String data) {
            events.add(new String[]{name, data});
            return this;
        }

        Events start() {
            return add("message_start", START);
        }

        Events blockStart(int index, String block) {
            return add("content_block_start",
                    j("{'type':'content_block_start','index':" + index + ",'content_block':" + block + "}"));
        }

        Events textStart(int index) {
            return blockStart(index, "{'type':'text','text':''}");
        }

        Events toolStart(int index) {
            return blockStart(index, "{'type':'tool_use','id':'toolu_1','name':'Read','input':{}}");
        }

        Events delta(int index, String delta) {
            return add("content_block_delta",
                    j("{'type':'content_block_delta','index':" + index + ",'delta':" + delta + "}"));
        }

        Events text(int index, String text) {
            return delta(index, "{'type':'text_delta','text':'" + text + "'}");
        }

        Events json(int index, String partial) {
            ObjectNode delta = Json.object();
            delta.put("type", "input_json_delta");
            delta.put("partial_json", partial);
            return delta(index, Json.string(delta));
        }

        Events blockStop(int index) {
            return add("content_block_stop", j("{'type':'content_block_stop','index':" + index + "}"));
        }

        Events textBlock(int index, String text) {
            return textStart(index).text(index, text).blockStop(index);
        }

        Events messageDelta(String stopReason) {
            return add("message_delta", j("{'type':'message_delta','delta':{'stop_reason':'" + stopReason
                    + "','stop_sequence':null},'usage':{'input_tokens':5,'output_tokens':9}}"));
        }

        Events end(String stopReason) {
            return messageDelta(stopReason).add("message_stop", STOP);
        }

        Events end() {
            return end("end_turn");
        }

        List<String> violations() {
            StreamValidator validator = new StreamValidator();
            events.forEach(event -> validator.accept(event[0], event[1]));
            return validator.finish();
        }
    }

    private static Events stream() {
        return new Events();
    }

    private static Events started() {
        return new Events().start();
    }

    /** The stream has exactly one defect: one violation, naming it. */
    private static void assertOnlyViolation(Events events, String fragment) {
        assertThat(events.violations()).singleElement().asString().contains(fragment);
    }

    // ---- valid streams ------------------------------------------------------------------------------------

    /** The reference's text + tool_use transcript (api-protocols 2.4 a), its message_delta in today's usage shape. */
    private static final String TEXT_AND_TOOL_USE = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_019Q1hrJbZG26Fb9BQhrkHEr","type":"message","role":"assistant","model":"claude-opus-4-8","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":377,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1,"service_tier":"standard"}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"I"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"'ll check the current weather in Paris for you."}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01NRLabsLyVHZPKxbKvkfSMn","name":"get_weather","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"locati"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"on\\": \\"P"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ar"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"is\\"}"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"input_tokens":377,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":65}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    /** The reference's thinking + text transcript (api-protocols 2.4 b), verbatim. */
    private static final String THINKING_AND_TEXT = """
            event: message_start
            data: {"type":"message_start","message":{"model":"claude-fable-5","id":"msg_fixture_a_0001","type":"message","role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":{"input_tokens":28,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":5,"service_tier":"standard","inference_geo":"global"}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

            event: ping
            data: {"type": "ping"}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Simple educational question…"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"c3ludGhldGljLXNpZ25hdHVyZS1maXh0dXJl…"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hi"}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":1}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":28,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":106,"output_tokens_details":{"thinking_tokens":67}}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    private static StreamValidator validate(String sse) {
        StreamValidator validator = new StreamValidator();
        SseParser parser = new SseParser(validator::accept);
        parser.feed(sse.getBytes(StandardCharsets.UTF_8));
        parser.end();
        return validator;
    }

    @Test
    void referenceTextAndToolUseTranscriptIsValid() {
        StreamValidator validator = validate(TEXT_AND_TOOL_USE);

        assertThat(validator.finish()).isEmpty();
        assertThat(validator.stopReason()).isEqualTo("tool_use");
        assertThat(validator.errored()).isFalse();
    }

    @Test
    void referenceThinkingAndTextTranscriptIsValid() {
        StreamValidator validator = validate(THINKING_AND_TEXT);

        assertThat(validator.finish()).isEmpty();
        assertThat(validator.stopReason()).isEqualTo("end_turn");
    }

    @Test
    void midStreamErrorEndsAValidStream() {
        Events events = started().textStart(0).text(0, "Partial")
                .add("error", j("{'type':'error','error':{'type':'overloaded_error','message':'Overloaded'}}"));
        StreamValidator validator = new StreamValidator();
        events.events.forEach(e -> validator.accept(e[0], e[1]));

        assertThat(validator.finish()).isEmpty();
        assertThat(validator.errored()).isTrue();
    }

    @Test
    void errorAsTheFirstEventIsValid() {
        assertThat(stream().add("error", j("{'type':'error','error':{'type':'api_error','message':'x'}}"))
                .violations()).isEmpty();
    }

    @Test
    void redactedThinkingServerToolsAndPingsAreValid() {
        Events events = started().add("ping", PING)
                .blockStart(0, "{'type':'redacted_thinking','data':'opaque'}").blockStop(0)
                .blockStart(1, "{'type':'server_tool_use','id':'srvtoolu_1','name':'web_search','input':{}}")
                .delta(1, "{'type':'input_json_delta','partial_json':'{\\'query\\':\\'x\\'}'}").blockStop(1)
                .blockStart(2, "{'type':'web_search_tool_result','tool_use_id':'srvtoolu_1','content':[]}")
                .add("ping", PING).blockStop(2)
                .textBlock(3, "answer").end();

        assertThat(events.violations()).isEmpty();
    }

    @Test
    void toolUseWithOnlyAnEmptyInputJsonDeltaIsValid() {
        assertThat(started().toolStart(0).json(0, "").blockStop(0).end("tool_use").violations()).isEmpty();
    }

    @Test
    void toolUseTruncatedAtMaxTokensMayEndWithMaxTokens() {
        assertThat(started().toolStart(0).json(0, "{}").blockStop(0).end("max_tokens").violations()).isEmpty();
    }

    @Test
    void citationsDeltaOnATextBlockIsValid() {
        // api-protocols 2.3: text blocks answering from documents or search results carry citations_delta
        Events events = started().textStart(0).text(0, "The grass is green.")
                .delta(0, "{'type':'citations_delta','citation':{'type':'char_location','cited_text':'The grass is green.',"
                        + "'document_index':0,'document_title':'Example','start_char_index':0,'end_char_index':20}}")
                .blockStop(0).end();

        assertThat(events.violations()).isEmpty();
    }

    // ---- one test per violation ---------------------------------------------------------------------------

    @Test
    void eventAfterMessageStopIsReported() {
        assertOnlyViolation(started().end().add("ping", PING), "event after the end of the stream");
    }

    @Test
    void eventAfterAnErrorIsReported() {
        assertOnlyViolation(started().add("error", j("{'type':'error','error':{'type':'api_error','message':'x'}}"))
                .add("message_stop", STOP), "event after the end of the stream");
    }

    @Test
    void dataThatIsNotJsonIsReported() {
        assertOnlyViolation(started().add("ping", "{not json").end(), "data is not JSON");
    }

    @Test
    void dataTypeDifferentFromTheEventNameIsReported() {
        assertOnlyViolation(started().add("ping", STOP).end(), "data type 'message_stop' differs from the event name");
    }

    @Test
    void firstEventOtherThanMessageStartIsReported() {
        assertOnlyViolation(stream().add("ping", PING).start().end(), "first event must be message_start");
    }

    @Test
    void secondMessageStartIsReported() {
        assertOnlyViolation(started().start().end(), "second message_start");
    }

    @Test
    void messageStartWithoutMessageIsReported() {
        assertOnlyViolation(stream().add("message_start", j("{'type':'message_start'}")).end(), "no message object");
    }

    @Test
    void messageStartWithoutIdIsReported() {
        assertOnlyViolation(stream().add("message_start", START.replace("\"id\":\"msg_1\",", "")).end(),
                "message.id missing");
    }

    @Test
    void messageStartWithoutModelIsReported() {
        assertOnlyViolation(stream().add("message_start", START.replace("\"model\":\"m\",", "")).end(),
                "message.model missing");
    }

    @Test
    void messageStartWithAnotherRoleIsReported() {
        assertOnlyViolation(stream().add("message_start", START.replace("\"assistant\"", "\"user\"")).end(),
                "message.role/type must be assistant/message");
    }

    @Test
    void messageStartWithContentIsReported() {
        assertOnlyViolation(stream().add("message_start",
                START.replace("\"content\":[]", j("'content':[{'type':'text','text':'x'}]"))).end(),
                "message.content must be []");
    }

    @Test
    void messageStartWithAStopReasonIsReported() {
        assertOnlyViolation(stream().add("message_start",
                START.replace("\"stop_reason\":null", "\"stop_reason\":\"end_turn\"")).end(),
                "message.stop_reason must be null");
    }

    @Test
    void messageStartWithoutUsageIsReported() {
        assertOnlyViolation(stream().add("message_start",
                START.replace(",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}", "")).end(),
                "message.usage missing");
    }

    @Test
    void messageStartWithNegativeInputTokensIsReported() {
        assertOnlyViolation(stream().add("message_start", START.replace("\"input_tokens\":5", "\"input_tokens\":-5"))
                .end(), "message.usage.input_tokens must be a non-negative integer");
    }

    @Test
    void blockStartedWhileAnotherIsOpenIsReported() {
        List<String> violations = started().textStart(0).text(0, "a").textStart(1).text(1, "b").blockStop(1).end()
                .violations();

        assertThat(violations).anySatisfy(v -> assertThat(v).contains("block 1 started while block 0 is open"));
    }

    @Test
    void blockIndexOutOfSequenceIsReported() {
        assertOnlyViolation(started().textBlock(1, "a").end(), "block index 1, expected 0");
    }

    @Test
    void repeatedBlockIndexIsReported() {
        assertOnlyViolation(started().textBlock(0, "a").textBlock(0, "b").end(), "block index 0, expected 1");
    }

    @Test
    void blockWithoutTypeIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'text':''}").blockStop(0).end(), "content_block.type missing");
    }

    @Test
    void textBlockThatDoesNotStartEmptyIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'text','text':'x'}").text(0, "y").blockStop(0).end(),
                "text block must start empty");
    }

    @Test
    void thinkingBlockWithoutThinkingFieldIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'thinking','signature':''}")
                .delta(0, "{'type':'thinking_delta','thinking':'t'}").blockStop(0).end(),
                "thinking block without thinking field");
    }

    @Test
    void toolUseIdWithOtherCharactersIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'tool_use','id':'call:1','name':'Read','input':{}}")
                .json(0, "{}").blockStop(0).end("tool_use"), "tool_use id 'call:1' does not match");
    }

    @Test
    void toolUseWithoutNameIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'tool_use','id':'toolu_1','name':'','input':{}}")
                .json(0, "{}").blockStop(0).end("tool_use"), "tool_use without a name");
    }

    @Test
    void toolUseThatDoesNotStartWithEmptyInputIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'tool_use','id':'toolu_1','name':'Read','input':{'a':1}}")
                .json(0, "{}").blockStop(0).end("tool_use"), "tool_use must start with input {}");
    }

    @Test
    void redactedThinkingWithoutDataIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'redacted_thinking'}").blockStop(0).end(),
                "redacted_thinking without data");
    }

    @Test
    void deltaForABlockThatIsNotOpenIsReported() {
        assertOnlyViolation(started().textBlock(0, "a").text(0, "late").end(),
                "delta for block 0 but the open block is -1");
    }

    @Test
    void deltaOfTheWrongTypeForItsBlockIsReported() {
        assertOnlyViolation(started().textStart(0).text(0, "a").delta(0, "{'type':'input_json_delta','partial_json':'{}'}")
                .blockStop(0).end(), "delta type input_json_delta on a text block");
    }

    @Test
    void deltaOnAResultBlockIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'redacted_thinking','data':'d'}")
                .delta(0, "{'type':'thinking_delta','thinking':'t'}").blockStop(0).end(),
                "delta type thinking_delta on a redacted_thinking block");
    }

    @Test
    void textDeltaWithoutTextIsReported() {
        assertOnlyViolation(started().textStart(0).text(0, "a").delta(0, "{'type':'text_delta'}").blockStop(0).end(),
                "delta without text");
    }

    @Test
    void inputJsonDeltaWithoutPartialJsonIsReported() {
        assertOnlyViolation(started().toolStart(0).json(0, "{}").delta(0, "{'type':'input_json_delta'}")
                .blockStop(0).end("tool_use"), "delta without partial_json");
    }

    @Test
    void thinkingDeltaWithoutThinkingIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'thinking','thinking':''}")
                .delta(0, "{'type':'thinking_delta'}").blockStop(0).end(), "thinking_delta without thinking");
    }

    @Test
    void signatureDeltaWithoutSignatureIsReported() {
        assertOnlyViolation(started().blockStart(0, "{'type':'thinking','thinking':''}")
                .delta(0, "{'type':'signature_delta'}").blockStop(0).end(), "signature_delta without signature");
    }

    @Test
    void stopForABlockThatIsNotOpenIsReported() {
        assertOnlyViolation(started().textBlock(0, "a").blockStop(0).end(), "stop for block 0 but the open block is -1");
    }

    @Test
    void emptyTextBlockIsReported() {
        assertOnlyViolation(started().textStart(0).blockStop(0).end(), "empty text block 0");
    }

    @Test
    void textBlockWithOnlyEmptyDeltasIsReported() {
        assertOnlyViolation(started().textStart(0).text(0, "").blockStop(0).end(), "empty text block 0");
    }

    @Test
    void toolUseWithoutInputJsonDeltaIsReported() {
        assertOnlyViolation(started().toolStart(0).blockStop(0).end("tool_use"),
                "tool_use block 0 without input_json_delta");
    }

    @Test
    void toolInputThatIsNotAnObjectIsReported() {
        assertOnlyViolation(started().toolStart(0).json(0, "[1,2]").blockStop(0).end("tool_use"),
                "tool input is not a JSON object: [1,2]");
    }

    @Test
    void toolInputThatIsNotValidJsonIsReported() {
        assertOnlyViolation(started().toolStart(0).json(0, "{\"a\":").blockStop(0).end("tool_use"),
                "tool input is not valid JSON: {\"a\":");
    }

    @Test
    void messageDeltaWhileABlockIsOpenIsReported() {
        List<String> violations = started().textStart(0).text(0, "a").end().violations();

        assertThat(violations).anySatisfy(v -> assertThat(v).contains("message_delta while block 0 is open"));
    }

    @Test
    void messageStopWhileABlockIsOpenIsReported() {
        List<String> violations = started().textBlock(0, "a").messageDelta("end_turn").textStart(1).text(1, "b")
                .add("message_stop", STOP).violations();

        assertThat(violations).anySatisfy(v -> assertThat(v).contains("message_stop while block 1 is open"));
    }

    @Test
    void messageStopWithoutMessageDeltaIsReported() {
        assertOnlyViolation(started().textBlock(0, "a").add("message_stop", STOP), "message_stop without a message_delta");
    }

    @Test
    void blockAfterMessageDeltaIsReported() {
        // the grammar is block* message_delta+ message_stop: a client has already finished the message
        assertOnlyViolation(started().textBlock(0, "a").messageDelta("end_turn").textBlock(1, "b")
                .add("message_stop", STOP), "block 1 started after message_delta");
    }

    @Test
    void messageDeltaWithoutDeltaIsReported() {
        assertOnlyViolation(started().add("message_delta", j("{'type':'message_delta','usage':{'input_tokens':1,"
                + "'output_tokens':1}}")).add("message_stop", STOP), "message_delta without delta");
    }

    @Test
    void unknownStopReasonIsReported() {
        assertOnlyViolation(started().textBlock(0, "a").end("stop"), "stop_reason 'stop' is not a valid stop reason");
    }

    @Test
    void toolUseTurnEndingWithEndTurnIsReported() {
        assertOnlyViolation(started().toolStart(0).json(0, "{}").blockStop(0).end("end_turn"),
                "a turn with tool_use blocks must end with stop_reason tool_use, not end_turn");
    }

    @Test
    void messageDeltaWithoutUsageIsReported() {
        assertOnlyViolation(started().add("message_delta", j("{'type':'message_delta','delta':{'stop_reason':'end_turn'}}"))
                .add("message_stop", STOP), "usage missing");
    }

    @Test
    void messageDeltaWithoutOutputTokensIsReported() {
        assertOnlyViolation(started().add("message_delta", j("{'type':'message_delta','delta':{'stop_reason':'end_turn'},"
                + "'usage':{'input_tokens':5}}")).add("message_stop", STOP), "usage.output_tokens must be a non-negative integer");
    }

    @Test
    void messageDeltaWithoutInputTokensIsReportedBecauseClaudeCodeNeedsIt() {
        // Stricter than the SDKs on purpose (api-protocols 2.6): message_start carries only an estimate, so the
        // real input_tokens must come with message_delta or Claude Code's context meter never moves.
        assertOnlyViolation(started().add("message_delta", j("{'type':'message_delta','delta':{'stop_reason':'end_turn'},"
                + "'usage':{'output_tokens':5}}")).add("message_stop", STOP), "usage.input_tokens must be a non-negative integer");
    }

    @Test
    void errorEventWithoutTypeAndMessageIsReported() {
        assertOnlyViolation(started().add("error", j("{'type':'error','error':{'message':'x'}}")),
                "error event without error.type and error.message");
    }

    @Test
    void unknownEventNameIsReported() {
        assertOnlyViolation(started().add("message_pause", j("{'type':'message_pause'}")).end(), "unknown event name");
    }

    @Test
    void streamEndingWithoutMessageStopIsReported() {
        assertOnlyViolation(started().textBlock(0, "a").messageDelta("end_turn"), "stream ended without message_stop or error");
    }

    @Test
    void emptyStreamIsReported() {
        assertOnlyViolation(stream(), "stream ended without message_stop or error");
    }

    @Test
    void violationsNameTheEventNumberAndName() {
        assertThat(started().textStart(0).blockStop(0).end().violations())
                .containsExactly("event 3 (content_block_stop): empty text block 0");
    }
}
