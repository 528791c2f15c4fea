package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;

/**
 * An events reply whose failure before the first content can be taken back. Upstreams answer 200 and then
 * fail (OpenRouter's in-stream {@code {"error":{"code":502}}}, a connection reset before the first token):
 * the client has seen nothing yet, so the failure is withheld, the reply closed, and the
 * {@link Continuation} asked for another one (a retry or a fallback) whose events go on into the same sink.
 * Once content has passed, failures pass too: the client has part of an answer and the stream must end
 * with an error.
 *
 * <p>Usage figures are not content: they may pass before a failure that is then taken back.
 */
public final class RestartableEvents implements UpstreamReply.Events {

    /** Decides what follows the current reply; the caller's retry policy lives behind it. */
    public interface Continuation {
        /** The current reply began to answer (its first content, or a normal end): it will not be replaced. */
        void started();

        /**
         * The current reply failed before any content and has been closed. Returns the reply to continue
         * with, or null to let {@code failure} through; an {@link ApiException} ends the flow with its error.
         */
        UpstreamReply.Events retry(ApiError failure);

        /** The reply was closed while the current attempt had not yet started or failed. */
        void abandoned();

        /** The upstream model the current reply comes from. */
        String upstreamModel();
    }

    private final Continuation continuation;
    private volatile UpstreamReply.Events current;
    private volatile boolean closed;

    public RestartableEvents(UpstreamReply.Events first, Continuation continuation) {
        this.current = first;
        this.continuation = continuation;
    }

    @Override
    public void pump(ModelEventSink sink) {
        Gate gate = new Gate(sink);
        while (true) {
            UpstreamReply.Events reply = current;
            reply.pump(gate);
            ApiError failure = gate.takeWithheld();
            if (failure == null) {
                return;
            }
            reply.close();
            if (closed) {
                // the caller closed us (its client left): nobody waits for another attempt
                sink.accept(new ModelEvent.Failure(failure));
                return;
            }
            UpstreamReply.Events next;
            try {
                next = continuation.retry(failure);
            } catch (ApiException e) {
                sink.accept(new ModelEvent.Failure(e.error()));
                return;
            }
            if (next == null) {
                sink.accept(new ModelEvent.Failure(failure));
                return;
            }
            current = next;
            if (closed) {
                next.close();
                continuation.abandoned();
                sink.accept(new ModelEvent.Failure(failure));
                return;
            }
        }
    }

    @Override
    public String upstreamModel() {
        return continuation.upstreamModel();
    }

    /** Closes whichever reply is current; safe from another thread while {@link #pump} runs. */
    @Override
    public void close() {
        closed = true;
        current.close();
        continuation.abandoned();
    }

    /** Passes events on, holding back a failure that comes before any content. */
    private final class Gate implements ModelEventSink {
        private final ModelEventSink next;
        private boolean started;
        private boolean withholding;
        private ApiError withheld;

        Gate(ModelEventSink next) {
            this.next = next;
        }

        @Override
        public void accept(ModelEvent event) {
            if (withholding) {
                return; // a flow ends at its failure; nothing of this reply may follow it
            }
            if (!started) {
                if (event instanceof ModelEvent.Failure failure) {
                    withholding = true;
                    withheld = failure.error();
                    return;
                }
                if (ModelEvent.beginsAnswer(event)) {
                    started = true;
                    continuation.started();
                }
            }
            next.accept(event);
        }

        /** The failure held back from the reply just pumped, or null; readies the gate for the next reply. */
        ApiError takeWithheld() {
            ApiError failure = withheld;
            withheld = null;
            withholding = false;
            return failure;
        }
    }
}
