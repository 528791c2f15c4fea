package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;

import java.time.Duration;
import java.util.Optional;

/**
 * An upstream call that failed before its response started, with what a retry decision needs: whether
 * the request may have reached the model at all, the upstream's HTTP status, and its {@code Retry-After}.
 */
public final class UpstreamException extends ApiException {

    /** How the call failed. */
    public enum Kind {
        /** No connection was made (refused, unreachable, connect timeout): the upstream saw nothing. */
        CONNECT,
        /** The connection broke before a response status arrived. */
        IO,
        /** The upstream answered with an HTTP error status. */
        STATUS,
        /** A deadline ran out (headers, first token) or the call was cancelled. */
        TIMEOUT
    }

    private final Kind kind;
    private final int upstreamStatus;
    private final Duration retryAfter;

    public UpstreamException(ApiError error, Kind kind, int upstreamStatus, Duration retryAfter, Throwable cause) {
        super(error, cause);
        this.kind = kind;
        this.upstreamStatus = upstreamStatus;
        this.retryAfter = retryAfter;
    }

    public static UpstreamException status(ApiError error, int upstreamStatus, Duration retryAfter) {
        return new UpstreamException(error, Kind.STATUS, upstreamStatus, retryAfter, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The upstream's HTTP status, or 0 when none arrived. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Worth another attempt: no connection, a broken one, 408/409/429, or a server error (≥ 500, not 501). */
    public boolean retryable() {
        return switch (kind) {
            case CONNECT, IO -> true;
            case TIMEOUT -> false;
            case STATUS -> upstreamStatus == 408 || upstreamStatus == 409 || upstreamStatus == 429
                    || (upstreamStatus >= 500 && upstreamStatus != 501);
        };
    }
}
