package dev.anyclaude.openai;

import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChatRequestMapperTest {

    // ---------------------------------------------------------------------------------------------
    // helpers

    /** A request body with a fixed model and max_tokens around the given top-level fields. */
    static String req(String fields) {
        return "{\"model\":\"claude-test\",\"max_tokens\":1000," + fields + "}";
    }

    static MessagesRequest parse(String body) {
        return RequestParser.parseMessages(body.getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode map(String body) {
        return map(body, OpenAiFlavor.GENERIC);
    }

    static ObjectNode map(String body, OpenAiFlavor flavor) {
        return ChatRequestMapper.map(parse(body), new ChatRequestMapper.Options(flavor, null, null, null));
    }

    static JsonNode json(String text) {
        return Json.parse(text);
    }

    static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    static ApiException rejection(String body, OpenAiFlavor flavor) {
        try {
            map(body, flavor);
        } catch (ApiException e) {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().type()).isEqualTo("invalid_request_error");
            return e;
        }
        throw new AssertionError("expected an invalid_request_error");
    }

    static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]";

    static final String ONE_TOOL = """
            "tools":[{"name":"Bash","description":"Run a command",
                      "input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]""";

    // ---------------------------------------------------------------------------------------------

    @Nested
    class Flavors {
        @Test
        void autoDetectsOpenRouterByHost() {
            assertThat(OpenAiFlavor.resolve("auto", "https://openrouter.ai/api/v1")).isEqualTo(OpenAiFlavor.OPENROUTER);
            assertThat(OpenAiFlavor.resolve(null, "https://eu.openrouter.ai/api/v1")).isEqualTo(OpenAiFlavor.OPENROUTER);
        }

        @Test
        void autoDetectsOpenAiByHost() {
            assertThat(OpenAiFlavor.resolve("AUTO", "https://api.openai.com/v1")).isEqualTo(OpenAiFlavor.OPENAI);
        }

        @ParameterizedTest
        @ValueSource(strings = {"http://localhost:8000/v1", "http://127.0.0.1:11434/v1", "not a url", ""})
        void autoFallsBackToGenericForOtherHosts(String baseUrl) {
            assertThat(OpenAiFlavor.resolve("auto", baseUrl)).isEqualTo(OpenAiFlavor.GENERIC);
            assertThat(OpenAiFlavor.resolve(null, null)).isEqualTo(OpenAiFlavor.GENERIC);
        }

        @Test
        void namedFlavorIsCaseInsensitiveAndIgnoresTheBaseUrl() {
            assertThat(OpenAiFlavor.resolve("vLLM", "https://openrouter.ai/api/v1")).isEqualTo(OpenAiFlavor.VLLM);
            assertThat(OpenAiFlavor.resolve("ollama", null)).isEqualTo(OpenAiFlavor.OLLAMA);
            assertThat(OpenAiFlavor.resolve("llama.cpp", null)).isEqualTo(OpenAiFlavor.LLAMACPP);
            assertThat(OpenAiFlavor.resolve("lm-studio", null)).isEqualTo(OpenAiFlavor.LMSTUDIO);
        }

        @Test
        void unknownNameIsRejectedListingTheValidOnes() {
            assertThatExceptionOfType(IllegalArgumentException.class)
                    .isThrownBy(() -> OpenAiFlavor.resolve("tgi", null))
                    .withMessageContaining("'tgi'")
                    .withMessageContaining("auto, openai, openrouter, vllm, llamacpp, ollama, lmstudio, mlx, generic");
        }
    }

    @Nested
    class Envelope {
        @Test
        void fieldsAreWrittenInTheDocumentedOrder() {
            String body = req("""
                    "temperature":0.5,"top_p":0.9,"top_k":40,"stop_sequences":["END"],
                    "thinking":{"type":"adaptive"},"output_config":{"effort":"low","format":{"type":"json_schema",
                      "schema":{"type":"object"}}},
                    "tool_choice":{"type":"auto"},
                    "system":"be brief",
                    """ + ONE_TOOL + "," + HELLO);
            assertThat(fieldNames(map(body, OpenAiFlavor.LLAMACPP))).containsExactly("model", "messages", "tools",
                    "tool_choice", "parallel_tool_calls", "max_tokens", "temperature", "top_p", "top_k", "stop",
                    "reasoning_effort", "chat_template_kwargs", "response_format", "cache_prompt", "stream",
                    "stream_options");
            assertThat(fieldNames(map(body, OpenAiFlavor.OPENROUTER))).containsExactly("model", "messages", "tools",
                    "tool_choice", "parallel_tool_calls", "max_tokens", "temperature", "top_p", "top_k", "stop",
                    "reasoning", "response_format", "stream", "stream_options");
        }

        @Test
        void alwaysStreamsWithUsageEvenForNonStreamingRequests() {
            ObjectNode out = map(req("\"stream\":false," + HELLO));
            assertThat(out.get("stream").booleanValue()).isTrue();
            assertThat(out.get("stream_options")).isEqualTo(json("{\"include_usage\":true}"));
        }

        @Test
        void upstreamModelReplacesTheRequestModel() {
            MessagesRequest request = parse(req(HELLO));
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.VLLM,
                    "qwen3-coder", null, null)).get("model").stringValue()).isEqualTo("qwen3-coder");
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(null, null, null, null))
                    .get("model").stringValue()).isEqualTo("claude-test");
        }

        @Test
        void sameRequestMapsToIdenticalBytes() {
            String body = req("""
                    "system":[{"type":"text","text":"sys"}],
                    "thinking":{"type":"enabled","budget_tokens":5000},
                    """ + ONE_TOOL + """
                    ,"messages":[
                      {"role":"user","content":"list"},
                      {"role":"assistant","content":[{"type":"thinking","thinking":"hm","signature":"s"},
                        {"type":"tool_use","id":"toolu_1","name":"Bash",
                         "input":{"z":1,"a":{"y":[1,2,{"k":"v"}],"b":null},"m":"ü \\u2028 \\"q\\""}}]},
                      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ok"}]}]""");
            for (OpenAiFlavor flavor : OpenAiFlavor.values()) {
                byte[] first = Json.bytes(map(body, flavor));
                byte[] second = Json.bytes(map(body, flavor));
                assertThat(second).as(flavor.name()).isEqualTo(first);
            }
        }

        @Test
        void mappingDoesNotModifyTheRequest() {
            MessagesRequest request = parse(req("""
                    "tools":[{"name":"T","input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema",
                      "type":"object"}}],
                    "output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}},
                    """ + HELLO));
            String before = Json.string(request.raw());
            ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.OPENAI, null, null, null));
            assertThat(Json.string(request.raw())).isEqualTo(before);
        }

        @Test
        void anthropicOnlyAndUnknownFieldsAreDropped() {
            ObjectNode out = map(req("""
                    "metadata":{"user_id":"user_abc"},
                    "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
                    "container":"cntr_1","mcp_servers":[{"type":"url","url":"https://x","name":"x"}],
                    "service_tier":"auto","cache_control":{"type":"ephemeral"},
                    "safeguards":[{"type":"dangerous_tool_use","classifier_context":{}}],
                    "some_future_field":{"x":1},"inference_geo":"eu",
                    "system":[{"type":"text","text":"s","cache_control":{"type":"ephemeral","ttl":"1h"}}],
                    "messages":[{"role":"user","content":[{"type":"text","text":"hi",
                      "cache_control":{"type":"ephemeral"}}]}]"""));
            assertThat(fieldNames(out)).containsExactly("model", "messages", "max_tokens", "stream", "stream_options");
            assertThat(Json.string(out)).doesNotContain("cache_control", "user_abc", "metadata", "safeguards");
        }
    }

    @Nested
    class SystemPrompt {
        @Test
        void systemBlocksJoinIntoOneLeadingSystemMessage() {
            ObjectNode out = map(req("""
                    "system":[{"type":"text","text":"You are Claude Code."},{"type":"text","text":"Be careful."}],
                    """ + HELLO));
            assertThat(out.get("messages")).isEqualTo(json("""
                    [{"role":"system","content":"You are Claude Code.\\n\\nBe careful."},
                     {"role":"user","content":"hello"}]"""));
        }

        @Test
        void billingHeaderBlockIsDropped() {
            ObjectNode out = map(req("""
                    "system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=2.1.328.b44; cc_entrypoint=cli;"},
                              {"type":"text","text":"You are Claude Code."}],
                    """ + HELLO));
            assertThat(out.get("messages").get(0)).isEqualTo(json("{\"role\":\"system\",\"content\":\"You are Claude Code.\"}"));
            assertThat(Json.string(out)).doesNotContain("billing");
        }

        @Test
        void noSystemMessageWhenNothingIsLeft() {
            ObjectNode out = map(req("""
                    "system":[{"type":"text","text":"x-anthropic-billing-header: cc_version=1;"}],""" + HELLO));
            assertThat(out.get("messages")).isEqualTo(json("[{\"role\":\"user\",\"content\":\"hello\"}]"));
        }
    }

    @Nested
    class MidConversationSystem {
        @Test
        void midConversationSystemMessageFoldsIntoNextUserTurn() {
            ObjectNode out = map(req("""
                    "messages":[
                      {"role":"user","content":"run ls"},
                      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
                      {"role":"system","content":"Today is Monday."},
                      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"},
                                                {"type":"text","text":"thanks"}]}]"""));
            assertThat(out.get("messages")).isEqualTo(json("""
                    [{"role":"user","content":"run ls"},
                     {"role":"assistant","content":"","tool_calls":[{"id":"toolu_1","type":"function",
                       "function":{"name":"Bash","arguments":"{}"}}]},
                     {"role":"tool","tool_call_id":"toolu_1","content":"a.txt"},
                     {"role":"user","content":[
                       {"type":"text","text":"<system-reminder>\\nToday is Monday.\\n</system-reminder>"},
                       {"type":"text","text":"thanks"}]}]"""));
        }

        @Test
        void trailingSystemMessageIsAppendedToThePreviousUserTurn() {
            ObjectNode out = map(req("""
                    "messages":[
                      {"role":"user","content":"run ls"},
                      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
                      {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"}]},
                      {"role":"system","content":[{"type":"text","text":"Agents: x","cache_control":{"type":"ephemeral"}}]}]"""));
            JsonNode messages = out.get("messages");
            assertThat(messages).hasSize(4);
            assertThat(messages.get(2).get("role").stringValue()).isEqualTo("tool");
            assertThat(messages.get(3)).isEqualTo(json("""
                    {"role":"user","content":"<system-reminder>\\nAgents: x\\n</system-reminder>"}"""));
        }

        /**
         * Claude Code puts a system message right after the first prompt, before the first answer. Folding
         * it into the prompt (not into a later user turn) keeps the history identical between requests.
         */
        @Test
        void systemMessageBeforeAnAssistantTurnStaysWithThePreviousUserTurn() {
            String first = req("""
                    "messages":[{"role":"user","content":"prompt"},{"role":"system","content":"env"}]""");
            String second = req("""
                    "messages":[{"role":"user","content":"prompt"},{"role":"system","content":"env"},
                      {"role":"assistant","content":"ok"},{"role":"user","content":"next"}]""");
            JsonNode expectedFirstTurn = json("""
                    {"role":"user","content":[{"type":"text","text":"prompt"},
                      {"type":"text","text":"<system-reminder>\\nenv\\n</system-reminder>"}]}""");
            assertThat(map(first).get("messages")).containsExactly(expectedFirstTurn);
            assertThat(map(second).get("messages").get(0)).isEqualTo(expectedFirstTurn);
            assertThat(Json.string(map(second).get("messages"))).startsWith(
                    Json.string(map(first).get("messages")).replaceFirst("]$", ""));
        }

        /**
         * The joined system prompt and reminders are made once per session and shared (the body writer then finds
         * their quoted form by instance): the parser hands every request the same text instances, 1 KB and more.
         */
        @Test
        void aSessionsRequestsShareTheirJoinedSystemPromptAndReminders() {
            String rules = "Follow the house rules. ".repeat(60);
            String env = "Working directory: /repo. ".repeat(60);
            String body = req("""
                    "system":[{"type":"text","text":"You are a coding agent."},{"type":"text","text":"%s"}],
                    "messages":[{"role":"user","content":"prompt"},{"role":"system","content":"%s"}]"""
                    .formatted(rules, env));
            ObjectNode first = map(body);
            ObjectNode second = map(body);
            String system = first.at("/messages/0/content").stringValue();
            String reminder = first.at("/messages/1/content/1/text").stringValue();
            assertThat(system).isEqualTo("You are a coding agent.\n\n" + rules);
            assertThat(reminder).isEqualTo("<system-reminder>\n" + env + "\n</system-reminder>");
            assertThat(second.at("/messages/0/content").stringValue()).isSameAs(system);
            assertThat(second.at("/messages/1/content/1/text").stringValue()).isSameAs(reminder);

            // other texts, or the same texts as another kind of join, get strings of their own
            ObjectNode changed = map(body.replace("You are a coding agent.", "You are a careful coding agent."));
            assertThat(changed.at("/messages/0/content").stringValue())
                    .isEqualTo("You are a careful coding agent.\n\n" + rules);
            assertThat(changed.at("/messages/1/content/1/text").stringValue()).isSameAs(reminder);
            assertThat(first.at("/messages/0/content").stringValue()).isSameAs(system);
        }

        /** A join too long to keep is made again for each request, with the same text. */
        @Test
        void aJoinOverTheKeptLengthIsMadeEachTime() {
            String huge = "x".repeat(MessageMapper.JOINED_MAX_CHARS);
            String body = req("""
                    "system":[{"type":"text","text":"Head."},{"type":"text","text":"%s"}],""".formatted(huge) + HELLO);
            String first = map(body).at("/messages/0/content").stringValue();
            String second = map(body).at("/messages/0/content").stringValue();
            assertThat(first).isEqualTo("Head.\n\n" + huge).isEqualTo(second).isNotSameAs(second);
        }

        @Test
        void systemMessageWithoutAdjacentUserTurnBecomesAUserMessage() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},
                                {"role":"system","content":"note"}]"""));
            assertThat(out.get("messages")).isEqualTo(json("""
                    [{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},
                     {"role":"user","content":"<system-reminder>\\nnote\\n</system-reminder>"}]"""));
            assertThat(map(req("\"messages\":[{\"role\":\"system\",\"content\":\"only\"}]")).get("messages"))
                    .isEqualTo(json("[{\"role\":\"user\",\"content\":\"<system-reminder>\\nonly\\n</system-reminder>\"}]"));
        }

        @Test
        void noSystemRoleAppearsAfterTheFirstMessage() {
            ObjectNode out = map(req("""
                    "system":"top",
                    "messages":[{"role":"system","content":"a"},{"role":"user","content":"u"},
                      {"role":"system","content":"b"},{"role":"assistant","content":"x"},{"role":"system","content":"c"}]"""));
            JsonNode messages = out.get("messages");
            for (int i = 1; i < messages.size(); i++) {
                assertThat(messages.get(i).get("role").stringValue()).isNotEqualTo("system");
            }
            assertThat(Json.string(messages)).contains("\\na\\n", "\\nb\\n", "\\nc\\n");
        }
    }

    @Nested
    class UserMessages {
        @Test
        void toolResultsBecomeToolMessagesBeforeTheUserText() {
            ObjectNode out = map(req("""
                    "messages":[
                      {"role":"assistant","content":[{"type":"tool_use","id":"toolu_a","name":"Bash","input":{}},
                                                     {"type":"tool_use","id":"toolu_b","name":"Read","input":{}}]},
                      {"role":"user","content":[{"type":"text","text":"here you go"},
                        {"type":"tool_result","tool_use_id":"toolu_b","content":"B"},
                        {"type":"tool_result","tool_use_id":"toolu_a","content":[{"type":"text","text":"A1"},
                                                                                 {"type":"text","text":"A2"}]}]}]"""));
            JsonNode messages = out.get("messages");
            assertThat(messages.get(1)).isEqualTo(json("{\"role\":\"tool\",\"tool_call_id\":\"toolu_b\",\"content\":\"B\"}"));
            assertThat(messages.get(2)).isEqualTo(json("{\"role\":\"tool\",\"tool_call_id\":\"toolu_a\",\"content\":\"A1\\nA2\"}"));
            assertThat(messages.get(3)).isEqualTo(json("{\"role\":\"user\",\"content\":\"here you go\"}"));
        }

        @Test
        void errorToolResultIsPrefixed() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,
                      "content":"No such file"}]}]"""));
            assertThat(out.get("messages").get(0).get("content").stringValue()).isEqualTo("Error: No such file");
        }

        @Test
        void emptyToolResultSaysNoOutput() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1"},
                      {"type":"tool_result","tool_use_id":"t2","content":[]},
                      {"type":"tool_result","tool_use_id":"t3","content":""}]}]"""));
            for (JsonNode message : out.get("messages")) {
                assertThat(message.get("content").stringValue()).isEqualTo("(no output)");
            }
        }

        @Test
        void toolReferenceSaysTheToolIsLoaded() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                      {"type":"tool_reference","tool_name":"CronList"},{"type":"tool_reference","tool_name":"NotebookEdit"}]}]}]"""));
            assertThat(out.get("messages").get(0).get("content").stringValue()).isEqualTo(
                    "Tool CronList loaded: it is now available to call.\n"
                            + "Tool NotebookEdit loaded: it is now available to call.");
        }

        @Test
        void toolResultImagesMoveToFollowingUserMessage() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[
                      {"type":"tool_result","tool_use_id":"toolu_01B","content":[{"type":"text","text":"# Demo"},
                        {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBOR"}}]},
                      {"type":"tool_result","tool_use_id":"toolu_01C","content":[
                        {"type":"image","source":{"type":"url","url":"https://x/y.png"}}]},
                      {"type":"text","text":"look"}]}]"""));
            assertThat(out.get("messages")).isEqualTo(json("""
                    [{"role":"tool","tool_call_id":"toolu_01B","content":"# Demo"},
                     {"role":"tool","tool_call_id":"toolu_01C","content":"(the output follows in the next user message)"},
                     {"role":"user","content":[
                       {"type":"text","text":"[image from tool result toolu_01B]"},
                       {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBOR"}},
                       {"type":"text","text":"[image from tool result toolu_01C]"},
                       {"type":"image_url","image_url":{"url":"https://x/y.png"}},
                       {"type":"text","text":"look"}]}]"""));
        }

        @Test
        void encodedToolIdsGoBackUpstreamInTheirOriginalForm() {
            String encoded = ToolIds.toAnthropic("functions.get_weather:0");
            ObjectNode out = map(req("""
                    "messages":[
                      {"role":"assistant","content":[{"type":"tool_use","id":"%s","name":"get_weather","input":{}}]},
                      {"role":"user","content":[{"type":"tool_result","tool_use_id":"%s","content":"sunny"}]}]"""
                    .formatted(encoded, encoded)));
            JsonNode messages = out.get("messages");
            assertThat(messages.get(0).get("tool_calls").get(0).get("id").stringValue()).isEqualTo("functions.get_weather:0");
            assertThat(messages.get(1).get("tool_call_id").stringValue()).isEqualTo("functions.get_weather:0");
        }

        @Test
        void singleTextUserMessageIsAPlainString() {
            ObjectNode out = map(req("\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]"));
            assertThat(out.get("messages").get(0).get("content").isString()).isTrue();
        }

        @Test
        void mixedUserContentKeepsItsParts() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},
                      {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"/9j/"}},
                      {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]}]"""));
            assertThat(out.get("messages").get(0).get("content")).isEqualTo(json("""
                    [{"type":"text","text":"what is this?"},
                     {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/"}},
                     {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]"""));
        }

        @Test
        void imageFileSourceIsRejectedNamingTheField() {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                      {"role":"user","content":[{"type":"text","text":"see"},
                        {"type":"image","source":{"type":"file","file_id":"file_011C"}}]}]"""), OpenAiFlavor.OPENAI);
            assertThat(e.getMessage()).startsWith("messages.2.content.1.source: file ids cannot be resolved");
        }

        @Test
        void imageFileSourceInsideToolResultIsRejectedNamingTheField() {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[
                      {"type":"image","source":{"type":"file","file_id":"file_1"}}]}]}]"""), OpenAiFlavor.GENERIC);
            assertThat(e.getMessage()).startsWith("messages.0.content.0.content.0.source: file ids");
        }

        @Test
        void textDocumentBecomesATitledTextPart() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[
                      {"type":"document","title":"Spec","source":{"type":"text","media_type":"text/plain","data":"Body."}},
                      {"type":"document","source":{"type":"text","media_type":"text/plain","data":"Untitled."}}]}]"""));
            assertThat(out.get("messages").get(0).get("content")).isEqualTo(json("""
                    [{"type":"text","text":"Spec\\n\\nBody."},{"type":"text","text":"Untitled."}]"""));
        }

        @Test
        void contentDocumentBecomesTextAndImageParts() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"document","source":{"type":"content","content":[
                      {"type":"text","text":"chunk 1"},{"type":"text","text":"chunk 2"},
                      {"type":"image","source":{"type":"base64","media_type":"image/gif","data":"R0lG"}}]}}]}]"""));
            assertThat(out.get("messages").get(0).get("content")).isEqualTo(json("""
                    [{"type":"text","text":"chunk 1\\nchunk 2"},
                     {"type":"image_url","image_url":{"url":"data:image/gif;base64,R0lG"}}]"""));
        }

        @Test
        void contentDocumentImageByFileIdIsRejectedNamingTheField() {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":[{"type":"document","source":{"type":"content","content":[
                      {"type":"text","text":"a"},{"type":"image","source":{"type":"file","file_id":"f"}}]}}]}]"""),
                    OpenAiFlavor.GENERIC);
            assertThat(e.getMessage()).startsWith("messages.0.content.0.source.content.1.source: file ids");
        }

        @ParameterizedTest
        @EnumSource(value = OpenAiFlavor.class, names = {"OPENAI", "OPENROUTER"})
        void pdfDocumentBecomesAFilePartForHostedBackends(OpenAiFlavor flavor) {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"text","text":"summarise"},
                      {"type":"document","title":"Spec","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}}]}]"""),
                    flavor);
            assertThat(out.get("messages").get(0).get("content").get(1)).isEqualTo(json("""
                    {"type":"file","file":{"filename":"Spec.pdf","file_data":"data:application/pdf;base64,JVBERi0x"}}"""));
        }

        @ParameterizedTest
        @EnumSource(value = OpenAiFlavor.class, names = {"OPENAI", "OPENROUTER"}, mode = EnumSource.Mode.EXCLUDE)
        void pdfDocumentIsRejectedForOtherBackends(OpenAiFlavor flavor) {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":[{"type":"text","text":"summarise"},
                      {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0x"}}]}]"""),
                    flavor);
            assertThat(e.getMessage()).startsWith("messages.0.content.1.source: a PDF document cannot be sent");
        }

        @Test
        void pdfInsideToolResultMovesToTheFollowingUserMessage() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                      {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBE"}}]}]}]"""),
                    OpenAiFlavor.OPENROUTER);
            assertThat(out.get("messages").get(1)).isEqualTo(json("""
                    {"role":"user","content":[{"type":"text","text":"[document from tool result t1]"},
                      {"type":"file","file":{"filename":"document.pdf","file_data":"data:application/pdf;base64,JVBE"}}]}"""));
        }

        @Test
        void searchResultBecomesText() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"search_result","source":"https://kb/1","title":"KB 1",
                      "content":[{"type":"text","text":"first"},{"type":"text","text":"second"}],"citations":{"enabled":true}}]}]"""));
            assertThat(out.get("messages").get(0).get("content").stringValue())
                    .isEqualTo("Search result: KB 1\nSource: https://kb/1\nfirst\nsecond");
        }

        @Test
        void userMessageWithOnlyToolResultsAddsNoUserMessage() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"x"},
                      {"type":"text","text":""}]}]"""));
            assertThat(out.get("messages")).hasSize(1);
            assertThat(out.get("messages").get(0).get("role").stringValue()).isEqualTo("tool");
        }

        @Test
        void consecutiveUserMessagesAreMerged() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":"one"},{"role":"user","content":[]},
                      {"role":"user","content":[{"type":"text","text":"two"}]}]"""));
            assertThat(out.get("messages")).isEqualTo(json("""
                    [{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]}]"""));
        }

        @Test
        void toolMessagesAreNeverMerged() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"a"}]},
                      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2","content":"b"}]}]"""));
            assertThat(out.get("messages")).hasSize(2);
        }

        @Test
        void assistantOnlyBlocksInAUserMessageAreRejected() {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":[{"type":"tool_use","id":"x","name":"n","input":{}}]}]"""),
                    OpenAiFlavor.GENERIC);
            assertThat(e.getMessage()).isEqualTo("messages.0.content.0.type: block type 'tool_use' is not allowed in a user message");
        }
    }

    @Nested
    class AssistantMessages {
        static final String TOOL_ONLY_TURN = req("""
                "messages":[{"role":"user","content":"go"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]}]""");

        @Test
        void textBlocksAreConcatenated() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":"hi"},
                      {"role":"assistant","content":[{"type":"text","text":"Hel"},{"type":"text","text":"lo."}]}]"""));
            assertThat(out.get("messages").get(1)).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"Hello.\"}"));
        }

        @Test
        void toolUseBecomesAToolCallWithCompactArgumentsInInputOrder() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":"go"},
                      {"role":"assistant","content":[{"type":"text","text":"Let me look."},
                        {"type":"tool_use","id":"toolu_1","name":"Edit",
                         "input":{ "replace_all" : false, "file_path":"/a.txt",
                                   "edits":[ {"old":"x", "new":"y"} ], "n": 2.5 }}]}]"""));
            assertThat(out.get("messages").get(1)).isEqualTo(json("""
                    {"role":"assistant","content":"Let me look.","tool_calls":[{"id":"toolu_1","type":"function",
                      "function":{"name":"Edit",
                        "arguments":"{\\"replace_all\\":false,\\"file_path\\":\\"/a.txt\\",\\"edits\\":[{\\"old\\":\\"x\\",\\"new\\":\\"y\\"}],\\"n\\":2.5}"}}]}"""));
        }

        @ParameterizedTest
        @EnumSource(value = OpenAiFlavor.class, names = {"OPENAI", "OPENROUTER"}, mode = EnumSource.Mode.EXCLUDE)
        void toolCallOnlyTurnHasEmptyStringContentForLocalBackends(OpenAiFlavor flavor) {
            JsonNode content = map(TOOL_ONLY_TURN, flavor).get("messages").get(1).get("content");
            assertThat(content.isString()).isTrue();
            assertThat(content.stringValue()).isEmpty();
        }

        @ParameterizedTest
        @EnumSource(value = OpenAiFlavor.class, names = {"OPENAI", "OPENROUTER"})
        void toolCallOnlyTurnHasNullContentForHostedBackends(OpenAiFlavor flavor) {
            JsonNode message = map(TOOL_ONLY_TURN, flavor).get("messages").get(1);
            assertThat(message.has("content")).isTrue();
            assertThat(message.get("content").isNull()).isTrue();
        }

        static final String THINKING_TURN = req("""
                "messages":[{"role":"user","content":"q"},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"step 1. ","signature":"sig"},
                    {"type":"redacted_thinking","data":"EmwKAhgB"},
                    {"type":"text","text":"answer"},
                    {"type":"thinking","thinking":"step 2.","signature":""}]}]""");

        @ParameterizedTest
        @CsvSource({"GENERIC,reasoning_content", "VLLM,reasoning_content", "LLAMACPP,reasoning_content",
                "LMSTUDIO,reasoning_content", "MLX,reasoning_content", "OPENROUTER,reasoning", "OLLAMA,reasoning"})
        void thinkingGoesToTheFlavorsReasoningField(OpenAiFlavor flavor, String field) {
            JsonNode message = map(THINKING_TURN, flavor).get("messages").get(1);
            assertThat(fieldNames(message)).containsExactly("role", "content", field);
            assertThat(message.get(field).stringValue()).isEqualTo("step 1. step 2.");
            assertThat(message.get("content").stringValue()).isEqualTo("answer");
        }

        @Test
        void thinkingIsDroppedForOpenAi() {
            JsonNode message = map(THINKING_TURN, OpenAiFlavor.OPENAI).get("messages").get(1);
            assertThat(message).isEqualTo(json("{\"role\":\"assistant\",\"content\":\"answer\"}"));
        }

        @Test
        void redactedThinkingIsDropped() {
            String out = Json.string(map(THINKING_TURN, OpenAiFlavor.OPENROUTER));
            assertThat(out).doesNotContain("EmwKAhgB", "sig\"", "redacted");
        }

        @Test
        void serverToolBlocksBecomeShortText() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":"who?"},
                      {"role":"assistant","content":[{"type":"text","text":"Searching."},
                        {"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"shannon"}},
                        {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[
                          {"type":"web_search_result","url":"https://en.wikipedia.org/wiki/Claude_Shannon",
                           "title":"Claude Shannon","encrypted_content":"EqgfCioIARgB","page_age":"April 30, 2025"}]},
                        {"type":"web_search_tool_result","tool_use_id":"srvtoolu_2",
                          "content":{"type":"web_search_tool_result_error","error_code":"max_uses_exceeded"}},
                        {"type":"text","text":"He was born in 1916."}]}]"""));
            assertThat(out.get("messages").get(1).get("content").stringValue()).isEqualTo("""
                    Searching.
                    [web_search call: {"query":"shannon"}]
                    [web_search_tool_result: Claude Shannon <https://en.wikipedia.org/wiki/Claude_Shannon>]
                    [web_search_tool_result: error max_uses_exceeded]
                    He was born in 1916.""");
            assertThat(Json.string(out)).doesNotContain("EqgfCioIARgB");
        }

        @Test
        void unknownBlockTypeIsRejectedNamingTheField() {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                      {"role":"user","content":"c"},
                      {"role":"assistant","content":[{"type":"text","text":"x"},{"type":"foo","data":1}]}]"""),
                    OpenAiFlavor.GENERIC);
            assertThat(e.getMessage()).isEqualTo(
                    "messages.3.content.1.type: block type 'foo' cannot be sent to an OpenAI-compatible backend");
        }

        @Test
        void unknownBlockInsideAToolResultIsRejectedNamingTheField() {
            ApiException e = rejection(req("""
                    "messages":[{"role":"user","content":[{"type":"text","text":"x"},
                      {"type":"tool_result","tool_use_id":"t","content":[{"type":"text","text":"ok"},{"type":"hologram"}]}]}]"""),
                    OpenAiFlavor.GENERIC);
            assertThat(e.getMessage()).isEqualTo(
                    "messages.0.content.1.content.1.type: block type 'hologram' cannot be sent to an OpenAI-compatible backend");
        }

        @Test
        void consecutiveAssistantMessagesAreMerged() {
            ObjectNode out = map(req("""
                    "messages":[{"role":"user","content":"q"},{"role":"assistant","content":"Hel"},
                      {"role":"assistant","content":[{"type":"text","text":"lo"},
                        {"type":"tool_use","id":"t","name":"Bash","input":{}}]}]"""));
            assertThat(out.get("messages")).hasSize(2);
            assertThat(out.get("messages").get(1).get("content").stringValue()).isEqualTo("Hello");
            assertThat(out.get("messages").get(1).get("tool_calls")).hasSize(1);
        }
    }

    @Nested
    class Tools {
        @Test
        void customToolsBecomeFunctionsWithoutTheSchemaUri() {
            ObjectNode out = map(req("""
                    "tools":[
                      {"name":"Read","description":"Reads a file","cache_control":{"type":"ephemeral"},
                       "input_examples":[{"file_path":"/x"}],"strict":true,"type":"custom",
                       "input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                         "properties":{"file_path":{"type":"string"}},"required":["file_path"],"additionalProperties":false}},
                      {"name":"Nop","input_schema":{"type":"object","properties":{}}}],
                    """ + HELLO));
            assertThat(out.get("tools")).isEqualTo(json("""
                    [{"type":"function","function":{"name":"Read","description":"Reads a file",
                       "parameters":{"type":"object","properties":{"file_path":{"type":"string"}},
                         "required":["file_path"],"additionalProperties":false}}},
                     {"type":"function","function":{"name":"Nop","parameters":{"type":"object","properties":{}}}}]"""));
        }

        @Test
        void aSessionsRequestsShareTheirToolEntriesAndAChangedToolGetsItsOwn() {
            // a tool list of 1 KB and more, as Claude Code's are: the parser shares such values between requests
            String tools = """
                    "tools":[{"name":"Read","description":"Reads a file","input_schema":{"type":"object",
                      "properties":{"file_path":{"type":"string","description":"%s"}}}}],"""
                    .formatted("The absolute path of the file. ".repeat(40));
            // two turns of a session: the same tools, a longer history (parsed apart, as the gateway does)
            ObjectNode first = map(req(tools + HELLO));
            ObjectNode second = map(req(tools + """
                    "messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"},
                      {"role":"user","content":"more"}]"""));
            assertThat(second.get("tools").get(0)).isSameAs(first.get("tools").get(0));
            assertThat(Json.bytes(second.get("tools"))).isEqualTo(Json.bytes(first.get("tools").deepCopy()));

            ObjectNode changed = map(req(tools.replace("Reads a file", "Reads a file or a directory") + HELLO));
            assertThat(changed.get("tools").get(0)).isNotSameAs(first.get("tools").get(0));
            assertThat(changed.at("/tools/0/function/description").stringValue()).isEqualTo("Reads a file or a directory");
            assertThat(first.at("/tools/0/function/description").stringValue()).isEqualTo("Reads a file");
        }

        static final String DEFERRED_TOOLS = """
                "tools":[
                  {"name":"Agent","input_schema":{"type":"object"}},
                  {"name":"CronList","input_schema":{"type":"object"},"defer_loading":true},
                  {"name":"Edit","input_schema":{"type":"object"}},
                  {"name":"NotebookEdit","input_schema":{"type":"object"},"defer_loading":true},
                  {"name":"DeferredToolPlaceholder","input_schema":{"type":"object"},"defer_loading":true},
                  {"name":"Write","input_schema":{"type":"object"}}]""";

        static List<String> toolNames(ObjectNode out) {
            List<String> names = new ArrayList<>();
            out.get("tools").forEach(tool -> names.add(tool.get("function").get("name").stringValue()));
            return names;
        }

        @Test
        void deferredToolIsSentOnlyAfterToolReference() {
            ObjectNode before = map(req(DEFERRED_TOOLS + "," + HELLO));
            assertThat(toolNames(before)).containsExactly("Agent", "Edit", "Write");

            ObjectNode after = map(req(DEFERRED_TOOLS + """
                    ,"messages":[{"role":"user","content":"find cron"},
                      {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"ToolSearch",
                        "input":{"query":"select:NotebookEdit,CronList"}}]},
                      {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                        {"type":"tool_reference","tool_name":"NotebookEdit"},{"type":"tool_reference","tool_name":"CronList"}]},
                        {"type":"text","text":"Tool loaded."}]}]"""));
            // Loaded tools go after the eager ones, in the order the history references them, so the tool
            // prefix stays put.
            assertThat(toolNames(after)).containsExactly("Agent", "Edit", "Write", "NotebookEdit", "CronList");
        }

        @Test
        void serverToolsAreDroppedWithAToolChoiceNamingThem() {
            ObjectNode out = map(req("""
                    "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":8},
                             {"name":"Bash","input_schema":{"type":"object"}}],
                    "tool_choice":{"type":"tool","name":"web_search"},""" + HELLO));
            assertThat(toolNames(out)).containsExactly("Bash");
            assertThat(out.has("tool_choice")).isFalse();
            assertThat(out.get("parallel_tool_calls").booleanValue()).isTrue();
        }

        @Test
        void noToolLeftMeansNoToolsToolChoiceOrParallelFlag() {
            ObjectNode out = map(req("""
                    "tools":[{"type":"web_search_20250305","name":"web_search","max_uses":8}],
                    "tool_choice":{"type":"auto","disable_parallel_tool_use":true},""" + HELLO));
            assertThat(out.has("tools")).isFalse();
            assertThat(out.has("tool_choice")).isFalse();
            assertThat(out.has("parallel_tool_calls")).isFalse();
            assertThat(map(req("\"tools\":[]," + HELLO)).has("tools")).isFalse();
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
                "{\"type\":\"auto\"}|\"auto\"",
                "{\"type\":\"any\"}|\"required\"",
                "{\"type\":\"none\"}|\"none\"",
                "{\"type\":\"tool\",\"name\":\"Bash\"}|{\"type\":\"function\",\"function\":{\"name\":\"Bash\"}}"})
        void toolChoiceIsTranslated(String anthropic, String openai) {
            ObjectNode out = map(req(ONE_TOOL + ",\"tool_choice\":" + anthropic + "," + HELLO));
            assertThat(out.get("tool_choice")).isEqualTo(json(openai));
        }

        @Test
        void parallelToolCallsFollowsDisableParallelToolUse() {
            assertThat(map(req(ONE_TOOL + "," + HELLO)).get("parallel_tool_calls").booleanValue()).isTrue();
            assertThat(map(req(ONE_TOOL + ",\"tool_choice\":{\"type\":\"any\",\"disable_parallel_tool_use\":true},"
                    + HELLO)).get("parallel_tool_calls").booleanValue()).isFalse();
        }

        @Test
        void ollamaGetsNoToolChoice() {
            ObjectNode out = map(req(ONE_TOOL + ",\"tool_choice\":{\"type\":\"any\"}," + HELLO), OpenAiFlavor.OLLAMA);
            assertThat(out.has("tools")).isTrue();
            assertThat(out.has("tool_choice")).isFalse();
            assertThat(out.get("parallel_tool_calls").booleanValue()).isTrue();
        }

        @Test
        void ollamaToolChoiceNoneRemovesTheTools() {
            ObjectNode out = map(req(ONE_TOOL + ",\"tool_choice\":{\"type\":\"none\"}," + HELLO), OpenAiFlavor.OLLAMA);
            assertThat(fieldNames(out)).doesNotContain("tools", "tool_choice", "parallel_tool_calls");
        }
    }

    @Nested
    class Limits {
        @Test
        void maxTokensIsCappedByTheOption() {
            MessagesRequest request = parse(req(HELLO));
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.VLLM, null, 512, null))
                    .get("max_tokens").intValue()).isEqualTo(512);
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.VLLM, null, 4096, null))
                    .get("max_tokens").intValue()).isEqualTo(1000);
        }

        @Test
        void openAiUsesMaxCompletionTokens() {
            ObjectNode out = map(req(HELLO), OpenAiFlavor.OPENAI);
            assertThat(out.get("max_completion_tokens").intValue()).isEqualTo(1000);
            assertThat(out.has("max_tokens")).isFalse();
        }

        @Test
        void requestWithoutMaxTokensUsesTheCap() {
            MessagesRequest request = RequestParser.parseCountTokens(
                    "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}".getBytes(StandardCharsets.UTF_8));
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.VLLM, null, 64, null))
                    .get("max_tokens").intValue()).isEqualTo(64);
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.VLLM, null, null, null))
                    .has("max_tokens")).isFalse();
        }

        @Test
        void temperatureAndTopPPassThrough() {
            ObjectNode out = map(req("\"temperature\":0.2,\"top_p\":0.95," + HELLO), OpenAiFlavor.OPENAI);
            assertThat(out.get("temperature").doubleValue()).isEqualTo(0.2);
            assertThat(out.get("top_p").doubleValue()).isEqualTo(0.95);
        }

        @ParameterizedTest
        @CsvSource({"VLLM,true", "LLAMACPP,true", "LMSTUDIO,true", "MLX,true", "OPENROUTER,true", "GENERIC,true",
                "OPENAI,false", "OLLAMA,false"})
        void topKIsSentOnlyWhereAccepted(OpenAiFlavor flavor, boolean sent) {
            ObjectNode out = map(req("\"top_k\":20," + HELLO), flavor);
            assertThat(out.has("top_k")).isEqualTo(sent);
            if (sent) {
                assertThat(out.get("top_k").intValue()).isEqualTo(20);
            }
        }

        @Test
        void stopSequencesBecomeStop() {
            String body = req("\"stop_sequences\":[\"a\",\"b\",\"c\",\"d\",\"e\"]," + HELLO);
            assertThat(map(body, OpenAiFlavor.VLLM).get("stop")).isEqualTo(json("[\"a\",\"b\",\"c\",\"d\",\"e\"]"));
            assertThat(map(body, OpenAiFlavor.OPENAI).get("stop")).isEqualTo(json("[\"a\",\"b\",\"c\",\"d\"]"));
            assertThat(map(req("\"stop_sequences\":[]," + HELLO)).has("stop")).isFalse();
        }
    }

    @Nested
    class Reasoning {
        static String thinking(String thinking, String effort) {
            return req((thinking == null ? "" : "\"thinking\":" + thinking + ",")
                    + (effort == null ? "" : "\"output_config\":{\"effort\":\"" + effort + "\"},") + HELLO);
        }

        static final String ADAPTIVE = "{\"type\":\"adaptive\",\"display\":\"omitted\"}";

        static JsonNode reasoningFields(String body, OpenAiFlavor flavor) {
            ObjectNode out = map(body, flavor);
            ObjectNode fields = Json.object();
            for (String name : List.of("reasoning", "reasoning_effort", "chat_template_kwargs", "include_reasoning")) {
                if (out.has(name)) {
                    fields.set(name, out.get(name));
                }
            }
            return fields;
        }

        @Test
        void openRouterGetsReasoningEffort() {
            assertThat(reasoningFields(thinking(ADAPTIVE, "medium"), OpenAiFlavor.OPENROUTER))
                    .isEqualTo(json("{\"reasoning\":{\"effort\":\"medium\"}}"));
            assertThat(reasoningFields(thinking(ADAPTIVE, "max"), OpenAiFlavor.OPENROUTER))
                    .isEqualTo(json("{\"reasoning\":{\"effort\":\"max\"}}"));
        }

        @Test
        void openRouterGetsTheBudgetOfEnabledThinking() {
            assertThat(reasoningFields(thinking("{\"type\":\"enabled\",\"budget_tokens\":31999}", null),
                    OpenAiFlavor.OPENROUTER)).isEqualTo(json("{\"reasoning\":{\"max_tokens\":31999}}"));
        }

        @ParameterizedTest
        @CsvSource({"1024,low", "4095,low", "4096,medium", "16383,medium", "16384,high", "31999,high"})
        void thinkingBudgetMapsToAnEffortLevel(int budget, String effort) {
            assertThat(reasoningFields(thinking("{\"type\":\"enabled\",\"budget_tokens\":" + budget + "}", null),
                    OpenAiFlavor.GENERIC)).isEqualTo(json("{\"reasoning_effort\":\"" + effort + "\"}"));
        }

        @Test
        void effortDefaultsToHighWhenThinkingIsOnWithoutOne() {
            assertThat(reasoningFields(thinking(ADAPTIVE, null), OpenAiFlavor.LMSTUDIO))
                    .isEqualTo(json("{\"reasoning_effort\":\"high\"}"));
        }

        @Test
        void explicitEffortWinsOverTheBudget() {
            assertThat(reasoningFields(thinking("{\"type\":\"enabled\",\"budget_tokens\":2000}", "high"),
                    OpenAiFlavor.GENERIC)).isEqualTo(json("{\"reasoning_effort\":\"high\"}"));
        }

        @ParameterizedTest
        @EnumSource(value = OpenAiFlavor.class, names = {"VLLM", "LLAMACPP", "LMSTUDIO", "GENERIC"})
        void xhighAndMaxAreClampedToHighForLocalBackends(OpenAiFlavor flavor) {
            assertThat(map(thinking(ADAPTIVE, "xhigh"), flavor).get("reasoning_effort").stringValue()).isEqualTo("high");
            assertThat(map(thinking(ADAPTIVE, "max"), flavor).get("reasoning_effort").stringValue()).isEqualTo("high");
            assertThat(map(thinking(ADAPTIVE, "low"), flavor).get("reasoning_effort").stringValue()).isEqualTo("low");
        }

        @Test
        void openAiAcceptsXhighAndGetsXhighForMax() {
            assertThat(reasoningFields(thinking(ADAPTIVE, "xhigh"), OpenAiFlavor.OPENAI))
                    .isEqualTo(json("{\"reasoning_effort\":\"xhigh\"}"));
            assertThat(reasoningFields(thinking(ADAPTIVE, "max"), OpenAiFlavor.OPENAI))
                    .isEqualTo(json("{\"reasoning_effort\":\"xhigh\"}"));
        }

        @Test
        void ollamaGetsMaxForXhigh() {
            assertThat(reasoningFields(thinking(ADAPTIVE, "xhigh"), OpenAiFlavor.OLLAMA))
                    .isEqualTo(json("{\"reasoning_effort\":\"max\"}"));
            assertThat(reasoningFields(thinking(ADAPTIVE, "medium"), OpenAiFlavor.OLLAMA))
                    .isEqualTo(json("{\"reasoning_effort\":\"medium\"}"));
        }

        @Test
        void templateBackendsSwitchThinkingOnThroughKwargs() {
            assertThat(reasoningFields(thinking(ADAPTIVE, "low"), OpenAiFlavor.VLLM)).isEqualTo(json("""
                    {"reasoning_effort":"low","chat_template_kwargs":{"enable_thinking":true},"include_reasoning":true}"""));
            assertThat(reasoningFields(thinking(ADAPTIVE, "low"), OpenAiFlavor.LLAMACPP)).isEqualTo(json("""
                    {"reasoning_effort":"low","chat_template_kwargs":{"enable_thinking":true}}"""));
        }

        @Test
        void mlxSendsNoReasoningEffort() {
            assertThat(reasoningFields(thinking(ADAPTIVE, "high"), OpenAiFlavor.MLX))
                    .isEqualTo(json("{\"chat_template_kwargs\":{\"enable_thinking\":true}}"));
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "{\"type\":\"disabled\"}"})
        void thinkingOffIsSaidExplicitlyWhereThinkingIsTheDefault(String thinkingConfig) {
            String body = thinking(thinkingConfig.isEmpty() ? null : thinkingConfig, "medium");
            JsonNode off = json("{\"chat_template_kwargs\":{\"enable_thinking\":false}}");
            assertThat(reasoningFields(body, OpenAiFlavor.VLLM)).isEqualTo(off);
            assertThat(reasoningFields(body, OpenAiFlavor.LLAMACPP)).isEqualTo(off);
            assertThat(reasoningFields(body, OpenAiFlavor.MLX)).isEqualTo(off);
            assertThat(reasoningFields(body, OpenAiFlavor.OLLAMA)).isEqualTo(json("{\"reasoning_effort\":\"none\"}"));
            for (OpenAiFlavor flavor : List.of(OpenAiFlavor.OPENAI, OpenAiFlavor.OPENROUTER, OpenAiFlavor.LMSTUDIO,
                    OpenAiFlavor.GENERIC)) {
                assertThat(reasoningFields(body, flavor)).as(flavor.name()).isEmpty();
            }
        }

        @Test
        void unknownEffortFallsBackToHigh() {
            assertThat(map(thinking(ADAPTIVE, "ludicrous"), OpenAiFlavor.OPENAI).get("reasoning_effort").stringValue())
                    .isEqualTo("high");
        }
    }

    @Nested
    class OutputAndExtras {
        @Test
        void outputFormatBecomesAJsonSchemaResponseFormat() {
            ObjectNode out = map(req("""
                    "output_config":{"format":{"type":"json_schema","schema":{"type":"object",
                      "properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false}}},
                    """ + HELLO));
            assertThat(out.get("response_format")).isEqualTo(json("""
                    {"type":"json_schema","json_schema":{"name":"output","schema":{"type":"object",
                      "properties":{"title":{"type":"string"}},"required":["title"],"additionalProperties":false},
                      "strict":true}}"""));
        }

        @Test
        void betaOutputFormatFieldIsMappedToo() {
            ObjectNode out = map(req("\"output_format\":{\"type\":\"json_schema\",\"schema\":{\"type\":\"object\"}},"
                    + HELLO));
            assertThat(out.get("response_format").get("json_schema").get("schema")).isEqualTo(json("{\"type\":\"object\"}"));
        }

        @Test
        void openRouterGetsTheSessionId() {
            MessagesRequest request = parse(req(HELLO));
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.OPENROUTER, null, null,
                    "0f8e3c1a-session")).get("session_id").stringValue()).isEqualTo("0f8e3c1a-session");
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.OPENROUTER, null, null,
                    null)).has("session_id")).isFalse();
            assertThat(ChatRequestMapper.map(request, new ChatRequestMapper.Options(OpenAiFlavor.LMSTUDIO, null, null,
                    "0f8e3c1a-session")).has("session_id")).isFalse();
        }

        @Test
        void llamaCppGetsCachePrompt() {
            assertThat(map(req(HELLO), OpenAiFlavor.LLAMACPP).get("cache_prompt").booleanValue()).isTrue();
            assertThat(map(req(HELLO), OpenAiFlavor.VLLM).has("cache_prompt")).isFalse();
        }

        @Test
        void vllmIncludesReasoningOnlyWhenThinkingIsOn() {
            assertThat(map(req("\"thinking\":{\"type\":\"adaptive\"}," + HELLO), OpenAiFlavor.VLLM)
                    .get("include_reasoning").booleanValue()).isTrue();
            assertThat(map(req(HELLO), OpenAiFlavor.VLLM).has("include_reasoning")).isFalse();
        }
    }

    /**
     * Real Claude Code request bodies (headers stripped) from {@code src/test/resources/captures}. A
     * missing or empty folder fails the tests: silently mapping nothing would prove nothing.
     */
    @Nested
    class ClaudeCodeCaptures {
        static List<Path> captures() throws Exception {
            URL folder = ChatRequestMapperTest.class.getResource("/captures");
            assertThat(folder).as("test resource folder captures/").isNotNull();
            try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
                List<Path> found = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
                assertThat(found).as("capture files").hasSizeGreaterThanOrEqualTo(5);
                return found;
            }
        }

        static MessagesRequest capture(String prefix) throws Exception {
            Path file = captures().stream().filter(f -> f.getFileName().toString().startsWith(prefix))
                    .findFirst().orElseThrow(() -> new AssertionError("no capture " + prefix));
            return parseCapture(file);
        }

        static MessagesRequest parseCapture(Path file) throws Exception {
            JsonNode capture = Json.parse(Files.readAllBytes(file));
            // Captures are stored either as the recorded request or as its body alone.
            JsonNode body = capture.has("body") ? capture.get("body") : capture;
            // count_tokens captures carry no max_tokens
            return body.has("max_tokens") ? RequestParser.parseMessages(Json.bytes(body))
                    : RequestParser.parseCountTokens(Json.bytes(body));
        }

        static ObjectNode mapCapture(MessagesRequest request, OpenAiFlavor flavor) {
            return ChatRequestMapper.map(request, new ChatRequestMapper.Options(flavor, "upstream-model", 32000,
                    "session-1"));
        }

        @Test
        void capturesArePresent() throws Exception {
            assertThat(captures()).isNotEmpty();
        }

        @ParameterizedTest
        @MethodSource("captures")
        void everyCaptureMapsCleanlyForEveryFlavor(Path file) throws Exception {
            for (OpenAiFlavor flavor : OpenAiFlavor.values()) {
                String what = file.getFileName() + " as " + flavor;
                ObjectNode out = mapCapture(parseCapture(file), flavor);
                String text = Json.string(out);

                assertThat(text.contains("x-anthropic-billing-header")).as(what + ": billing header").isFalse();
                assertThat(text.contains("\"cache_control\":")).as(what + ": cache_control").isFalse();
                assertThat(text.contains("\"$schema\":")).as(what + ": $schema").isFalse();
                assertThat(fieldNames(out)).as(what).doesNotContain("metadata", "context_management", "safeguards",
                        "system", "thinking", "output_config");
                assertThat(out.get("stream").booleanValue()).as(what).isTrue();
                assertThat(!out.has("tools") || !out.get("tools").isEmpty()).as(what + ": no empty tools").isTrue();

                JsonNode messages = out.get("messages");
                assertSystemOnlyFirst(messages, what);
                assertRolesAlternate(messages, what);
                assertEveryToolCallIsAnswered(messages, what);

                byte[] again = Json.bytes(mapCapture(parseCapture(file), flavor));
                assertThat(again).as(what + ": byte-identical on a second mapping").isEqualTo(Json.bytes(out));
            }
        }

        static void assertSystemOnlyFirst(JsonNode messages, String what) {
            for (int i = 1; i < messages.size(); i++) {
                assertThat(messages.get(i).get("role").stringValue()).as(what + " message " + i).isNotEqualTo("system");
            }
        }

        static void assertRolesAlternate(JsonNode messages, String what) {
            for (int i = 1; i < messages.size(); i++) {
                String role = messages.get(i).get("role").stringValue();
                if (!role.equals("tool")) {
                    assertThat(role).as(what + " message " + i).isNotEqualTo(messages.get(i - 1).get("role").stringValue());
                }
            }
        }

        /** Every call has a tool message after it, and every tool message answers an earlier call. */
        static void assertEveryToolCallIsAnswered(JsonNode messages, String what) {
            Set<String> open = new HashSet<>();
            Set<String> called = new HashSet<>();
            for (JsonNode message : messages) {
                if (message.has("tool_calls")) {
                    for (JsonNode call : message.get("tool_calls")) {
                        open.add(call.get("id").stringValue());
                        called.add(call.get("id").stringValue());
                    }
                } else if ("tool".equals(message.get("role").stringValue())) {
                    String id = message.get("tool_call_id").stringValue();
                    assertThat(called).as(what + ": tool message for an earlier call").contains(id);
                    open.remove(id);
                }
            }
            assertThat(open).as(what + ": unanswered tool calls").isEmpty();
        }

        @Test
        void firstRequestFoldsTheEnvironmentIntoThePrompt() throws Exception {
            JsonNode messages = mapCapture(capture("01-"), OpenAiFlavor.VLLM).get("messages");
            assertThat(messages).hasSize(2);
            assertThat(messages.get(0).get("role").stringValue()).isEqualTo("system");
            assertThat(messages.get(0).get("content").stringValue())
                    .doesNotStartWith("x-anthropic").startsWith("You are a Claude agent");
            JsonNode prompt = messages.get(1).get("content");
            assertThat(prompt.get(prompt.size() - 1).get("text").stringValue())
                    .startsWith("<system-reminder>\n").contains("# Environment").endsWith("\n</system-reminder>");
        }

        /** The second request of a session must start with the bytes of the first: prefix caches. */
        @ParameterizedTest
        @EnumSource(OpenAiFlavor.class)
        void followUpRequestExtendsTheFirstRequestsMessages(OpenAiFlavor flavor) throws Exception {
            String first = Json.string(mapCapture(capture("01-"), flavor).get("messages"));
            String second = Json.string(mapCapture(capture("02-"), flavor).get("messages"));
            assertThat(second).startsWith(first.substring(0, first.length() - 1));
        }

        @Test
        void toolSearchCaptureLoadsExactlyTheReferencedDeferredTools() throws Exception {
            ObjectNode out = mapCapture(capture("04-"), OpenAiFlavor.LLAMACPP);
            List<String> names = Tools.toolNames(out);
            assertThat(names).endsWith("CronList", "NotebookEdit").doesNotContain("DeferredToolPlaceholder");
            assertThat(names.subList(0, names.size() - 2)).containsExactly("Agent", "Bash", "Edit", "ListAgents", "Read",
                    "ReportFindings", "ScheduleWakeup", "Skill", "ToolSearch", "Workflow", "Write");
            assertThat(Json.string(out.get("messages"))).contains("Tool CronList loaded");
        }

        @Test
        void subagentCaptureAppendsTheTrailingSystemMessageAfterTheToolResult() throws Exception {
            JsonNode messages = mapCapture(capture("09-"), OpenAiFlavor.GENERIC).get("messages");
            JsonNode last = messages.get(messages.size() - 1);
            assertThat(messages.get(messages.size() - 2).get("role").stringValue()).isEqualTo("tool");
            assertThat(last.get("role").stringValue()).isEqualTo("user");
            assertThat(last.get("content").stringValue()).startsWith("<system-reminder>\nAvailable agent types");
        }

        @Test
        void webSearchCaptureSendsNoTools() throws Exception {
            ObjectNode out = mapCapture(capture("11-"), OpenAiFlavor.OPENROUTER);
            assertThat(fieldNames(out)).doesNotContain("tools", "tool_choice", "parallel_tool_calls");
        }
    }
}
