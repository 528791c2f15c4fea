package dev.anyclaude.openai;

import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The dialect of an OpenAI-compatible backend. Chat Completions servers agree on the core of the
 * protocol but differ on the edges (which token-limit field, where reasoning goes, which extras they
 * accept), so the request mapping asks the flavor instead of guessing per field.
 */
public enum OpenAiFlavor {
    OPENAI, OPENROUTER, VLLM, LLAMACPP, OLLAMA, LMSTUDIO, MLX, GENERIC;

    /**
     * The flavor named in the configuration. {@code auto} (or no name) looks at the base URL: only the
     * two hosted services can be recognised reliably; a local server on some port could be anything.
     *
     * @throws IllegalArgumentException for a name that is not a flavor
     */
    public static OpenAiFlavor resolve(String name, String baseUrl) {
        if (name == null || name.isBlank() || name.trim().equalsIgnoreCase("auto")) {
            return detect(baseUrl);
        }
        // "llama.cpp", "lm-studio" and "lm_studio" are how people write these names.
        String key = name.trim().replaceAll("[._-]", "").toUpperCase(Locale.ROOT);
        for (OpenAiFlavor flavor : values()) {
            if (flavor.name().equals(key)) {
                return flavor;
            }
        }
        throw new IllegalArgumentException("unknown OpenAI flavor '" + name + "': expected one of auto, "
                + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
    }

    private static OpenAiFlavor detect(String baseUrl) {
        String host = host(baseUrl);
        if (host == null) {
            return GENERIC;
        }
        if (host.equals("openrouter.ai") || host.endsWith(".openrouter.ai")) {
            return OPENROUTER;
        }
        if (host.equals("api.openai.com")) {
            return OPENAI;
        }
        return GENERIC;
    }

    private static String host(String baseUrl) {
        if (baseUrl == null || baseUrl.isBlank()) {
            return null;
        }
        try {
            String host = URI.create(baseUrl.trim()).getHost();
            return host == null ? null : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** OpenAI rejects {@code max_tokens} for its reasoning models; everybody else only knows {@code max_tokens}. */
    public String maxTokensField() {
        return this == OPENAI ? "max_completion_tokens" : "max_tokens";
    }

    /** {@code top_k} is not part of the OpenAI schema: OpenAI rejects it and Ollama's /v1 ignores it. */
    boolean acceptsTopK() {
        return this != OPENAI && this != OLLAMA;
    }

    int maxStopSequences() {
        return this == OPENAI ? 4 : Integer.MAX_VALUE;
    }

    /** Where earlier thinking goes in assistant history, or null where the backend has no such field. */
    String assistantReasoningField() {
        return switch (this) {
            case OPENAI -> null;
            case OPENROUTER, OLLAMA -> "reasoning";
            case VLLM, LLAMACPP, LMSTUDIO, MLX, GENERIC -> "reasoning_content";
        };
    }

    /**
     * Content of an assistant message that only calls tools. null is the OpenAI form; several local chat
     * templates (Mistral's among them) fail on a null content, so local servers get an empty string.
     */
    boolean nullContentBesideToolCalls() {
        return this == OPENAI || this == OPENROUTER;
    }

    /** Only the hosted services take PDF bytes as a {@code file} content part. */
    boolean acceptsPdfFiles() {
        return this == OPENAI || this == OPENROUTER;
    }

    /** Ollama's /v1 silently ignores tool_choice, so sending it would only pretend to force a tool. */
    boolean acceptsToolChoice() {
        return this != OLLAMA;
    }

    /** Servers that render the chat template themselves and switch thinking through its kwargs (Qwen3 and kin). */
    boolean switchesThinkingInTemplate() {
        return this == VLLM || this == LLAMACPP || this == MLX;
    }
}
