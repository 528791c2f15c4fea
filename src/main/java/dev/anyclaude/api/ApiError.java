package dev.anyclaude.api;

import tools.jackson.databind.node.ObjectNode;

import java.util.Map;

/**
 * An Anthropic-format error: the HTTP status it is sent with before a stream is committed, the
 * {@code error.type}, the message and any response headers that must travel with it (Retry-After).
 */
public record ApiError(int status, String type, String message, Map<String, String> headers) {

    public ApiError {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiError(int status, String type, String message) {
        this(status, type, message, Map.of());
    }

    public static ApiError invalidRequest(String message) {
        return new ApiError(400, "invalid_request_error", message);
    }

    public static ApiError apiError(String message) {
        return new ApiError(500, "api_error", message);
    }

    public static ApiError overloaded(String message) {
        return new ApiError(529, "overloaded_error", message);
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message);
    }

    /** The {@code error} object: {@code {"type":...,"message":...}}. */
    public ObjectNode errorObject() {
        ObjectNode error = Json.object();
        error.put("type", type);
        error.put("message", message);
        return error;
    }

    /** The whole body: {@code {"type":"error","error":{...}}}, also the data of an SSE {@code error} event. */
    public ObjectNode body(String requestId) {
        ObjectNode body = Json.object();
        body.put("type", "error");
        body.set("error", errorObject());
        if (requestId != null) {
            body.put("request_id", requestId);
        }
        return body;
    }
}
