package dev.anyclaude.stream;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.StopReason;

/**
 * What a model produced, independent of the wire format it came in. Backends decode upstream bytes
 * into these; filters transform them; {@link ResponseAssembler} turns them into Anthropic events.
 *
 * <p>A well-formed flow is any number of content events followed by exactly one {@link Finish} or
 * {@link Failure}; nothing follows either.
 */
public sealed interface ModelEvent {

    /**
     * True when the event begins an answer that will not be replaced: content (a non-empty delta, a tool
     * call, a signature, ...) or a normal end. Usage figures, empty text and a failure do not: a reply that
     * has sent only those may still be taken back and asked for again.
     */
    static boolean beginsAnswer(ModelEvent event) {
        return switch (event) {
            case Failure failure -> false;
            case Usage usage -> false;
            case TextDelta text -> !text.text().isEmpty();
            default -> true;
        };
    }

    /** Visible text. May be empty, in which case it carries nothing. */
    record TextDelta(String text) implements ModelEvent {
    }

    /** Reasoning text. */
    record ThinkingDelta(String text) implements ModelEvent {
    }

    /** The signature of the thinking block in progress (Anthropic upstreams). */
    record ThinkingSignature(String signature) implements ModelEvent {
    }

    /** A whole redacted thinking block. */
    record RedactedThinking(String data) implements ModelEvent {
    }

    /**
     * A complete tool call. {@code inputJson} is a valid JSON object text; producers guarantee this
     * (a call whose arguments cannot be made valid is delivered as text instead).
     */
    record ToolCall(String id, String name, String inputJson) implements ModelEvent {
    }

    /**
     * Usage figures as the upstream reported them, cumulative. A null field is unknown and leaves the
     * previous value in place. {@code inputTokens} excludes cached tokens.
     */
    record Usage(Long inputTokens, Long outputTokens, Long cacheReadInputTokens, Long cacheCreationInputTokens)
            implements ModelEvent {
    }

    /** The turn ended normally. */
    record Finish(StopReason reason, String stopSequence) implements ModelEvent {
    }

    /** The turn failed; before anything was sent this becomes an HTTP error, after it an {@code error} event. */
    record Failure(ApiError error) implements ModelEvent {
    }
}
