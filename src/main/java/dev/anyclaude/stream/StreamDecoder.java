package dev.anyclaude.stream;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.SseParser;

/**
 * Decodes one upstream SSE response into model events. Whatever the upstream sends, the flow it
 * emits ends with exactly one Finish or Failure.
 */
public interface StreamDecoder extends SseParser.Listener {

    /** The upstream body ended (EOF). */
    void end();

    /** True once the Finish or Failure went out; the reader may stop. */
    boolean ended();

    /** Ends the flow with a failure; no effect once it has ended. */
    void fail(ApiError error);
}
