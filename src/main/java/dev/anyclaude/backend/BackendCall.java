package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;

/**
 * One call to a backend: the parsed client request, the model name to use upstream, and the
 * client's headers (for Anthropic passthrough and session hints).
 */
public record BackendCall(MessagesRequest request, String upstreamModel, ClientHeaders headers) {
}
