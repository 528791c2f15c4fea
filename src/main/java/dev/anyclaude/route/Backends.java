package dev.anyclaude.route;

import dev.anyclaude.backend.AnthropicBackend;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.OpenAiBackend;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.config.GatewayConfig;

import java.util.Map;

/** Builds the backend a configuration describes. */
public final class Backends {
    private Backends() {
    }

    public static Backend create(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
        return switch (config.protocol()) {
            case OPENAI -> new OpenAiBackend(config, http, env);
            case ANTHROPIC -> new AnthropicBackend(config, http, env);
        };
    }
}
