package dev.anyclaude.api;

/** Where the Anthropic events of one response go: an SSE writer, a message builder, a validator. */
@FunctionalInterface
public interface StreamEventSink {
    void accept(StreamEvent event);
}
