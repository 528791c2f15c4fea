package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.ModelEvent;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.openai.DecoderHarness.call;
import static dev.anyclaude.openai.DecoderHarness.decodeStream;
import static dev.anyclaude.openai.DecoderHarness.finish;
import static dev.anyclaude.openai.DecoderHarness.text;
import static dev.anyclaude.openai.DecoderHarness.thinking;
import static dev.anyclaude.openai.DecoderHarness.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upstream transcripts (hand-written after the shapes the servers send) through SseParser and the
 * decoder. Every transcript goes through {@link DecoderHarness#decodeStream}, which also checks
 * chunk-boundary invariance and that the result assembles into a valid Anthropic stream.
 */
class ChatChunkDecoderTest {

    private static final String PLAIN_TEXT = """
            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" world"},"logprobs":null,"finish_reason":null}],"usage":null}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}

            data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

            data: [DONE]

            """;

    private static final List<ModelEvent> PLAIN_TEXT_EVENTS = List.of(
            text("Hello"), text(" world"), usage(9, 12, 0, 0), finish(StopReason.END_TURN));

    @Nested
    class Text {

        @Test
        void plainText() {
            assertThat(decodeStream(PLAIN_TEXT)).isEqualTo(PLAIN_TEXT_EVENTS);
        }

        @Test
        void multiByteCharactersSurviveAnySplit() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"h\u00e9llo \u2713 \ud83d\ude00"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"\u00fcber"},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("h\u00e9llo \u2713 \ud83d\ude00"), text("\u00fcber"), finish(StopReason.END_TURN));
        }

        @Test
        void refusalIsText() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":null,"refusal":"I can't help with that."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("I can't help with that."), finish(StopReason.END_TURN));
        }

        @Test
        void emptyChoicesMissingDeltaAndUsageOnlyChunksAreFine() {
            String transcript = """
                    data: {"id":"azure-filter","choices":[],"prompt_filter_results":[{"prompt_index":0}]}

                    data: {"choices":[{"index":0,"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":null,"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"ok"},"finish_reason":null}]}

                    data: {"usage":{"prompt_tokens":5,"completion_tokens":1}}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("ok"), usage(5, 1, 0, 0), finish(StopReason.END_TURN));
        }

        @Test
        void finishReasonInTheSameChunkAsTheLastText() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"done"},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("done"), finish(StopReason.END_TURN));
        }
    }

    @Nested
    class Reasoning {

        @Test
        void deepSeekReasoningContent() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":""},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Let me think."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":null,"reasoning_content":" Two cases."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"Answer: 4.","reasoning_content":null},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop"}],"usage":{"prompt_tokens":100,"completion_tokens":20,"prompt_cache_hit_tokens":60,"prompt_cache_miss_tokens":40}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    thinking("Let me think."), thinking(" Two cases."), text("Answer: 4."),
                    usage(40, 20, 60, 0), finish(StopReason.END_TURN));
        }

        @Test
        void vllmSendsTheSameTextInBothFields() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"reasoning":"User wants ls.","reasoning_content":"User wants ls."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"reasoning":" Easy.","reasoning_content":" Easy."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"Running it."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop","stop_reason":null}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    thinking("User wants ls."), thinking(" Easy."), text("Running it."), finish(StopReason.END_TURN));
        }

        @Test
        void openRouterReasoningAndReasoningDetailsCarryTheSameText() {
            String transcript = """
                    : OPENROUTER PROCESSING

                    data: {"id":"gen-1","provider":"Anthropic","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Step one.","reasoning_details":[{"type":"reasoning.text","text":"Step one.","format":"anthropic-claude-v1","index":0}]},"finish_reason":null}]}

                    data: {"id":"gen-1","provider":"Anthropic","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":null,"reasoning_details":[{"type":"reasoning.text","signature":"sig-abc","format":"anthropic-claude-v1","index":0}]},"finish_reason":null}]}

                    data: {"id":"gen-1","provider":"OpenAI","choices":[{"index":0,"delta":{"content":"","reasoning_details":[{"type":"reasoning.summary","summary":"Summarised.","format":"openai-responses-v1","index":1}]},"finish_reason":null}]}

                    data: {"id":"gen-1","provider":"OpenAI","choices":[{"index":0,"delta":{"content":"","reasoning_details":[{"type":"reasoning.encrypted","data":"gAAAA-encrypted","format":"openai-responses-v1","index":2}]},"finish_reason":null}]}

                    data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":"Done."},"finish_reason":null}]}

                    data: {"id":"gen-1","choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop","native_finish_reason":"end_turn"}],"usage":{"prompt_tokens":50,"completion_tokens":30,"cost":0.001,"prompt_tokens_details":{"cached_tokens":0,"cache_write_tokens":0}}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    thinking("Step one."), thinking("Summarised."), text("Done."),
                    usage(50, 30, 0, 0), finish(StopReason.END_TURN));
        }

        @Test
        void encryptedReasoningWithoutAnyTextIsRedactedThinking() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"","reasoning":null,"reasoning_details":[{"type":"reasoning.encrypted","data":"eyJlbmMiOiIxIn0","format":"anthropic-claude-v1","index":0}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"Hi."},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    new ModelEvent.RedactedThinking("eyJlbmMiOiIxIn0"), text("Hi."), finish(StopReason.END_TURN));
        }

        @Test
        void ollamaReasoningField() {
            String transcript = """
                    data: {"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"","reasoning":"Thinking"},"finish_reason":null}]}

                    data: {"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"Hi"},"finish_reason":null}]}

                    data: {"id":"chatcmpl-7","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    thinking("Thinking"), text("Hi"), finish(StopReason.END_TURN));
        }
    }

    @Nested
    class ToolCalls {

        @Test
        void oneCallStreamedInFragments() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_DdmO9pD3","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"location"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\": \\"Par"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"is\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: {"choices":[],"usage":{"prompt_tokens":82,"completion_tokens":17}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_DdmO9pD3", "get_weather", "{\"location\":\"Paris\"}"),
                    usage(82, 17, 0, 0), finish(StopReason.TOOL_USE));
        }

        @Test
        void textThenReasoningThenCallThenTextKeepsTheUpstreamOrder() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"reasoning":"User wants ls."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"Running it."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"chatcmpl-tool-9f2","type":"function","function":{"name":"Bash","arguments":""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"command\\": \\"ls\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"And then?"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    thinking("User wants ls."), text("Running it."),
                    call("chatcmpl-tool-9f2", "Bash", "{\"command\":\"ls\"}"),
                    text("And then?"), finish(StopReason.TOOL_USE));
        }

        @Test
        void twoParallelCalls() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"get_weather","arguments":""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"city\\":"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"\\"Paris\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"get_time","arguments":""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{\\"tz\\":\\"CET\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_a", "get_weather", "{\"city\":\"Paris\"}"),
                    call("call_b", "get_time", "{\"tz\":\"CET\"}"),
                    finish(StopReason.TOOL_USE));
        }

        @Test
        void interleavedFragmentsAndSeveralCallsInOneChunk() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_b","type":"function","function":{"name":"Read","arguments":"{\\"file_"}},{"index":0,"id":"call_a","type":"function","function":{"name":"Glob","arguments":"{\\"pat"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"tern\\": \\"*.java\\""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"path\\": \\"/a.txt\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"}"}},{"index":2,"id":"call_c","type":"function","function":{"name":"LS","arguments":"{}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_a", "Glob", "{\"pattern\":\"*.java\"}"),
                    call("call_b", "Read", "{\"file_path\":\"/a.txt\"}"),
                    call("call_c", "LS", "{}"),
                    finish(StopReason.TOOL_USE));
        }

        @Test
        void missingIndexIsKeyedByIdThenLastCall() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_1","type":"function","function":{"name":"Read","arguments":"{\\"file_path\\":"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":" \\"/a\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"id":"call_2","type":"function","function":{"name":"Read","arguments":"{\\"file_path\\": \\"/b\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_1", "Read", "{\"file_path\":\"/a\"}"),
                    call("call_2", "Read", "{\"file_path\":\"/b\"}"),
                    finish(StopReason.TOOL_USE));
        }

        @Test
        void missingOrEmptyIdIsGenerated() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":null,"type":"function","function":{"name":"A","arguments":"{}"}},{"index":1,"id":"","type":"function","function":{"name":"B","arguments":"{}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("toolu_test_1", "A", "{}"), call("toolu_test_2", "B", "{}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void repeatedUpstreamIdIsReplacedSoIdsStayUnique() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_0","type":"function","function":{"name":"A","arguments":"{}"}},{"index":1,"id":"call_0","type":"function","function":{"name":"B","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_0", "A", "{}"), call("toolu_test_1", "B", "{}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void sameIndexWithAnotherIdIsANewCall() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_x","type":"function","function":{"name":"A","arguments":"{\\"n\\":1}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_y","type":"function","function":{"name":"B","arguments":"{\\"n\\":2}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_x", "A", "{\"n\":1}"), call("call_y", "B", "{\"n\":2}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void idThatIsNotAnAnthropicIdIsEncoded() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"functions.get_weather:0","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            List<ModelEvent> events = decodeStream(transcript);
            String id = ((ModelEvent.ToolCall) events.getFirst()).id();
            assertThat(id).matches("[a-zA-Z0-9_-]+");
            assertThat(ToolIds.toUpstream(id)).isEqualTo("functions.get_weather:0");
        }

        @Test
        void cumulativeArgumentSnapshotsReplaceInsteadOfAppending() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_s","type":"function","function":{"name":"Edit","arguments":"{\\"old\\":"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"old\\": \\"a\\""}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"old\\": \\"a\\", \\"new\\": \\"b\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"old\\": \\"a\\", \\"new\\": \\"b\\"}"}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_s", "Edit", "{\"old\":\"a\",\"new\":\"b\"}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void idAndNameRepeatedInEveryFragmentAreNotConcatenated() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_r","type":"function","function":{"name":"Write","arguments":"{\\"path\\": "}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_r","type":"function","function":{"name":"Write","arguments":"\\"/x\\", "}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_r","type":"function","function":{"name":"Write","arguments":"\\"content\\": \\"hi\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_r", "Write", "{\"path\":\"/x\",\"content\":\"hi\"}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void ollamaWholeCallThenSeparateStopChunk() {
            String transcript = """
                    data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1700000000,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_x1y2","index":0,"type":"function","function":{"name":"Bash","arguments":"{\\"command\\":\\"pwd\\"}"}}]},"finish_reason":null}]}

                    data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1700000000,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}

                    data: {"id":"chatcmpl-42","object":"chat.completion.chunk","created":1700000000,"model":"qwen3:8b","system_fingerprint":"fp_ollama","choices":[],"usage":{"prompt_tokens":120,"completion_tokens":15,"total_tokens":135}}

                    data: [DONE]

                    """;
            List<ModelEvent> events = decodeStream(transcript);
            assertThat(events).containsExactly(
                    call("call_x1y2", "Bash", "{\"command\":\"pwd\"}"), usage(120, 15, 0, 0),
                    finish(StopReason.END_TURN));
        }

        @Test
        void mlxWholeCallWithUuidAndRoleOnEveryChunk() {
            String transcript = """
                    : keepalive 512/2048

                    data: {"choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"index":0,"id":"5f0c3c1e-8f1b-4e34-9a4e-0c1d2e3f4a5b","type":"function","function":{"name":"Glob","arguments":"{\\"pattern\\": \\"**/*.md\\"}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("5f0c3c1e-8f1b-4e34-9a4e-0c1d2e3f4a5b", "Glob", "{\"pattern\":\"**/*.md\"}"),
                    finish(StopReason.TOOL_USE));
        }

        @Test
        void doubleEncodedArguments() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_d","type":"function","function":{"name":"Read","arguments":"\\"{\\\\\\"file_path\\\\\\": \\\\\\"/etc/hosts\\\\\\"}\\""}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_d", "Read", "{\"file_path\":\"/etc/hosts\"}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void argumentsSentAsAnObjectAreAccepted() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_o","type":"function","function":{"name":"Read","arguments":{"file_path":"/a"}}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_o", "Read", "{\"file_path\":\"/a\"}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void invalidArgumentsAreRepaired() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_f","type":"function","function":{"name":"Grep","arguments":"```json\\n{\\"pattern\\": \\"TODO\\", \\"paths\\": [\\"src\\",],}\\n```"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_f", "Grep", "{\"pattern\":\"TODO\",\"paths\":[\"src\"]}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void emptyArgumentsBecomeAnEmptyObject() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_e","type":"function","function":{"name":"LS","arguments":""}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(call("call_e", "LS", "{}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void hopelessArgumentsAreDeliveredAsText() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Let me look."},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_h","type":"function","function":{"name":"Bash","arguments":"command=ls -la"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("Let me look."),
                    text("[tool call Bash was not executed: its arguments are not valid JSON; arguments: command=ls -la]"),
                    finish(StopReason.TOOL_USE));
        }

        @Test
        void callWithoutNameIsDeliveredAsText() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_n","type":"function","function":{"arguments":"{\\"a\\":1}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("[a tool call without a name was not executed; arguments: {\"a\":1}]"),
                    finish(StopReason.TOOL_USE));
        }

        @Test
        void nameArrivingAfterTheArgumentsIsUsed() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a\\":1}"}}]},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_late","function":{"name":"Late"}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_late", "Late", "{\"a\":1}"), finish(StopReason.TOOL_USE));
        }

        @Test
        void callCutOffAtTheTokenLimitIsNotExecuted() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_w","type":"function","function":{"name":"Write","arguments":"{\\"file_path\\": \\"/a\\", \\"content\\": \\"half a fi"}}]},"finish_reason":"length"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("[tool call Write was not executed: the response hit the token limit before its arguments"
                            + " were complete; arguments: {\"file_path\": \"/a\", \"content\": \"half a fi]"),
                    finish(StopReason.MAX_TOKENS));
        }

        @Test
        void truncatedArgumentsAreRepairedWhenTheTurnEndedNormally() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_t","type":"function","function":{"name":"Bash","arguments":"{\\"command\\": \\"ls"}}]},"finish_reason":"tool_calls"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    call("call_t", "Bash", "{\"command\":\"ls\"}"), finish(StopReason.TOOL_USE));
        }
    }

    @Nested
    class FinishReasons {

        @ParameterizedTest
        @CsvSource({
                "tool_calls, TOOL_USE",
                "function_call, TOOL_USE",
                "stop, END_TURN",
                "length, MAX_TOKENS",
                "content_filter, REFUSAL",
                "eos_token, END_TURN",
        })
        void mapped(String finishReason, StopReason expected) {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"%s"}]}

                    data: [DONE]

                    """.formatted(finishReason);
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"), finish(expected));
        }

        @Test
        void vllmMatchedStopStringIsAStopSequence() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"42"},"finish_reason":null,"stop_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":"stop","stop_reason":"</answer>"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("42"), new ModelEvent.Finish(StopReason.STOP_SEQUENCE, "</answer>"));
        }

        @Test
        void vllmStopTokenIdIsAnOrdinaryEnd() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"42"},"finish_reason":"stop","stop_reason":151645}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("42"), finish(StopReason.END_TURN));
        }

        @Test
        void openRouterErrorFinishWithoutDetailsIsOverloaded() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"), new ModelEvent.Failure(
                    ApiError.overloaded("upstream error: the upstream ended the response with an error")));
        }

        @Test
        void vllmAbortIsAFailure() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":" there"},"finish_reason":"abort"}]}

                    data: [DONE]

                    """;
            // The failing chunk is dropped whole, like an error chunk.
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"),
                    new ModelEvent.Failure(ApiError.apiError("upstream error: the upstream aborted the response")));
        }

        @Test
        void doneWithoutFinishReasonAfterOutputIsAStop() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"}}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"), finish(StopReason.END_TURN));
        }

        @Test
        void doneWithoutFinishReasonAfterAToolCallIsAStop() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_q","type":"function","function":{"name":"LS","arguments":"{}"}}]}}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(call("call_q", "LS", "{}"), finish(StopReason.END_TURN));
        }

        @Test
        void doneWithNothingAtAllIsAFailure() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(new ModelEvent.Failure(
                    ApiError.apiError("upstream ended the stream ([DONE]) without any output or finish_reason")));
        }

        @Test
        void emptyResponseWithAFinishReasonIsAnEmptyTurn() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(finish(StopReason.END_TURN));
        }
    }

    @Nested
    class Usage {

        @Test
        void cachedAndCacheWriteTokensAreTakenOutOfTheInput() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}

                    data: {"choices":[],"usage":{"prompt_tokens":1000,"completion_tokens":50,"prompt_tokens_details":{"cached_tokens":800,"cache_write_tokens":100},"completion_tokens_details":{"reasoning_tokens":10}}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("Hi"), usage(100, 50, 800, 100), finish(StopReason.END_TURN));
        }

        @Test
        void llamaCppTimingsCacheCount() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"object":"chat.completion.chunk"}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"object":"chat.completion.chunk","usage":{"completion_tokens":10,"prompt_tokens":300,"total_tokens":310},"timings":{"cache_n":236,"prompt_n":64,"prompt_ms":30.9,"predicted_n":10,"predicted_ms":661.06}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("Hi"), usage(64, 10, 236, 0), finish(StopReason.END_TURN));
        }

        @Test
        void cachedTokensWinOverTimings() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"completion_tokens":10,"prompt_tokens":300,"prompt_tokens_details":{"cached_tokens":200}},"timings":{"cache_n":236}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("Hi"), usage(100, 10, 200, 0), finish(StopReason.END_TURN));
        }

        @Test
        void usageOnEveryChunkLastOneWins() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":null}],"usage":{"prompt_tokens":40,"completion_tokens":1,"total_tokens":41}}

                    data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":null}],"usage":{"prompt_tokens":40,"completion_tokens":2,"total_tokens":42}}

                    data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":40,"completion_tokens":3,"total_tokens":43}}

                    data: {"choices":[],"usage":null}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    text("a"), text("b"), usage(40, 3, 0, 0), finish(StopReason.END_TURN));
        }

        @Test
        void noUsageNoUsageEvent() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("a"), finish(StopReason.END_TURN));
        }
    }

    @Nested
    class Errors {

        @Test
        void openRouterMidStreamErrorChunk() {
            String transcript = """
                    data: {"id":"cmpl-abc123","object":"chat.completion.chunk","created":1234567890,"model":"openai/gpt-4o","provider":"openai","choices":[{"index":0,"delta":{"content":"Partial"},"finish_reason":null}]}

                    data: {"id":"cmpl-abc123","object":"chat.completion.chunk","created":1234567890,"model":"openai/gpt-4o","provider":"openai","error":{"code":"server_error","message":"Provider disconnected unexpectedly"},"choices":[{"index":0,"delta":{"content":""},"finish_reason":"error"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Partial"),
                    new ModelEvent.Failure(ApiError.overloaded("upstream error: Provider disconnected unexpectedly")));
        }

        @Test
        void pendingToolCallsAreDroppedOnFailure() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_p","type":"function","function":{"name":"LS","arguments":"{}"}}]},"finish_reason":null}]}

                    data: {"error":{"code":502,"message":"Upstream provider returned 502"}}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    new ModelEvent.Failure(ApiError.overloaded("upstream error: Upstream provider returned 502")));
        }

        @Test
        void rateLimitError() {
            String transcript = """
                    : OPENROUTER PROCESSING

                    data: {"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min","metadata":{"headers":{"X-RateLimit-Limit":"20"}}}}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(new ModelEvent.Failure(new ApiError(429,
                    "rate_limit_error", "upstream error: Rate limit exceeded: free-models-per-min")));
        }

        @Test
        void stringError() {
            String transcript = """
                    data: {"error":"model failed to generate"}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    new ModelEvent.Failure(ApiError.apiError("upstream error: model failed to generate")));
        }

        @Test
        void llamaCppErrorLine() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                    error: {"code":500,"message":"failed to decode the batch","type":"server_error"}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"),
                    new ModelEvent.Failure(ApiError.overloaded("upstream error: failed to decode the batch")));
        }

        @Test
        void llamaCppContextOverflowErrorLine() {
            String transcript = """
                    error: {"code":400,"message":"request (13392 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":13392,"n_ctx":8192}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(new ModelEvent.Failure(ApiError.invalidRequest(
                    "prompt is too long: 13392 tokens > 8192 maximum")));
        }

        @Test
        void errorChunkWhoseCodeIsAnObjectStillEndsTheStreamWithItsMessage() {
            String transcript = """
                    data: {"error":{"message":"backend exploded","code":{"inner":1}}}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    new ModelEvent.Failure(ApiError.apiError("upstream error: backend exploded")));
        }

        @Test
        void errorEventWithPlainText() {
            String transcript = """
                    event: error
                    data: something broke

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    new ModelEvent.Failure(ApiError.apiError("upstream error: something broke")));
        }

        @Test
        void vllmOldErrorObjectAboutTheOutputLimitKeepsClaudeCodesWording() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                    data: {"object":"error","message":"This model's maximum context length is 32768 tokens. However, you requested 40000 tokens (8000 in the messages, 32000 in the completion).","type":"BadRequestError","param":null,"code":400}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"), new ModelEvent.Failure(ApiError.invalidRequest(
                    "max_tokens: 32000 > 24768, which is the maximum allowed number of output tokens for this model")));
        }

        @Test
        void vllmOldErrorObjectOtherwise() {
            String transcript = """
                    data: {"object":"error","message":"Sampling failed","type":"BadRequestError","param":null,"code":400}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(
                    new ModelEvent.Failure(ApiError.apiError("upstream error: Sampling failed")));
        }

        @Test
        void malformedChunk() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"content":"Hi

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"), new ModelEvent.Failure(ApiError.apiError(
                    "upstream sent a malformed chunk: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi")));
        }

        @Test
        void malformedChunkExcerptIsCappedAt200Characters() {
            String garbage = "{\"html\":" + "x".repeat(300);
            List<ModelEvent> events = decodeStream("data: " + garbage + "\n\n");
            assertThat(events).containsExactly(new ModelEvent.Failure(
                    ApiError.apiError("upstream sent a malformed chunk: " + garbage.substring(0, 200) + "...")));
        }

        @Test
        void dataThatIsNotJsonAtAllIsSkipped() {
            String transcript = "data: keep-alive\n\ndata: <b>busy</b>\n\n" + PLAIN_TEXT;
            assertThat(decodeStream(transcript)).isEqualTo(PLAIN_TEXT_EVENTS);
        }

        @Test
        void onlyDataThatIsNotJsonSaysWhatCame() {
            String garbage = "<html>" + "x".repeat(300);
            assertThat(decodeStream("data: " + garbage + "\n\n")).containsExactly(new ModelEvent.Failure(
                    ApiError.apiError("upstream sent no chunk, only data that is not JSON: " + garbage.substring(0, 200)
                            + "...")));
        }

        @Test
        void jsonThatIsNotAnObjectIsMalformed() {
            assertThat(decodeStream("data: [1,2]\n\n")).containsExactly(
                    new ModelEvent.Failure(ApiError.apiError("upstream sent a malformed chunk: [1,2]")));
        }
    }

    @Nested
    class Framing {

        @Test
        void commentsDataWithoutSpaceAndCrLf() {
            String transcript = ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n"
                    + PLAIN_TEXT.replace("data: ", "data:").replace("\n", "\r\n");
            assertThat(decodeStream(transcript)).isEqualTo(PLAIN_TEXT_EVENTS);
        }

        @Test
        void bareCrLineEnds() {
            assertThat(decodeStream(PLAIN_TEXT.replace("\n", "\r"))).isEqualTo(PLAIN_TEXT_EVENTS);
        }

        @Test
        void missingDoneAfterAFinishReasonEndsNormally() {
            String transcript = PLAIN_TEXT.substring(0, PLAIN_TEXT.indexOf("data: [DONE]"));
            assertThat(decodeStream(transcript)).isEqualTo(PLAIN_TEXT_EVENTS);
        }

        @Test
        void eofMidStreamIsAFailure() {
            String transcript = """
                    data: {"choices":[{"index":0,"delta":{"content":"Hel"},"finish_reason":null}]}

                    data: {"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_m","type":"function","function":{"name":"LS","arguments":"{}"}}]},"finish_reason":null}]}

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hel"), new ModelEvent.Failure(
                    ApiError.apiError("upstream ended unexpectedly in the middle of the response")));
        }

        @Test
        void eofInsideAnEventIsAFailure() {
            String transcript = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\ndata: {\"choi";
            assertThat(decodeStream(transcript)).containsExactly(text("Hel"), new ModelEvent.Failure(
                    ApiError.apiError("upstream sent a malformed chunk: {\"choi")));
        }

        @Test
        void eofBeforeAnythingIsAFailure() {
            assertThat(decodeStream(": OPENROUTER PROCESSING\n\n")).containsExactly(new ModelEvent.Failure(
                    ApiError.apiError("upstream stream ended before the response was complete")));
        }

        @Test
        void multiLineDataIsJoined() {
            String transcript = """
                    data: {"choices":[{"index":0,
                    data: "delta":{"content":"Hi"},"finish_reason":"stop"}]}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).containsExactly(text("Hi"), finish(StopReason.END_TURN));
        }

        @Test
        void inputAfterTheEndIsIgnored() {
            String transcript = PLAIN_TEXT + """
                    data: {"choices":[{"index":0,"delta":{"content":"late"},"finish_reason":"stop"}]}

                    data: {"error":{"message":"late"}}

                    data: [DONE]

                    """;
            assertThat(decodeStream(transcript)).isEqualTo(PLAIN_TEXT_EVENTS);
        }

        @Test
        void endIsIdempotentAndIgnoredAfterAFailure() {
            List<ModelEvent> events = new ArrayList<>();
            ChatChunkDecoder decoder = new ChatChunkDecoder(events::add, DecoderHarness.ids());
            decoder.onEvent(null, "{not json");
            decoder.onEvent(null, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}");
            decoder.end();
            decoder.end();
            assertThat(events).containsExactly(
                    new ModelEvent.Failure(ApiError.apiError("upstream sent a malformed chunk: {not json")));
            assertThat(decoder.ended()).isTrue();
        }

        @Test
        void everySingleCutGivesTheSameEvents() {
            byte[] bytes = PLAIN_TEXT.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= bytes.length; cut++) {
                assertThat(DecoderHarness.feed(bytes, cut == 0 || cut == bytes.length ? List.of() : List.of(cut)))
                        .as("cut at %d", cut).isEqualTo(PLAIN_TEXT_EVENTS);
            }
        }
    }

    @Nested
    class Harness {

        @Test
        void validatorWiringReportsViolations() {
            // Guards the harness itself: a flow the assembler cannot make valid must be reported.
            List<ModelEvent> refusedCall = List.of(call("call_1", "LS", "{}"), finish(StopReason.REFUSAL));
            assertThat(DecoderHarness.anthropicViolations(refusedCall)).isNotEmpty();
            assertThat(DecoderHarness.anthropicViolations(List.of(text("no end")))).isNotEmpty();
        }
    }
}
