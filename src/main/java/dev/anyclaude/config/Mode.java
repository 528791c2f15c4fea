package dev.anyclaude.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A named upstream preset: where the model lives, how to talk to it, where its key is and which kind of
 * server it is. Each of these can still be overridden on its own ({@code --base-url}, {@code --protocol},
 * {@code --api-key-env}, {@code --flavor}).
 *
 * <p>Local servers are addressed as {@code 127.0.0.1}, not {@code localhost}: each of them listens on the
 * IPv4 loopback by default, and {@code localhost} may resolve to {@code ::1} first. Default ports, as each
 * project documents them:
 * <ul>
 *   <li>LM Studio: the local server's port 1234, OpenAI-compatible API under {@code /v1}
 *       ({@code lms server start}, LM Studio docs "OpenAI Compatibility API").</li>
 *   <li>Ollama: {@code OLLAMA_HOST} defaults to {@code 127.0.0.1:11434}; the OpenAI-compatible API is under
 *       {@code /v1} (Ollama docs "OpenAI compatibility").</li>
 *   <li>llama.cpp: {@code llama-server --host 127.0.0.1 --port 8080} are the defaults (tools/server README).</li>
 *   <li>vLLM: {@code vllm serve} listens on port 8000 (vLLM docs "OpenAI-Compatible Server").</li>
 *   <li>MLX: {@code mlx_lm.server} defaults to {@code --host 127.0.0.1 --port 8080} (mlx_lm/server.py).
 *       Other MLX servers use other ports (MLX-Textgen, mlx-omni-server): give {@code --base-url}.</li>
 * </ul>
 */
public enum Mode {
    /** Anthropic itself: the client's own login or key goes through unless {@code --api-key-env} names one. */
    CLAUDE("https://api.anthropic.com", Protocol.ANTHROPIC, null, null, false),
    OPENROUTER("https://openrouter.ai/api/v1", Protocol.OPENAI, "OPENROUTER_API_KEY", "openrouter", false),
    OPENAI("https://api.openai.com/v1", Protocol.OPENAI, "OPENAI_API_KEY", "openai", false),
    LMSTUDIO("http://127.0.0.1:1234/v1", Protocol.OPENAI, null, "lmstudio", true),
    OLLAMA("http://127.0.0.1:11434/v1", Protocol.OPENAI, null, "ollama", true),
    LLAMACPP("http://127.0.0.1:8080/v1", Protocol.OPENAI, null, "llamacpp", true),
    VLLM("http://127.0.0.1:8000/v1", Protocol.OPENAI, null, "vllm", true),
    MLX("http://127.0.0.1:8080/v1", Protocol.OPENAI, null, "mlx", true);

    private final String baseUrl;
    private final Protocol protocol;
    private final String apiKeyEnv;
    private final String flavor;
    private final boolean local;

    Mode(String baseUrl, Protocol protocol, String apiKeyEnv, String flavor, boolean local) {
        this.baseUrl = baseUrl;
        this.protocol = protocol;
        this.apiKeyEnv = apiKeyEnv;
        this.flavor = flavor;
        this.local = local;
    }

    /** The name users write: {@code lmstudio}, {@code llamacpp}, ... */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** The variable that holds the key, or null when the upstream needs none (or, for Claude, the client's). */
    public String apiKeyEnv() {
        return apiKeyEnv;
    }

    /** The OpenAI-compatible server kind, or null for the Anthropic protocol. */
    public String flavor() {
        return flavor;
    }

    /** A server on this machine: slow first tokens, no key, and usually one model loaded. */
    public boolean local() {
        return local;
    }

    /**
     * Whether a request with Claude Code's own model name ({@code claude-opus-...}) would go wrong here
     * without a configured model. llama.cpp's server answers with the model it loaded whatever the name;
     * Anthropic knows the names; the others look the name up (and mlx_lm.server tries to download it).
     */
    public boolean needsModel() {
        return this != CLAUDE && this != LLAMACPP;
    }

    @Override
    public String toString() {
        return id();
    }

    /** Every mode's name, in declaration order. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Mode::id).toList();
    }

    /**
     * The mode called {@code name}, case-insensitively; {@code llama.cpp}, {@code lm-studio} and
     * {@code lm_studio} are accepted as people write them.
     *
     * @throws IllegalArgumentException naming the modes there are
     */
    public static Mode parse(String name) {
        String key = name == null ? "" : name.strip().replaceAll("[._-]", "").toUpperCase(Locale.ROOT);
        for (Mode mode : values()) {
            if (mode.name().equals(key)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + name + "'; the modes are " + String.join(", ", ids()));
    }
}
