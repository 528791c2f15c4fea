package dev.anyclaude.backend;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that can be let go of once the upstream has answered. A streamed reply to a 50 KB Claude Code
 * prompt lasts a minute or more, and the request that asked for it is kept by the call all that time; its body
 * is dropped on {@link #release()}, which the gateway calls when the response headers are in (nothing resends
 * the request after that). {@link UpstreamHttp} sends the array itself, without a copy; as a JDK body publisher
 * it hands out the same array, read-only.
 */
final class ReleasableBody implements HttpRequest.BodyPublisher {

    private final long length;
    private volatile byte[] bytes;

    ReleasableBody(byte[] bytes) {
        this.bytes = bytes;
        this.length = bytes.length;
    }

    @Override
    public long contentLength() {
        return length;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        // the subscription reads the field when asked, and holds no array of its own: the exchange keeps
        // the subscription until the response has been read
        subscriber.onSubscribe(new Flow.Subscription() {
            private boolean done;

            @Override
            public void request(long n) {
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    done = true;
                }
                byte[] content = bytes;
                if (n <= 0) {
                    subscriber.onError(new IllegalArgumentException("demand must be positive, got " + n));
                } else if (content == null) {
                    subscriber.onError(new IOException("the request body was released before it was sent again"));
                } else {
                    subscriber.onNext(ByteBuffer.wrap(content).asReadOnlyBuffer());
                    subscriber.onComplete();
                }
            }

            @Override
            public synchronized void cancel() {
                done = true;
            }
        });
    }

    /** The bytes to send, or null once released. */
    byte[] bytes() {
        return bytes;
    }

    /** Lets go of the bytes; a later subscription fails. */
    void release() {
        bytes = null;
    }

    boolean released() {
        return bytes == null;
    }

    /** Releases {@code request}'s body if it is one of these. */
    static void releaseBodyOf(HttpRequest request) {
        request.bodyPublisher().ifPresent(body -> {
            if (body instanceof ReleasableBody releasable) {
                releasable.release();
            }
        });
    }
}
