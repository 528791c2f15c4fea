package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.openai.SessionKey;

/**
 * One call to a backend: the parsed client request, the model name to use upstream, the client's
 * headers (for Anthropic passthrough and session hints), and the control that carries the call's
 * deadlines and cancellation.
 *
 * <p>The parsed request of a Claude Code turn is some 150 KB of heap, three times its JSON, and a gateway
 * with thousands of streams open cannot keep one per stream. So a call made with the client's bytes lets
 * go of it in two steps:
 * <ul>
 *   <li>{@link #setAside()}: once the upstream request is on its way (see {@link CallControl#whileWaiting}),
 *       the parsed one is dropped while the answer is awaited; the client's bytes stay, and
 *       {@link #request()} parses them again for the rare retry or fallback that needs the request once
 *       more;</li>
 *   <li>{@link #release()}: once the answer has begun, nothing sends the request again, and the bytes go
 *       too.</li>
 * </ul>
 * Calls made from this one with {@link #withModel} share the request and let go of it with it.
 */
public final class BackendCall {
    private final Held held;
    private final String upstreamModel;
    private final ClientHeaders headers;
    private final CallControl control;

    /** The request, shared by a call and the calls made from it for other models. */
    private static final class Held {
        private final String sessionId;
        private volatile MessagesRequest request;
        private volatile byte[] body;
        private volatile boolean released;

        Held(MessagesRequest request, byte[] body, String sessionId) {
            this.request = request;
            this.body = body;
            this.sessionId = sessionId;
        }
    }

    /**
     * @param body the client's bytes that {@code request} was parsed from, kept so that the parsed request can be
     *             set aside; null keeps the parsed request until it is released
     */
    public BackendCall(MessagesRequest request, byte[] body, String upstreamModel, ClientHeaders headers,
                       CallControl control) {
        this(new Held(request, body, sessionOf(request, headers)), upstreamModel, headers, control);
    }

    public BackendCall(MessagesRequest request, String upstreamModel, ClientHeaders headers, CallControl control) {
        this(request, null, upstreamModel, headers, control);
    }

    /** A call nothing watches (count_tokens, tools, tests). */
    public BackendCall(MessagesRequest request, String upstreamModel, ClientHeaders headers) {
        this(request, upstreamModel, headers, CallControl.unwatched());
    }

    private BackendCall(Held held, String upstreamModel, ClientHeaders headers, CallControl control) {
        this.held = held;
        this.upstreamModel = upstreamModel;
        this.headers = headers;
        this.control = control;
    }

    private static String sessionOf(MessagesRequest request, ClientHeaders headers) {
        String header = headers == null ? null : headers.sessionId();
        return request == null ? header : SessionKey.of(header, request);
    }

    /**
     * The parsed client request; parsed again from the client's bytes when it was set aside.
     *
     * @throws IllegalStateException once the request has been released: an answer had begun, and nothing
     *                               may send the request again
     */
    public MessagesRequest request() {
        MessagesRequest request = held.request;
        if (request != null) {
            return request;
        }
        if (held.released) {
            throw new IllegalStateException("the request was released when its answer began");
        }
        byte[] body = held.body;
        if (body == null) {
            return null;
        }
        request = RequestParser.parseMessages(body);
        held.request = request;
        return request;
    }

    public String upstreamModel() {
        return upstreamModel;
    }

    public ClientHeaders headers() {
        return headers;
    }

    public CallControl control() {
        return control;
    }

    /**
     * Drops the parsed request while the client's bytes are kept to parse it again; does nothing for a call
     * made without the bytes.
     */
    public void setAside() {
        if (held.body != null) {
            held.request = null;
        }
    }

    /** Lets go of the request and the client's bytes, for this call and every call made from it; idempotent. */
    public void release() {
        held.released = true;
        held.request = null;
        held.body = null;
    }

    /**
     * Claude Code's session id: the {@code X-Claude-Code-Session-Id} header, else the session inside
     * {@code metadata.user_id}; null when the client sent neither. Read when the call is made, so it holds
     * after the request is set aside or released.
     */
    public String sessionId() {
        return held.sessionId;
    }

    /** The same call for another upstream model (a fallback). */
    public BackendCall withModel(String model) {
        return new BackendCall(held, model, headers, control);
    }

    @Override
    public String toString() {
        return "BackendCall[upstreamModel=" + upstreamModel + (held.released ? ", request released]" : "]");
    }
}
