package dev.anyclaude.cli;

import dev.anyclaude.backend.ServerKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What to change, per server kind, when tool calls or the context window are not what Claude Code needs. */
final class DoctorAdvice {

    /** vLLM's {@code --tool-call-parser} for each of our text formats, where vLLM has one. */
    private static final Map<String, String> VLLM_PARSERS = Map.ofEntries(
            Map.entry("hermes", "hermes"),
            Map.entry("qwen3-coder", "qwen3_coder"),
            Map.entry("mistral", "mistral"),
            Map.entry("llama3-json", "llama3_json"),
            Map.entry("pythonic", "pythonic"),
            Map.entry("harmony", "openai"),
            Map.entry("kimi-k2", "kimi_k2"),
            Map.entry("deepseek-v3", "deepseek_v3"),
            Map.entry("deepseek-r1", "deepseek_v3"),
            Map.entry("deepseek-v31", "deepseek_v31"),
            Map.entry("glm45", "glm45"),
            Map.entry("minimax-m2", "minimax_m2"),
            Map.entry("granite", "granite"),
            Map.entry("xlam", "xlam"),
            Map.entry("seed-oss", "seed_oss"),
            Map.entry("phi4-mini", "phi4_mini_json"),
            Map.entry("tool-calls-array", "jamba"));

    private DoctorAdvice() {
    }

    /**
     * How to make the server parse tool calls itself.
     *
     * @param format the text format the model writes, when known (it names vLLM's parser)
     */
    static List<String> serverToolParsing(ServerKind kind, String format) {
        String parser = format == null ? null : VLLM_PARSERS.get(format);
        String vllm = "vLLM: start it with --enable-auto-tool-choice --tool-call-parser "
                + (parser == null ? "PARSER (the one for your model family, e.g. hermes, qwen3_coder, mistral, llama3_json, openai)"
                : parser);
        String llamaCpp = "llama.cpp: start llama-server with --jinja (the default in recent builds) and a chat template "
                + "that handles tools; if the GGUF's own template does not, add --chat-template-file with one that does";
        String ollama = "Ollama: use a model whose template supports tools (`ollama show MODEL` lists \"tools\" under "
                + "Capabilities), or give it a Modelfile TEMPLATE that renders .Tools and parses its calls";
        String lmStudio = "LM Studio: use a model it marks as tool-capable, keep LM Studio and its runtimes up to date, "
                + "and check the model's prompt template (My Models → the model → Prompt Template)";
        String mlx = "MLX: mlx_lm.server parses calls only for chat templates that define them; update mlx-lm, or use "
                + "a server with a parser for the family (LM Studio's MLX engine, vllm-mlx)";
        return switch (kind) {
            case VLLM -> List.of(vllm);
            case LLAMACPP -> List.of(llamaCpp);
            case OLLAMA -> List.of(ollama);
            case LMSTUDIO -> List.of(lmStudio);
            case MLX -> List.of(mlx);
            case OPENROUTER, OPENAI, ANTHROPIC -> List.of("a hosted service: pick a model it serves with tool support "
                    + "(OpenRouter lists \"tools\" in a model's supported_parameters)");
            case UNKNOWN -> List.of(vllm, llamaCpp, ollama, lmStudio);
        };
    }

    /** How to give the model a bigger context window on this server. */
    static String biggerContext(ServerKind kind) {
        return switch (kind) {
            case OLLAMA -> "Ollama: set OLLAMA_CONTEXT_LENGTH=65536 in the server's environment, or PARAMETER num_ctx "
                    + "65536 in a Modelfile (`ollama create NAME -f Modelfile`)";
            case LMSTUDIO -> "LM Studio: raise the context length in the model's load settings, or "
                    + "`lms load MODEL --context-length 65536`";
            case LLAMACPP -> "llama.cpp: start llama-server with -c 65536 (with --parallel N each request gets 1/N of it)";
            case VLLM -> "vLLM: start it with --max-model-len 65536 (the model must support that length)";
            default -> "pick a model (or server setting) with a context window of 65536 tokens or more";
        };
    }

    /** Fixes suggested by the words of an upstream error. */
    static List<String> forError(String message, ServerKind kind) {
        String text = message == null ? "" : message.toLowerCase(Locale.ROOT);
        List<String> fixes = new ArrayList<>();
        if (text.contains("enable-auto-tool-choice") || text.contains("tool-call-parser")
                || text.contains("tool_call_parser")) {
            fixes.addAll(serverToolParsing(ServerKind.VLLM, null));
        }
        if (text.contains("jinja")) {
            fixes.addAll(serverToolParsing(ServerKind.LLAMACPP, null));
        }
        if (text.contains("does not support tools") || text.contains("tools are not supported")) {
            fixes.add("use a model that supports tools");
            if (kind == ServerKind.OLLAMA || kind == ServerKind.UNKNOWN) {
                fixes.addAll(serverToolParsing(ServerKind.OLLAMA, null));
            }
        }
        if (text.contains("not found") || text.contains("404") || text.contains("no such model")
                || text.contains("unknown model") || text.contains("does not exist")) {
            fixes.add("check --model against the server's model list above");
        }
        if (text.contains("credentials") || text.contains("unauthorized") || text.contains("api key")
                || text.contains("authentication")) {
            fixes.add("check the API key: --api-key-env names the environment variable that holds it");
        }
        if (text.contains("prompt is too long") || text.contains("context")) {
            fixes.add(biggerContext(kind));
        }
        return fixes;
    }
}
