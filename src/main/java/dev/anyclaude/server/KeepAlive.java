package dev.anyclaude.server;

/** A client stream that a {@link Heartbeat} can keep alive. */
interface KeepAlive {

    /** Whether the response has started, so that a ping may be written. */
    boolean committed();

    /**
     * Writes a {@code ping} if nothing was written for {@code idleNanos}.
     *
     * @throws dev.anyclaude.stream.DownstreamGoneException when the write fails: the client has gone
     */
    void pingIfIdle(long idleNanos);
}
