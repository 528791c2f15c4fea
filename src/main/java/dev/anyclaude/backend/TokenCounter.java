package dev.anyclaude.backend;

import dev.anyclaude.api.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpRequest;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Asks an OpenAI-compatible server for an exact prompt token count where it has a way: vLLM's
 * {@code POST /tokenize} takes chat messages and answers {@code count}; llama.cpp renders the chat with
 * {@code POST /apply-template} and counts with {@code POST /tokenize}. Which one the server speaks is
 * found out on first use and remembered; a server with neither is remembered too, so it is asked once.
 */
final class TokenCounter {
    private static final Logger LOG = LoggerFactory.getLogger(TokenCounter.class);

    private enum Method { UNKNOWN, VLLM, LLAMACPP, NONE }

    private final UpstreamHttp http;
    private final String root;
    private final String backendName;
    private final Consumer<HttpRequest.Builder> authorize;
    private volatile Method method = Method.UNKNOWN;

    TokenCounter(UpstreamHttp http, String root, String backendName, Consumer<HttpRequest.Builder> authorize) {
        this.http = http;
        this.root = root;
        this.backendName = backendName;
        this.authorize = authorize;
    }

    /** @param chat the mapped Chat Completions body (model, messages, tools) */
    OptionalLong count(ObjectNode chat) {
        Method known = method;
        if (known == Method.NONE) {
            return OptionalLong.empty();
        }
        if (known == Method.UNKNOWN || known == Method.VLLM) {
            OptionalLong count = vllm(chat);
            if (count.isPresent()) {
                method = Method.VLLM;
                return count;
            }
        }
        if (known == Method.UNKNOWN || known == Method.LLAMACPP) {
            OptionalLong count = llamaCpp(chat);
            if (count.isPresent()) {
                method = Method.LLAMACPP;
                return count;
            }
        }
        if (known == Method.UNKNOWN) {
            LOG.info("{} offers no tokenizer endpoint; count_tokens uses the local estimate", backendName);
            method = Method.NONE;
        }
        return OptionalLong.empty();
    }

    private OptionalLong vllm(ObjectNode chat) {
        ObjectNode body = Json.object();
        body.set("model", chat.get("model"));
        body.set("messages", chat.get("messages"));
        if (chat.has("tools")) {
            body.set("tools", chat.get("tools"));
        }
        body.put("add_generation_prompt", true);
        JsonNode answer = post("/tokenize", body);
        return answer != null && answer.path("count").isIntegralNumber() && answer.path("count").canConvertToLong()
                ? OptionalLong.of(answer.get("count").asLong()) : OptionalLong.empty();
    }

    private OptionalLong llamaCpp(ObjectNode chat) {
        ObjectNode template = Json.object();
        template.set("messages", chat.get("messages"));
        if (chat.has("tools")) {
            template.set("tools", chat.get("tools"));
        }
        JsonNode rendered = post("/apply-template", template);
        String prompt = rendered == null ? null : Json.text(rendered, "prompt");
        if (prompt == null) {
            return OptionalLong.empty();
        }
        ObjectNode tokenize = Json.object();
        tokenize.put("content", prompt);
        tokenize.put("add_special", true);
        JsonNode tokens = post("/tokenize", tokenize);
        return tokens != null && tokens.path("tokens").isArray()
                ? OptionalLong.of(tokens.get("tokens").size()) : OptionalLong.empty();
    }

    /** POSTs JSON; any failure other than an unreachable server means "this server cannot do it". */
    private JsonNode post(String path, ObjectNode body) {
        HttpRequest.Builder builder = http.request(root + path)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body)));
        authorize.accept(builder);
        return UpstreamHttp.jsonIfOk(http.sendSmall(builder.build(), backendName));
    }
}
