package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.util.Optional;
import java.util.function.Supplier;

/**
 * One assistant turn decoded from OpenAI Chat Completions JSON, shared by the streaming decoder
 * (fed chunk by chunk, {@code delta}) and the non-streaming one (fed one body, {@code message}).
 * Guarantees the flow it emits ends with exactly one Finish or Failure; input after that is ignored.
 */
final class ChatTurn {

    private static final Logger LOG = LoggerFactory.getLogger(ChatTurn.class);

    /** Whether the body is a streamed chunk or a whole completion: decides the field and how tool calls are keyed. */
    enum Shape { CHUNK, COMPLETION }

    private final ModelEventSink sink;
    private final Shape shape;
    private final ToolCallBuffer tools;
    private boolean ended;
    /** Ended by {@link #finish} with the answer complete (not by a failure). */
    private boolean completed;
    private boolean produced;
    private boolean sawReasoningText;
    private String finishReason;
    private String stopSequence;
    private JsonNode usage;
    private JsonNode timings;
    private Long tokensCached;

    ChatTurn(ModelEventSink sink, Supplier<String> idGenerator, Shape shape) {
        this.sink = sink;
        this.shape = shape;
        this.tools = new ToolCallBuffer(idGenerator);
    }

    boolean ended() {
        return ended;
    }

    /** Whether the turn ended with a complete answer (not a failure). */
    boolean completed() {
        return completed;
    }

    /** Whether anything of the answer came: output, or a finish_reason. */
    boolean started() {
        return produced || finishReason != null;
    }

    /** One chunk, or a whole completion body. */
    void accept(JsonNode body) {
        if (ended) {
            return;
        }
        Optional<ApiError> error = StreamErrors.inBody(body);
        if (error.isPresent()) {
            fail(error.get());
            return;
        }
        // Last one wins: some servers send cumulative usage on every chunk.
        if (body.path("usage").isObject()) {
            usage = body.get("usage");
        }
        if (body.path("timings").isObject()) {
            timings = body.get("timings");
        }
        if (body.path("tokens_cached").isNumber()) {
            tokensCached = body.get("tokens_cached").asLong();
        }
        JsonNode choice = firstChoice(body);
        if (choice == null) {
            return;
        }
        JsonNode choiceError = choice.get("error");
        if (choiceError != null && !choiceError.isNull()) {
            fail(StreamErrors.map(choiceError, ApiError::overloaded));
            return;
        }
        String reason = Json.text(choice, "finish_reason");
        Optional<ApiError> failure = reason == null ? Optional.empty() : failureFor(reason);
        if (failure.isPresent()) {
            // Like an error chunk, a failed choice is dropped whole: its content is not worth an error mid-message.
            fail(failure.get());
            return;
        }
        JsonNode content = choice.get(shape == Shape.CHUNK ? "delta" : "message");
        if (content != null && content.isObject()) {
            content(content);
        }
        if (reason != null) {
            finishReason = reason;
            // vLLM names the stop string that matched; an integer there is a stop token id.
            JsonNode matched = choice.get("stop_reason");
            if (matched != null && matched.isString() && !matched.stringValue().isEmpty()) {
                stopSequence = matched.stringValue();
            }
        }
    }

    /**
     * The upstream said it is done ({@code [DONE]}, or the completion body ended). Finishing waits for
     * this rather than acting on {@code finish_reason}, because usage usually follows in a later chunk.
     */
    void finish() {
        if (ended) {
            return;
        }
        if (finishReason == null && !produced) {
            fail(ApiError.apiError(shape == Shape.CHUNK
                    ? "upstream ended the stream ([DONE]) without any output or finish_reason"
                    : "upstream sent a completion without any output or finish_reason"));
            return;
        }
        tools.flush(sink, "length".equals(finishReason));
        ModelEvent.Usage figures = ChatUsage.from(usage, timings, tokensCached);
        if (figures != null) {
            sink.accept(figures);
        }
        sink.accept(finishEvent(finishReason == null ? "stop" : finishReason));
        ended = true;
        completed = true;
    }

    /** The upstream connection ended without {@code [DONE]}: normal only if a finish_reason came first. */
    void endOfInput() {
        if (ended) {
            return;
        }
        if (finishReason != null) {
            finish();
        } else if (!produced) {
            fail(ApiError.apiError("upstream stream ended before the response was complete"));
        } else {
            fail(ApiError.apiError("upstream ended unexpectedly in the middle of the response"));
        }
    }

    void fail(ApiError error) {
        if (ended) {
            return;
        }
        LOG.warn("upstream response failed: {}", error.message());
        ended = true;
        sink.accept(new ModelEvent.Failure(error));
    }

    private void content(JsonNode delta) {
        Reasoning reasoning = Reasoning.of(delta);
        if (!reasoning.text().isEmpty()) {
            sawReasoningText = true;
            emit(new ModelEvent.ThinkingDelta(reasoning.text()));
        } else if (!sawReasoningText) {
            // Encrypted reasoning is only worth a block when there is no readable reasoning at all.
            reasoning.encrypted().forEach(data -> emit(new ModelEvent.RedactedThinking(data)));
        }
        String text = textOf(delta.get("content"));
        if (!text.isEmpty()) {
            emit(new ModelEvent.TextDelta(text));
        }
        String refusal = Json.text(delta, "refusal");
        if (refusal != null && !refusal.isEmpty()) {
            emit(new ModelEvent.TextDelta(refusal));
        }
        JsonNode calls = delta.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (JsonNode call : calls) {
                if (call.isObject()) {
                    if (shape == Shape.CHUNK) {
                        tools.addFragment(call);
                    } else {
                        tools.addWhole(call);
                    }
                    produced = true;
                }
            }
        }
    }

    /** Non-tool output: calls buffered before it are complete, and must come out first to keep the order. */
    private void emit(ModelEvent event) {
        tools.flush(sink, false);
        sink.accept(event);
        produced = true;
    }

    /** finish_reason values that mean the turn failed rather than ended. */
    private static Optional<ApiError> failureFor(String reason) {
        return switch (reason) {
            case "error" -> Optional.of(ApiError.overloaded("upstream error: the upstream ended the response with an error"));
            case "abort" -> Optional.of(ApiError.apiError("upstream error: the upstream aborted the response"));
            default -> Optional.empty();
        };
    }

    private ModelEvent.Finish finishEvent(String reason) {
        return switch (reason) {
            case "tool_calls", "function_call" -> new ModelEvent.Finish(StopReason.TOOL_USE, null);
            case "stop" -> stopSequence != null
                    ? new ModelEvent.Finish(StopReason.STOP_SEQUENCE, stopSequence)
                    : new ModelEvent.Finish(StopReason.END_TURN, null);
            case "length" -> new ModelEvent.Finish(StopReason.MAX_TOKENS, null);
            case "content_filter" -> new ModelEvent.Finish(StopReason.REFUSAL, null);
            default -> {
                LOG.warn("Unknown upstream finish_reason '{}', ending the turn normally", reason);
                yield new ModelEvent.Finish(StopReason.END_TURN, null);
            }
        };
    }

    /** We never ask for n > 1, so only choice 0 matters; servers that omit the index send one choice. */
    private static JsonNode firstChoice(JsonNode body) {
        JsonNode choices = body.get("choices");
        if (choices == null || !choices.isArray()) {
            return null;
        }
        for (JsonNode choice : choices) {
            JsonNode index = choice.get("index");
            if (choice.isObject() && (index == null || index.asInt(-1) == 0)) {
                return choice;
            }
        }
        return null;
    }

    /** Content is a string; a few servers send an array of parts, of which the text parts count. */
    private static String textOf(JsonNode content) {
        if (content == null) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (!content.isArray()) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(Json.text(part, "type")) && Json.text(part, "text") != null) {
                text.append(Json.text(part, "text"));
            }
        }
        return text.toString();
    }
}
