package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.StreamDecoder;
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

    private final ChatTurn turn;

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
        JsonNode chunk;
        try {
            chunk = Json.parse(payload);
        } catch (JacksonException e) {
            chunk = null;
        }
        if (chunk == null || !chunk.isObject()) {
            String excerpt = payload.length() > MALFORMED_EXCERPT ? payload.substring(0, MALFORMED_EXCERPT) : payload;
            turn.fail(ApiError.apiError("upstream sent a malformed chunk: " + excerpt));
            return;
        }
        turn.accept(chunk);
    }

    @Override
    public void end() {
        turn.endOfInput();
    }

    @Override
    public boolean ended() {
        return turn.ended();
    }

    @Override
    public void fail(ApiError error) {
        turn.fail(error);
    }
}
