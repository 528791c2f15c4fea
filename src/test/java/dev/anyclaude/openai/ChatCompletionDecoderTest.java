package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.ModelEvent;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.StringNode;

import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.openai.DecoderHarness.assertWellFormed;
import static dev.anyclaude.openai.DecoderHarness.call;
import static dev.anyclaude.openai.DecoderHarness.finish;
import static dev.anyclaude.openai.DecoderHarness.text;
import static dev.anyclaude.openai.DecoderHarness.thinking;
import static dev.anyclaude.openai.DecoderHarness.usage;
import static org.assertj.core.api.Assertions.assertThat;

class ChatCompletionDecoderTest {

    /** Decodes a completion body and checks the flow is well formed and assembles into a valid stream. */
    private static List<ModelEvent> decode(String body) {
        List<ModelEvent> events = new ArrayList<>();
        ChatCompletionDecoder.decode(Json.parse(body), events::add, DecoderHarness.ids());
        assertWellFormed(events);
        return events;
    }

    @Test
    void plainText() {
        String body = """
                {"id":"chatcmpl-1","object":"chat.completion","created":1741569952,"model":"gpt-4.1",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there.","refusal":null,"annotations":[]},
                             "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
                          "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0}}}
                """;
        assertThat(decode(body)).containsExactly(text("Hello there."), usage(19, 10, 0, 0), finish(StopReason.END_TURN));
    }

    @Test
    void reasoningTextAndToolCallsInThatOrder() {
        String body = """
                {"object":"chat.completion","choices":[{"index":0,"finish_reason":"tool_calls","message":{
                   "role":"assistant","reasoning_content":"Need two files.","reasoning":"Need two files.",
                   "content":"Reading both.",
                   "tool_calls":[
                     {"id":"call_1","type":"function","function":{"name":"Read","arguments":"{\\"file_path\\":\\"/a\\"}"}},
                     {"id":null,"type":"function","function":{"name":"Read","arguments":"{\\"file_path\\":\\"/b\\"}"}},
                     {"type":"function","function":{"name":"LS","arguments":""}}]}}],
                 "usage":{"prompt_tokens":1000,"completion_tokens":80,"prompt_tokens_details":{"cached_tokens":900}}}
                """;
        assertThat(decode(body)).containsExactly(
                thinking("Need two files."), text("Reading both."),
                call("call_1", "Read", "{\"file_path\":\"/a\"}"),
                call("toolu_test_1", "Read", "{\"file_path\":\"/b\"}"),
                call("toolu_test_2", "LS", "{}"),
                usage(100, 80, 900, 0), finish(StopReason.TOOL_USE));
    }

    @Test
    void openRouterReasoningDetailsAreNotDuplicated() {
        String body = """
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"4",
                   "reasoning":"2+2.","reasoning_details":[{"type":"reasoning.text","text":"2+2.","signature":"s"}]}}]}
                """;
        assertThat(decode(body)).containsExactly(thinking("2+2."), text("4"), finish(StopReason.END_TURN));
    }

    @Test
    void toolCallArgumentRulesApply() {
        String body = """
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":null,"tool_calls":[
                   {"id":"call_d","type":"function","function":{"name":"A","arguments":"\\"{\\\\\\"x\\\\\\": 1}\\""}},
                   {"id":"call_v","type":"function","function":{"name":"B","arguments":"[1,2]"}},
                   {"id":"call_r","type":"function","function":{"name":"C","arguments":"{\\"y\\": 2,"}},
                   {"id":"call_h","type":"function","function":{"name":"D","arguments":"y=2"}}]}}]}
                """;
        assertThat(decode(body)).containsExactly(
                call("call_d", "A", "{\"x\":1}"),
                call("call_v", "B", "{\"value\":[1,2]}"),
                call("call_r", "C", "{\"y\":2}"),
                text("[tool call D was not executed: its arguments are not valid JSON; arguments: y=2]"),
                finish(StopReason.END_TURN));
    }

    @Test
    void finishReasonsMapLikeTheStream() {
        assertThat(decode(completion("length"))).containsExactly(text("Hi"), finish(StopReason.MAX_TOKENS));
        assertThat(decode(completion("content_filter"))).containsExactly(text("Hi"), finish(StopReason.REFUSAL));
        assertThat(decode("""
                {"choices":[{"index":0,"finish_reason":"stop","stop_reason":"###","message":{"content":"Hi"}}]}
                """)).containsExactly(text("Hi"), new ModelEvent.Finish(StopReason.STOP_SEQUENCE, "###"));
        assertThat(decode("""
                {"choices":[{"index":0,"message":{"content":"Hi"}}]}
                """)).containsExactly(text("Hi"), finish(StopReason.END_TURN));
        assertThat(decode(completion("abort"))).containsExactly(
                new ModelEvent.Failure(ApiError.apiError("upstream error: the upstream aborted the response")));
    }

    @Test
    void llamaCppTimingsAndDeepSeekCacheHits() {
        assertThat(decode("""
                {"choices":[{"index":0,"finish_reason":"stop","message":{"content":"Hi"}}],
                 "usage":{"prompt_tokens":500,"completion_tokens":5},"timings":{"cache_n":480,"prompt_n":20}}
                """)).containsExactly(text("Hi"), usage(20, 5, 480, 0), finish(StopReason.END_TURN));
        assertThat(decode("""
                {"choices":[{"index":0,"finish_reason":"stop","message":{"content":"Hi"}}],
                 "usage":{"prompt_tokens":500,"completion_tokens":5,"prompt_cache_hit_tokens":384,"prompt_cache_miss_tokens":116}}
                """)).containsExactly(text("Hi"), usage(116, 5, 384, 0), finish(StopReason.END_TURN));
    }

    @Test
    void emptyMessageWithFinishReasonIsAnEmptyTurn() {
        assertThat(decode("""
                {"choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":""}}]}
                """)).containsExactly(finish(StopReason.END_TURN));
    }

    @Test
    void openRouterHttp200WithChoiceError() {
        String body = """
                {"id":"gen-9","provider":"Google","choices":[{"index":0,"finish_reason":"error","native_finish_reason":"ERROR",
                   "message":{"role":"assistant","content":""},
                   "error":{"code":502,"message":"Provider returned error","metadata":{"provider_name":"Google"}}}]}
                """;
        assertThat(decode(body)).containsExactly(
                new ModelEvent.Failure(ApiError.overloaded("upstream error: Provider returned error")));
    }

    @Test
    void topLevelError() {
        assertThat(decode("""
                {"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130512 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}
                """)).containsExactly(new ModelEvent.Failure(ApiError.invalidRequest(
                "prompt is too long: 130512 tokens > 128000 maximum")));
        assertThat(decode("""
                {"error":"No models loaded. Please load a model."}
                """)).containsExactly(
                new ModelEvent.Failure(ApiError.apiError("upstream error: No models loaded. Please load a model.")));
    }

    @Test
    void bodiesWithoutChoicesFail() {
        assertThat(decode("{\"id\":\"x\",\"choices\":[]}")).containsExactly(
                new ModelEvent.Failure(ApiError.apiError("upstream sent a completion without choices")));
        assertThat(decode("{\"id\":\"x\"}")).containsExactly(
                new ModelEvent.Failure(ApiError.apiError("upstream sent a completion without choices")));
        List<ModelEvent> events = new ArrayList<>();
        ChatCompletionDecoder.decode(StringNode.valueOf("nope"), events::add, DecoderHarness.ids());
        assertThat(events).containsExactly(
                new ModelEvent.Failure(ApiError.apiError("upstream sent a completion that is not a JSON object")));
    }

    private static String completion(String finishReason) {
        return """
                {"choices":[{"index":0,"finish_reason":"%s","message":{"role":"assistant","content":"Hi"}}]}
                """.formatted(finishReason);
    }
}
