package dev.anyclaude.backend;

import dev.anyclaude.stream.ModelEventSink;

import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/** What a backend hands back once the upstream's response headers are in. */
public sealed interface UpstreamReply extends AutoCloseable {

    /** Releases the upstream connection. Idempotent; safe to call from another thread to abort a read. */
    @Override
    void close();

    /**
     * The same reply, running {@code ended} once when it has been read to its end or closed, whichever
     * comes first (how long a call keeps its upstream busy).
     */
    static UpstreamReply onEnd(UpstreamReply reply, Runnable ended) {
        AtomicBoolean done = new AtomicBoolean();
        Runnable once = () -> {
            if (done.compareAndSet(false, true)) {
                ended.run();
            }
        };
        return switch (reply) {
            case Relay relay -> new Relay(relay.status(), relay.headers(), relay.body(), relay.tap(), () -> {
                try {
                    relay.close();
                } finally {
                    once.run();
                }
            });
            case Events events -> new Events() {
                @Override
                public void pump(ModelEventSink sink) {
                    try {
                        events.pump(sink);
                    } finally {
                        once.run();
                    }
                }

                @Override
                public String upstreamModel() {
                    return events.upstreamModel();
                }

                @Override
                public void close() {
                    try {
                        events.close();
                    } finally {
                        once.run();
                    }
                }
            };
        };
    }

    /** A decoded response: {@link #pump} reads the upstream to its end and emits model events. */
    non-sealed interface Events extends UpstreamReply {
        /**
         * Reads and decodes until the upstream response ends. The flow given to {@code sink} always ends
         * with exactly one Finish or Failure, whatever the upstream does.
         */
        void pump(ModelEventSink sink);

        /** The upstream model that produced the events, or null when the caller's choice stands unchanged. */
        default String upstreamModel() {
            return null;
        }
    }

    /**
     * A byte-faithful relay (Anthropic passthrough): status, the headers worth forwarding, and the
     * body to copy to the client as it arrives. {@code tap} sees the same bytes (for usage logging).
     */
    record Relay(int status, Map<String, List<String>> headers, InputStream body, RelayTap tap,
                 Runnable onClose) implements UpstreamReply {
        @Override
        public void close() {
            onClose.run();
        }
    }

    /** Observes relayed bytes without changing them. */
    interface RelayTap {
        void bytes(byte[] buffer, int offset, int length);

        /** Called once when the relay ended (normally or not). */
        void end();
    }
}
