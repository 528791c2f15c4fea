package dev.anyclaude.openai;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.stream.ModelEventSink;
import tools.jackson.databind.JsonNode;

import java.util.function.Supplier;

/**
 * Decodes a non-streamed OpenAI {@code chat.completion} body into model events: some servers answer
 * a streaming request with one, and OpenRouter reports some failures as a 200 body with an error.
 * Same rules as {@link ChatChunkDecoder}; the flow ends with exactly one Finish or Failure.
 */
public final class ChatCompletionDecoder {

    private ChatCompletionDecoder() {
    }

    public static void decode(JsonNode completion, ModelEventSink sink, Supplier<String> idGenerator) {
        ChatTurn turn = new ChatTurn(sink, idGenerator, ChatTurn.Shape.COMPLETION);
        if (completion == null || !completion.isObject()) {
            turn.fail(ApiError.apiError("upstream sent a completion that is not a JSON object"));
            return;
        }
        turn.accept(completion);
        JsonNode choices = completion.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            turn.fail(ApiError.apiError("upstream sent a completion without choices"));
            return;
        }
        turn.finish();
    }
}
