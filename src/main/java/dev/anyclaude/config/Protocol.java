package dev.anyclaude.config;

/** How anyclaude talks to its upstream. */
public enum Protocol {
    /** OpenAI Chat Completions ({@code POST {base}/chat/completions}). */
    OPENAI,
    /** Anthropic Messages ({@code POST {base}/v1/messages}). */
    ANTHROPIC
}
