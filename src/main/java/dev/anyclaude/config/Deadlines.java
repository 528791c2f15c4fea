package dev.anyclaude.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How long an upstream response may take, beyond the connect and headers timeouts. The defaults suit
 * slow local models: a 30B model prefilling a 20k-token Claude Code prompt can take minutes before its
 * first token, while a stream that stops in the middle is stuck much sooner.
 *
 * @param firstToken from sending the request to the first content (text, reasoning or a tool call)
 * @param idle       between two reads from the upstream once its response started
 * @param total      the whole request, retries included
 * @param commitAfter how long a streaming response may wait on a silent upstream before the gateway sends
 *                   {@code message_start} so that pings can flow. Before it, a failure is still an HTTP
 *                   status (what clients retry and compact on); after it, an {@code error} event. Pings are
 *                   also how a client that has gone is noticed, so this bounds how soon that happens.
 */
public record Deadlines(Duration firstToken, Duration idle, Duration total, Duration commitAfter) {
    public static final Duration DEFAULT_COMMIT_AFTER = Duration.ofMillis(500);
    public static final Deadlines DEFAULTS = new Deadlines(Duration.ofMinutes(10), Duration.ofMinutes(3),
            Duration.ofMinutes(30), DEFAULT_COMMIT_AFTER);

    public Deadlines(Duration firstToken, Duration idle, Duration total) {
        this(firstToken, idle, total, DEFAULT_COMMIT_AFTER);
    }

    public Deadlines {
        Objects.requireNonNull(firstToken, "firstToken");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(total, "total");
        Settings.requirePositive(firstToken, "firstTokenTimeout");
        Settings.requirePositive(idle, "idleTimeout");
        Settings.requirePositive(total, "totalTimeout");
        commitAfter = commitAfter == null ? DEFAULT_COMMIT_AFTER : commitAfter;
        Settings.requirePositive(commitAfter, "commitAfter");
    }

    public Deadlines withFirstToken(Duration d) {
        return new Deadlines(d, idle, total, commitAfter);
    }

    public Deadlines withIdle(Duration d) {
        return new Deadlines(firstToken, d, total, commitAfter);
    }

    public Deadlines withCommitAfter(Duration d) {
        return new Deadlines(firstToken, idle, total, d);
    }

    public Deadlines withTotal(Duration d) {
        return new Deadlines(firstToken, idle, d, commitAfter);
    }
}
