package dev.anyclaude.stream;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.StreamEventSink;
import dev.anyclaude.api.Usage;
import tools.jackson.databind.node.ObjectNode;

import java.util.function.LongSupplier;

/**
 * The Anthropic event state machine: turns a {@link ModelEvent} flow into a valid event sequence.
 * {@code message_start} first (sent lazily, so a failure before any output can still become an HTTP
 * error); blocks indexed 0..n-1, each started, delta'd and stopped before the next; never an empty
 * text block; {@code message_delta} with a stop reason and real usage; {@code message_stop} last.
 * Events after the end are ignored.
 */
public final class ResponseAssembler implements ModelEventSink {

    private enum Open { NONE, TEXT, THINKING }

    private final StreamEventSink out;
    private final String messageId;
    private final String model;
    private final LongSupplier estimatedInputTokens;

    private boolean started;
    private boolean ended;
    private Open open = Open.NONE;
    private int nextIndex;
    private boolean sawToolUse;
    private long outputChars;
    private Long inputTokens;
    private Long outputTokens;
    private Long cacheRead;
    private Long cacheCreation;

    /**
     * @param estimatedInputTokens the prompt size to report until the upstream reports its own figure
     */
    public ResponseAssembler(StreamEventSink out, String messageId, String model, long estimatedInputTokens) {
        this(out, messageId, model, () -> estimatedInputTokens);
    }

    /**
     * @param estimatedInputTokens asked only when a figure is needed and the upstream has not given its own:
     *                             the estimate can then run while the upstream works
     */
    public ResponseAssembler(StreamEventSink out, String messageId, String model, LongSupplier estimatedInputTokens) {
        this.out = out;
        this.messageId = messageId;
        this.model = model;
        this.estimatedInputTokens = estimatedInputTokens;
    }

    @Override
    public void accept(ModelEvent event) {
        if (ended) {
            return;
        }
        switch (event) {
            case ModelEvent.TextDelta text -> {
                if (!text.text().isEmpty()) {
                    openBlock(Open.TEXT);
                    outputChars += text.text().length();
                    out.accept(new StreamEvent.BlockDelta(nextIndex - 1, delta("text_delta", "text", text.text())));
                }
            }
            case ModelEvent.ThinkingDelta thinking -> {
                if (!thinking.text().isEmpty()) {
                    openBlock(Open.THINKING);
                    outputChars += thinking.text().length();
                    out.accept(new StreamEvent.BlockDelta(nextIndex - 1,
                            delta("thinking_delta", "thinking", thinking.text())));
                }
            }
            case ModelEvent.ThinkingSignature signature -> {
                // A signature may come without any thinking text (display "omitted", redact-thinking):
                // it still needs its thinking block, or the client cannot send the turn back.
                openBlock(Open.THINKING);
                out.accept(new StreamEvent.BlockDelta(nextIndex - 1,
                        delta("signature_delta", "signature", signature.signature())));
                // The signature is a thinking block's last delta: more thinking is a block of its own,
                // or one block would carry two texts under the second signature.
                closeOpen();
            }
            case ModelEvent.RedactedThinking redacted -> {
                ObjectNode block = Json.object();
                block.put("type", "redacted_thinking");
                block.put("data", redacted.data());
                wholeBlock(block, null);
            }
            case ModelEvent.ToolCall call -> {
                ObjectNode block = Json.object();
                block.put("type", "tool_use");
                block.put("id", call.id());
                block.put("name", call.name());
                block.set("input", Json.object());
                outputChars += call.inputJson().length();
                sawToolUse = true;
                // Always one input_json_delta: the Java SDK rejects a tool_use block without one.
                wholeBlock(block, delta("input_json_delta", "partial_json", call.inputJson()));
            }
            case ModelEvent.Usage usage -> {
                if (usage.inputTokens() != null) {
                    inputTokens = usage.inputTokens();
                }
                if (usage.outputTokens() != null) {
                    outputTokens = usage.outputTokens();
                }
                if (usage.cacheReadInputTokens() != null) {
                    cacheRead = usage.cacheReadInputTokens();
                }
                if (usage.cacheCreationInputTokens() != null) {
                    cacheCreation = usage.cacheCreationInputTokens();
                }
            }
            case ModelEvent.Finish finish -> {
                start();
                closeOpen();
                out.accept(new StreamEvent.MessageDelta(stopReason(finish.reason()), finish.stopSequence(),
                        usage()));
                out.accept(new StreamEvent.MessageStop());
                ended = true;
            }
            case ModelEvent.Failure failure -> fail(failure.error());
        }
    }

    /** Ends the stream with an error event (also used by the server when the upstream read dies). */
    public void fail(ApiError error) {
        if (ended) {
            return;
        }
        ended = true;
        out.accept(new StreamEvent.Error(error));
    }

    /**
     * Sends {@code message_start} now if nothing was sent yet: the stream is committed (a 200) and
     * keep-alive pings can flow while the model is still silent. No effect once the stream ended.
     */
    public void commit() {
        if (!ended) {
            start();
        }
    }

    public boolean started() {
        return started;
    }

    public boolean ended() {
        return ended;
    }

    /** The usage as reported so far, estimates filling what the upstream did not say. */
    public Usage usage() {
        long cachedRead = cacheRead == null ? 0 : cacheRead;
        long cachedCreation = cacheCreation == null ? 0 : cacheCreation;
        long input = inputTokens != null ? inputTokens
                : Math.max(0, estimatedInputTokens.getAsLong() - cachedRead - cachedCreation);
        long output = outputTokens != null ? outputTokens : Math.max(1, (outputChars + 3) / 4);
        return new Usage(input, output, cachedRead, cachedCreation);
    }

    private StopReason stopReason(StopReason reported) {
        if (sawToolUse && (reported == StopReason.END_TURN || reported == StopReason.STOP_SEQUENCE)) {
            return StopReason.TOOL_USE;
        }
        if (!sawToolUse && reported == StopReason.TOOL_USE) {
            return StopReason.END_TURN;
        }
        return reported;
    }

    private void start() {
        if (!started) {
            started = true;
            // the same figures message_delta would report, with the customary placeholder output of 1
            Usage now = usage();
            Usage initial = new Usage(now.inputTokens(), 1, now.cacheReadInputTokens(), now.cacheCreationInputTokens());
            out.accept(new StreamEvent.MessageStart(messageId, model, initial));
        }
    }

    private void openBlock(Open kind) {
        start();
        if (open == kind) {
            return;
        }
        closeOpen();
        ObjectNode block = Json.object();
        if (kind == Open.TEXT) {
            block.put("type", "text");
            block.put("text", "");
        } else {
            block.put("type", "thinking");
            block.put("thinking", "");
            block.put("signature", "");
        }
        out.accept(new StreamEvent.BlockStart(nextIndex++, block));
        open = kind;
    }

    private void wholeBlock(ObjectNode block, ObjectNode delta) {
        start();
        closeOpen();
        int index = nextIndex++;
        out.accept(new StreamEvent.BlockStart(index, block));
        if (delta != null) {
            out.accept(new StreamEvent.BlockDelta(index, delta));
        }
        out.accept(new StreamEvent.BlockStop(index));
    }

    private void closeOpen() {
        if (open != Open.NONE) {
            out.accept(new StreamEvent.BlockStop(nextIndex - 1));
            open = Open.NONE;
        }
    }

    private static ObjectNode delta(String type, String field, String value) {
        ObjectNode delta = Json.object();
        delta.put("type", type);
        delta.put(field, value);
        return delta;
    }
}
