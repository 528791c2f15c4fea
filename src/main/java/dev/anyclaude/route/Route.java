package dev.anyclaude.route;

import dev.anyclaude.backend.Backend;

/** Where one request goes: the backend and the model name to ask it for. */
public record Route(Backend backend, String upstreamModel) {
}
