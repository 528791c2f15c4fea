package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.StreamDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.function.Supplier;

/**
 * Decodes a streamed OpenAI Chat Completions response ({@code chat.completion.chunk} events) into
 * model events. Feed it from an {@link SseParser}; call {@link #end()} when the upstream body ends.
 * The emitted flow always ends with exactly one Finish or Failure, whatever the upstream sends.
 */
public final class ChatChunkDecoder implements StreamDecoder {

    private static final int MALFORMED_EXCERPT = 200;

    private static final Logger LOG = LoggerFactory.getLogger(ChatChunkDecoder.class);

    private final ChatTurn turn;
    private int skippedLines;
    private String firstSkipped;

    /** @param idGenerator makes tool-use ids for calls the upstream gave none (or a repeated one) */
    public ChatChunkDecoder(ModelEventSink sink, Supplier<String> idGenerator) {
        this.turn = new ChatTurn(sink, idGenerator, ChatTurn.Shape.CHUNK);
    }

    @Override
    public void onEvent(String event, String data) {
        if (turn.ended()) {
            return;
        }
        if ("error".equals(event)) {
            turn.fail(StreamErrors.fromEventData(data));
            return;
        }
        String payload = data.strip();
        if (payload.isEmpty()) {
            return;
        }
        if (payload.equals("[DONE]")) {
            turn.finish();
            return;
        }
        char first = payload.charAt(0);
        if (first != '{' && first != '[' && first != '"') {
            // Not JSON at all ("data: keep-alive", a proxy's status text): no chunk was lost, so it is skipped.
            if (skippedLines++ == 0) {
                firstSkipped = excerpt(payload);
                LOG.warn("upstream sent a data line that is not JSON; skipping it (and any more): {}", excerpt(payload));
            }
            return;
        }
        JsonNode chunk;
        try {
            chunk = Json.parse(payload);
        } catch (JacksonException e) {
            chunk = null;
        }
        if (chunk == null || !chunk.isObject()) {
            // JSON that does not parse is a chunk cut short or mangled: its content is lost, so the turn fails.
            LOG.warn("upstream sent a malformed chunk: {}", excerpt(payload));
            turn.fail(ApiError.apiError("upstream sent a malformed chunk: " + excerpt(payload)));
            return;
        }
        turn.accept(chunk);
    }

    private static String excerpt(String payload) {
        return payload.length() > MALFORMED_EXCERPT ? payload.substring(0, MALFORMED_EXCERPT) + "..." : payload;
    }

    @Override
    public void end() {
        if (firstSkipped != null && !turn.ended() && !turn.started()) {
            turn.fail(ApiError.apiError("upstream sent no chunk, only data that is not JSON: " + firstSkipped));
            return;
        }
        turn.endOfInput();
    }

    @Override
    public boolean ended() {
        return turn.ended();
    }

    /** Whether the stream ended with a complete answer ({@code [DONE]} after it, or its end), not a failure. */
    public boolean completed() {
        return turn.completed();
    }

    @Override
    public void fail(ApiError error) {
        turn.fail(error);
    }
}
