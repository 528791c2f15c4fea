package dev.anyclaude.route;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.backend.Backend;

/**
 * Chooses the backend and upstream model for a request. Today one gateway has one backend; the model
 * is the configured one, or the client's name forwarded unchanged.
 */
public final class Router {
    private final Backend backend;
    private final String fixedModel;

    public Router(Backend backend, String fixedModel) {
        this.backend = backend;
        this.fixedModel = fixedModel;
    }

    public Route route(MessagesRequest request) {
        return new Route(backend, fixedModel != null ? fixedModel : request.model());
    }

    public Backend backend() {
        return backend;
    }
}
