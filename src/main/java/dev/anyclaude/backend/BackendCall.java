package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;

/**
 * One call to a backend: the parsed client request, the model name to use upstream, the client's
 * headers (for Anthropic passthrough and session hints), and the control that carries the call's
 * deadlines and cancellation.
 */
public record BackendCall(MessagesRequest request, String upstreamModel, ClientHeaders headers, CallControl control) {

    /** A call nothing watches (count_tokens, tools, tests). */
    public BackendCall(MessagesRequest request, String upstreamModel, ClientHeaders headers) {
        this(request, upstreamModel, headers, CallControl.unwatched());
    }

    /** The same call for another upstream model (a fallback). */
    public BackendCall withModel(String model) {
        return new BackendCall(request, model, headers, control);
    }
}
