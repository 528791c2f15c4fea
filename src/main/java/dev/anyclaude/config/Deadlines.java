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
 */
public record Deadlines(Duration firstToken, Duration idle, Duration total) {
    public static final Deadlines DEFAULTS = new Deadlines(Duration.ofMinutes(10), Duration.ofMinutes(3),
            Duration.ofMinutes(30));

    public Deadlines {
        Objects.requireNonNull(firstToken, "firstToken");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(total, "total");
        Settings.requirePositive(firstToken, "firstTokenTimeout");
        Settings.requirePositive(idle, "idleTimeout");
        Settings.requirePositive(total, "totalTimeout");
    }

    public Deadlines withFirstToken(Duration d) {
        return new Deadlines(d, idle, total);
    }

    public Deadlines withIdle(Duration d) {
        return new Deadlines(firstToken, d, total);
    }

    public Deadlines withTotal(Duration d) {
        return new Deadlines(firstToken, idle, d);
    }
}
