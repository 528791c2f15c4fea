package dev.anyclaude.stream;

/**
 * The consumer of a response has gone (the client closed its connection). Thrown out of a sink so that
 * whoever is reading the upstream stops and releases it; nothing should try to report it downstream.
 */
public final class DownstreamGoneException extends RuntimeException {
    public DownstreamGoneException(Throwable cause) {
        super("the client closed the connection", cause);
    }
}
