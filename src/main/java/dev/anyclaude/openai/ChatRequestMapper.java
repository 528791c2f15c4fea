package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An Anthropic Messages request as the body of {@code POST {base}/chat/completions}.
 *
 * <p>The body is written field by field in a fixed order from the typed request, never copied from the
 * raw JSON: that is what keeps Anthropic-only fields (metadata, context_management, cache_control,
 * safeguards, and whatever comes next) away from backends that reject unknown input, and what makes
 * the same request produce the same bytes, so backend prefix caches keep hitting.
 */
public final class ChatRequestMapper {

    /**
     * @param flavor             the backend dialect; null means {@link OpenAiFlavor#GENERIC}
     * @param upstreamModel      the backend's model id; null keeps the request's model
     * @param maxOutputTokensCap an upper bound for the output tokens, or null for none
     * @param sessionId          the client session (Claude Code's X-Claude-Code-Session-Id), used for sticky
     *                           routing and cache keys; null falls back to the session in metadata.user_id
     */
    public record Options(OpenAiFlavor flavor, String upstreamModel, Integer maxOutputTokensCap, String sessionId) {
        public Options {
            flavor = flavor == null ? OpenAiFlavor.GENERIC : flavor;
        }
    }

    /**
     * A conservative bound (the reference gives none for the key; 64 is OpenAI's limit on the neighbouring
     * safety_identifier). Claude Code's session ids are 36-character UUIDs, so this only guards odd clients.
     */
    private static final int PROMPT_CACHE_KEY_MAX = 64;
    /** OpenRouter documents session_id up to 256 characters; vLLM gets the same bound. */
    private static final int SESSION_ID_MAX = 256;

    private ChatRequestMapper() {
    }

    /**
     * The Chat Completions body. Always a streaming request: the gateway reads every answer as a stream
     * and assembles non-streaming responses itself.
     *
     * @throws dev.anyclaude.api.ApiException (400 invalid_request_error) for content this backend cannot take
     */
    public static ObjectNode map(MessagesRequest request, Options options) {
        OpenAiFlavor flavor = options.flavor();
        ObjectNode body = Json.object();
        body.put("model", options.upstreamModel() == null ? request.model() : options.upstreamModel());
        body.set("messages", MessageMapper.map(request, flavor));
        writeTools(body, ToolMapper.map(request, flavor));
        writeMaxTokens(body, request.maxTokens(), options.maxOutputTokensCap(), flavor);
        writeSampling(body, request, flavor);
        ReasoningControls.write(body, request, flavor);
        writeResponseFormat(body, request.outputFormat());
        writeFlavorExtras(body, request, options);
        body.put("stream", true);
        body.putObject("stream_options").put("include_usage", true);
        return body;
    }

    private static void writeTools(ObjectNode body, ToolMapper.Result tools) {
        if (tools.tools() == null) {
            return;
        }
        body.set("tools", tools.tools());
        if (tools.toolChoice() != null) {
            body.set("tool_choice", tools.toolChoice());
        }
        // Sent explicitly: llama.cpp's default has been false in some builds and the template's choice in others.
        body.put("parallel_tool_calls", tools.parallelToolCalls().booleanValue());
    }

    private static void writeMaxTokens(ObjectNode body, Integer requested, Integer cap, OpenAiFlavor flavor) {
        Integer max = requested == null ? cap : cap == null ? requested : Integer.valueOf(Math.min(requested, cap));
        if (max != null) {
            // max_tokens 0 is Anthropic's cache pre-warm; OpenAI and vLLM refuse 0, and one token still fills the
            // prompt cache, which is what a pre-warm is for
            body.put(flavor.maxTokensField(), Math.max(1, max.intValue()));
        }
    }

    private static void writeSampling(ObjectNode body, MessagesRequest request, OpenAiFlavor flavor) {
        if (request.temperature() != null) {
            body.put("temperature", request.temperature().doubleValue());
        }
        if (request.topP() != null) {
            body.put("top_p", request.topP().doubleValue());
        }
        if (request.topK() != null && flavor.acceptsTopK()) {
            body.put("top_k", request.topK().intValue());
        }
        List<String> stops = request.stopSequences();
        if (!stops.isEmpty()) {
            ArrayNode stop = body.putArray("stop");
            stops.stream().limit(flavor.maxStopSequences()).forEach(stop::add);
        }
    }

    /** Structured output ({@code output_config.format}), e.g. Claude Code's session-title request. */
    private static void writeResponseFormat(ObjectNode body, JsonNode format) {
        if (format == null || !"json_schema".equals(Json.text(format, "type")) || !format.has("schema")) {
            return;
        }
        ObjectNode responseFormat = body.putObject("response_format");
        responseFormat.put("type", "json_schema");
        ObjectNode jsonSchema = responseFormat.putObject("json_schema");
        jsonSchema.put("name", "output");
        jsonSchema.set("schema", format.get("schema").deepCopy());
        jsonSchema.put("strict", true);
    }

    /**
     * Cache and affinity hints, only where the backend documents them: strict servers (OpenAI) reject
     * fields they do not know, and a generic server could be any of them. All of them go after the
     * messages, so they never disturb the prefix of the body.
     */
    private static void writeFlavorExtras(ObjectNode body, MessagesRequest request, Options options) {
        String session = SessionKey.of(options.sessionId(), request);
        switch (options.flavor()) {
            // Routes the session's requests to the machine that holds its cached prefix.
            case OPENAI -> putIfPresent(body, "prompt_cache_key", session, PROMPT_CACHE_KEY_MAX);
            // Sticky routing: keeps a conversation on the provider that holds its prompt cache.
            case OPENROUTER -> putIfPresent(body, "session_id", session, SESSION_ID_MAX);
            // Default true in current builds; older builds and some forks default to false.
            case LLAMACPP -> body.put("cache_prompt", true);
            case VLLM -> {
                if (ReasoningControls.thinkingOn(request)) {
                    body.put("include_reasoning", true);
                }
                // Sticky routing for prefix-cache affinity behind a router.
                putIfPresent(body, "session_id", session, SESSION_ID_MAX);
            }
            default -> {
            }
        }
    }

    private static void putIfPresent(ObjectNode body, String field, String session, int maxLength) {
        if (session != null) {
            body.put(field, SessionKey.bounded(session, maxLength));
        }
    }
}
