package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.node.ObjectNode;

/** Error bodies in the formats real upstreams send them. */
public final class ErrorBodies {

    private ErrorBodies() {
    }

    /** OpenAI's {@code {"error":{"message","type","param","code"}}}. */
    public static String openAi(String message, String type, String code) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("message", message);
        error.put("type", type);
        error.putNull("param");
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return Json.string(body);
    }

    /** OpenAI's context overflow, with {@code code: context_length_exceeded}. */
    public static String openAiContextLength(int maximum, int prompt) {
        return openAi("This model's maximum context length is " + maximum + " tokens. However, your messages resulted in "
                + prompt + " tokens. Please reduce the length of the messages.", "invalid_request_error",
                "context_length_exceeded");
    }

    /** vLLM's context overflow ({@code BadRequestError}, integer code). */
    public static String vllmContextLength(int maximum, int messageTokens, int completionTokens) {
        ObjectNode body = Json.object();
        ObjectNode error = body.putObject("error");
        error.put("message", "This model's maximum context length is " + maximum + " tokens. However, you requested "
                + (messageTokens + completionTokens) + " tokens (" + messageTokens + " in the messages, "
                + completionTokens + " in the completion). Please reduce the length of the messages or completion.");
        error.put("type", "BadRequestError");
        error.putNull("param");
        error.put("code", 400);
        return Json.string(body);
    }

    /** The bare text some servers (and proxies in front of them) send instead of JSON. */
    public static String vllmContextLengthText(int maximum, int messageTokens, int completionTokens) {
        return "This model's maximum context length is " + maximum + " tokens. However, you requested "
                + (messageTokens + completionTokens) + " tokens (" + messageTokens + " in the messages, "
                + completionTokens + " in the completion). Please reduce the length of the messages or completion.";
    }

    /** Anthropic's {@code {"type":"error","error":{"type","message"},"request_id"}}. */
    public static String anthropic(String type, String message) {
        ObjectNode body = anthropicJson(type, message);
        body.put("request_id", "req_fake_error");
        return Json.string(body);
    }

    static ObjectNode anthropicJson(String type, String message) {
        ObjectNode body = Json.object();
        body.put("type", "error");
        ObjectNode error = body.putObject("error");
        error.put("type", type);
        error.put("message", message);
        return body;
    }
}
