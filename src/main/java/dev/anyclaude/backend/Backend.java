package dev.anyclaude.backend;

import dev.anyclaude.api.ApiException;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.OptionalLong;

/**
 * One upstream: an OpenAI-compatible server or an Anthropic(-compatible) one. Implementations own the
 * upstream protocol; everything they return is in our own terms.
 */
public interface Backend {

    /** A short name for logs and error messages. */
    String name();

    /**
     * Sends the call and returns once the upstream's response headers are in. An upstream that answers
     * with an HTTP error, or cannot be reached, raises {@link ApiException} with the Anthropic error it
     * maps to, so the client still gets a proper HTTP status.
     */
    UpstreamReply send(BackendCall call);

    /** The upstream's own token count for the request, or empty when the upstream has no way to count. */
    OptionalLong countTokens(BackendCall call);

    /**
     * True when {@link #send} returns a byte {@link UpstreamReply.Relay} rather than decoded events: such a
     * reply cannot stand in for an events reply that failed (a retry before the first content), and the
     * server must not start such a stream itself.
     */
    default boolean relays() {
        return false;
    }

    /** The upstream's models as Anthropic {@code ModelInfo} objects ({@code type, id, display_name, created_at}). */
    List<ObjectNode> models();
}
