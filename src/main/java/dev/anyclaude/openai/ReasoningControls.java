package dev.anyclaude.openai;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.ThinkingConfig;
import tools.jackson.databind.node.ObjectNode;

import java.util.Locale;
import java.util.Set;

/**
 * Anthropic {@code thinking} + {@code output_config.effort} as each backend's reasoning switch. Every
 * server spells this differently, and several reject effort levels they do not know, so levels are
 * clamped to what the flavor accepts.
 */
final class ReasoningControls {
    private static final Set<String> EFFORTS = Set.of("low", "medium", "high", "xhigh", "max");

    private ReasoningControls() {
    }

    static boolean thinkingOn(MessagesRequest request) {
        return request.thinking() != null && request.thinking().isOn();
    }

    /** Writes the reasoning fields in a fixed order: effort/reasoning first, then template kwargs. */
    static void write(ObjectNode body, MessagesRequest request, OpenAiFlavor flavor) {
        boolean on = thinkingOn(request);
        if (on) {
            writeOn(body, request, flavor);
        } else if (flavor == OpenAiFlavor.OLLAMA) {
            // Thinking models on Ollama think by default; "none" is its documented off switch.
            body.put("reasoning_effort", "none");
        }
        if (flavor.switchesThinkingInTemplate()) {
            // Qwen3-style templates think unless told otherwise, so "off" must be said explicitly too.
            body.putObject("chat_template_kwargs").put("enable_thinking", on);
        }
    }

    private static void writeOn(ObjectNode body, MessagesRequest request, OpenAiFlavor flavor) {
        String effort = effort(request);
        switch (flavor) {
            case OPENROUTER -> {
                ObjectNode reasoning = body.putObject("reasoning");
                Integer budget = budget(request.thinking());
                if (budget != null) {
                    reasoning.put("max_tokens", budget.intValue());
                } else {
                    reasoning.put("effort", effort);
                }
            }
            case OPENAI -> body.put("reasoning_effort", "max".equals(effort) ? "xhigh" : effort);
            // Ollama accepts max and maps xhigh to max itself; sending max also works where xhigh is unknown.
            case OLLAMA -> body.put("reasoning_effort", "xhigh".equals(effort) ? "max" : effort);
            case VLLM, LLAMACPP, LMSTUDIO, GENERIC -> body.put("reasoning_effort", clampToHigh(effort));
            case MLX -> {
                // mlx_lm.server has no effort control; thinking is switched through the template only.
            }
        }
    }

    /**
     * The effort level: {@code output_config.effort} when given, else derived from an explicit thinking
     * budget, else high (Claude's own default when thinking is on).
     */
    static String effort(MessagesRequest request) {
        if (request.effort() != null) {
            String effort = request.effort().trim().toLowerCase(Locale.ROOT);
            return EFFORTS.contains(effort) ? effort : "high";
        }
        Integer budget = budget(request.thinking());
        if (budget != null) {
            return budget < 4096 ? "low" : budget < 16384 ? "medium" : "high";
        }
        return "high";
    }

    private static Integer budget(ThinkingConfig thinking) {
        return thinking != null && "enabled".equals(thinking.type()) ? thinking.budgetTokens() : null;
    }

    private static String clampToHigh(String effort) {
        return "xhigh".equals(effort) || "max".equals(effort) ? "high" : effort;
    }
}
