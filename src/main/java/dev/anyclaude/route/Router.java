package dev.anyclaude.route;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.backend.Backend;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the backend and upstream model for a request: one gateway has one backend (with its fallback
 * chain); the model comes from the {@link ModelMap}.
 */
public final class Router {
    private static final Logger LOG = LoggerFactory.getLogger(Router.class);
    /** Client names whose mapping was logged; bounded so that a client inventing names cannot grow it. */
    private static final int MAX_LOGGED_NAMES = 256;

    private final Backend backend;
    private final ModelMap models;
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public Router(Backend backend, ModelMap models) {
        this.backend = backend;
        this.models = models;
    }

    /** Every Claude name to {@code fixedModel} (null: every name unchanged); other names unchanged. */
    public Router(Backend backend, String fixedModel) {
        this(backend, new ModelMap(fixedModel, null));
    }

    public Route route(MessagesRequest request) {
        ModelMap.Mapping mapping = models.map(request.model());
        if (LOG.isDebugEnabled() && logged.size() < MAX_LOGGED_NAMES && request.model() != null
                && logged.add(request.model())) {
            LOG.debug("model {} -> {} ({}, {})", mapping.clientModel(), mapping.upstreamModel(),
                    mapping.tier().label(), mapping.rule());
        }
        return new Route(backend, mapping.upstreamModel());
    }

    public Backend backend() {
        return backend;
    }

    public ModelMap models() {
        return models;
    }
}
