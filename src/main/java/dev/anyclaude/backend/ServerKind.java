package dev.anyclaude.backend;

import dev.anyclaude.openai.OpenAiFlavor;

/**
 * The kind of server behind a base URL, as far as its own endpoints give it away. Setup advice depends on
 * it (llama.cpp wants {@code --jinja}, vLLM a tool-call parser, Ollama a bigger {@code num_ctx}), and so
 * does where the context window can be read.
 */
public enum ServerKind {
    OLLAMA("Ollama", OpenAiFlavor.OLLAMA),
    LMSTUDIO("LM Studio", OpenAiFlavor.LMSTUDIO),
    LLAMACPP("llama.cpp", OpenAiFlavor.LLAMACPP),
    VLLM("vLLM", OpenAiFlavor.VLLM),
    OPENROUTER("OpenRouter", OpenAiFlavor.OPENROUTER),
    OPENAI("OpenAI", OpenAiFlavor.OPENAI),
    MLX("MLX", OpenAiFlavor.MLX),
    ANTHROPIC("Anthropic", null),
    /** Nothing identified it. */
    UNKNOWN("unknown", OpenAiFlavor.GENERIC);

    private final String displayName;
    private final OpenAiFlavor flavor;

    ServerKind(String displayName, OpenAiFlavor flavor) {
        this.displayName = displayName;
        this.flavor = flavor;
    }

    /** How people write the name: {@code llama.cpp}, {@code LM Studio}. */
    public String displayName() {
        return displayName;
    }

    /** The {@code --flavor} that speaks this server's dialect, or null for a server that is not OpenAI-compatible. */
    public OpenAiFlavor flavor() {
        return flavor;
    }

    /** The kind a configured flavor names; {@link #UNKNOWN} for {@code generic}. */
    public static ServerKind of(OpenAiFlavor flavor) {
        for (ServerKind kind : values()) {
            if (kind.flavor == flavor && kind != UNKNOWN) {
                return kind;
            }
        }
        return UNKNOWN;
    }

    /** A server that runs on the user's own machine (or network), where server flags are the user's to change. */
    public boolean local() {
        return this == OLLAMA || this == LMSTUDIO || this == LLAMACPP || this == VLLM || this == MLX;
    }
}
