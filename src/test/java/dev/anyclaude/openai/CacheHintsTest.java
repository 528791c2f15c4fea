package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-backend prompt-cache hints and session keys in the upstream body. */
class CacheHintsTest {

    static final String SESSION = "5f1c8a52-0000-4000-8000-000000000001";

    static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]";

    static MessagesRequest request(String extra) {
        String body = "{\"model\":\"claude-test\",\"max_tokens\":1000," + extra + HELLO + "}";
        return RequestParser.parseMessages(body.getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode map(MessagesRequest request, OpenAiFlavor flavor, String headerSession) {
        return ChatRequestMapper.map(request, new ChatRequestMapper.Options(flavor, null, null, headerSession));
    }

    static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>();
        node.propertyNames().forEach(names::add);
        return names;
    }

    @Test
    void openAiGetsThePromptCacheKey() {
        ObjectNode out = map(request(""), OpenAiFlavor.OPENAI, SESSION);
        assertThat(out.get("prompt_cache_key").stringValue()).isEqualTo(SESSION);
        assertThat(out.has("session_id")).isFalse();
        assertThat(out.has("cache_prompt")).isFalse();
    }

    @Test
    void openRouterAndVllmGetTheSessionIdForStickyRouting() {
        for (OpenAiFlavor flavor : List.of(OpenAiFlavor.OPENROUTER, OpenAiFlavor.VLLM)) {
            ObjectNode out = map(request(""), flavor, SESSION);
            assertThat(out.get("session_id").stringValue()).as(flavor.name()).isEqualTo(SESSION);
            assertThat(out.has("prompt_cache_key")).as(flavor.name()).isFalse();
        }
    }

    @Test
    void llamaCppIsToldToReuseItsPromptCache() {
        ObjectNode out = map(request(""), OpenAiFlavor.LLAMACPP, SESSION);
        assertThat(out.get("cache_prompt").booleanValue()).isTrue();
        // Slots are picked by prompt similarity; a session id means nothing to llama-server.
        assertThat(out.has("session_id")).isFalse();
        assertThat(out.has("id_slot")).isFalse();
    }

    /** Servers that document no such field get none: a strict one would reject it. */
    @ParameterizedTest
    @EnumSource(value = OpenAiFlavor.class, names = {"OLLAMA", "LMSTUDIO", "MLX", "GENERIC"})
    void othersGetNoCacheFields(OpenAiFlavor flavor) {
        assertThat(fieldNames(map(request(""), flavor, SESSION)))
                .doesNotContain("session_id", "prompt_cache_key", "cache_prompt", "user", "metadata");
    }

    @Test
    void withoutTheHeaderTheSessionComesFromMetadataUserId() {
        String userId = Json.string(Json.MAPPER.getNodeFactory().stringNode(
                "{\"device_id\":\"d3v1c3\",\"account_uuid\":\"\",\"session_id\":\"" + SESSION + "\"}"));
        MessagesRequest request = request("\"metadata\":{\"user_id\":" + userId + "},");
        assertThat(map(request, OpenAiFlavor.OPENAI, null).get("prompt_cache_key").stringValue()).isEqualTo(SESSION);
        String body = Json.string(map(request, OpenAiFlavor.OPENROUTER, null));
        assertThat(body).contains(SESSION).doesNotContain("d3v1c3");
    }

    /** A user_id too long to be remembered is read each time, with the same result. */
    @Test
    void aLongUserIdStillGivesItsSession() {
        String userId = Json.string(Json.MAPPER.getNodeFactory().stringNode(
                "{\"device_id\":\"" + "d".repeat(2000) + "\",\"session_id\":\"" + SESSION + "\"}"));
        MessagesRequest request = request("\"metadata\":{\"user_id\":" + userId + "},");
        for (int i = 0; i < 2; i++) {
            assertThat(map(request, OpenAiFlavor.OPENAI, null).get("prompt_cache_key").stringValue()).isEqualTo(SESSION);
        }
    }

    @Test
    void olderClaudeCodeUserIdFormIsUnderstood() {
        MessagesRequest request = request("\"metadata\":{\"user_id\":\"user_abc123_account_acc-1_session_" + SESSION
                + "\"},");
        assertThat(map(request, OpenAiFlavor.OPENROUTER, null).get("session_id").stringValue()).isEqualTo(SESSION);
    }

    @Test
    void theHeaderWinsOverMetadata() {
        MessagesRequest request = request("\"metadata\":{\"user_id\":\"user_x_account_y_session_other\"},");
        assertThat(map(request, OpenAiFlavor.OPENAI, SESSION).get("prompt_cache_key").stringValue()).isEqualTo(SESSION);
    }

    @Test
    void noSessionNoKey() {
        for (String metadata : List.of("", "\"metadata\":{},", "\"metadata\":{\"user_id\":\"someone\"},",
                "\"metadata\":{\"user_id\":\"{not json\"},")) {
            assertThat(map(request(metadata), OpenAiFlavor.OPENAI, null).has("prompt_cache_key")).as(metadata).isFalse();
            assertThat(map(request(metadata), OpenAiFlavor.OPENROUTER, null).has("session_id")).as(metadata).isFalse();
        }
    }

    @Test
    void overlongKeysAreHashedToAStableKeyWithinTheLimit() {
        String longId = "s".repeat(300);
        String key = map(request(""), OpenAiFlavor.OPENAI, longId).get("prompt_cache_key").stringValue();
        assertThat(key).hasSize(64).matches("[0-9a-f]+")
                .isEqualTo(map(request(""), OpenAiFlavor.OPENAI, longId).get("prompt_cache_key").stringValue());
        assertThat(map(request(""), OpenAiFlavor.OPENROUTER, longId).get("session_id").stringValue()).hasSize(64);
        assertThat(map(request(""), OpenAiFlavor.OPENROUTER, "s".repeat(256)).get("session_id").stringValue())
                .hasSize(256);
    }

    /** Whatever varies per request or per session is written after the messages, never before them. */
    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void hintsComeAfterTheMessages(OpenAiFlavor flavor) {
        List<String> names = fieldNames(map(request(""), flavor, SESSION));
        assertThat(names.subList(0, 2)).containsExactly("model", "messages");
    }
}
