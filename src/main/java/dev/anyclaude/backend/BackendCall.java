package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.openai.SessionKey;

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

    /**
     * Claude Code's session id: the {@code X-Claude-Code-Session-Id} header, else the session inside
     * {@code metadata.user_id}; null when the client sent neither.
     */
    public String sessionId() {
        String header = headers == null ? null : headers.sessionId();
        return request == null ? header : SessionKey.of(header, request);
    }

    /** The same call for another upstream model (a fallback). */
    public BackendCall withModel(String model) {
        return new BackendCall(request, model, headers, control);
    }
}
