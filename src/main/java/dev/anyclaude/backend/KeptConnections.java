package dev.anyclaude.backend;

import io.helidon.webclient.api.ClientConnection;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Connections to plain-HTTP upstreams (local model servers) kept between exchanges, so that a request does not
 * pay a new connection (a dozen system calls and wake-ups on both sides: docs/BENCHMARKS.md, thirteenth pass).
 * Ours rather than Helidon's pool: that one checks each idle connection with a timed read on a thread of its
 * own, and hands a request whatever bytes the previous response left on its connection.
 *
 * <p>Kept briefly ({@code maxIdle}, under the five seconds after which llama.cpp's and uvicorn's servers close an
 * idle connection themselves) and few to a server ({@code maxPerServer}: a server with a thread per connection
 * holds a thread for each). The newest is taken first, so a quiet spell lets the rest expire. A connection is
 * not taken when it has expired, is no longer connected, or has bytes waiting that no request asked for; one the
 * server closed without a word is found only by using it, and the exchange then tries once more on a new one.
 */
final class KeptConnections {
    /** A kept connection, its socket (which an abort closes) and since when it has been idle. */
    record Idle(ClientConnection connection, Socket socket, long since) {
    }

    private final Ticker ticker;
    private final long maxIdleNanos;
    private final int maxPerServer;
    /** Each server's kept connections, oldest first; a server with none has no entry. */
    private final Map<String, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean closed;

    KeptConnections(Ticker ticker, Duration maxIdle, int maxPerServer) {
        this.ticker = ticker;
        this.maxIdleNanos = maxIdle.toNanos();
        this.maxPerServer = maxPerServer;
    }

    /** The key of a server's connections. */
    static String server(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    /** The newest usable connection kept for {@code server}, or null; the unusable ones met on the way are closed. */
    Idle take(String server) {
        List<Idle> unusable = new ArrayList<>();
        Idle found = null;
        long now = ticker.nanos();
        synchronized (this) {
            ArrayDeque<Idle> kept = idle.get(server);
            while (kept != null && !kept.isEmpty() && found == null) {
                Idle newest = kept.pollLast();
                if (now - newest.since() > maxIdleNanos) {
                    // the rest are older still
                    unusable.add(newest);
                    unusable.addAll(kept);
                    kept.clear();
                } else if (usable(newest)) {
                    found = newest;
                } else {
                    unusable.add(newest);
                }
            }
            if (kept != null && kept.isEmpty()) {
                idle.remove(server);
            }
        }
        unusable.forEach(KeptConnections::close);
        return found;
    }

    /**
     * Keeps {@code connection} (whose exchange is over, its response read to the end) for {@code server}'s next
     * exchange; false when it is not kept (closed, full, or broken), and the caller closes it.
     */
    boolean keep(String server, ClientConnection connection, Socket socket) {
        if (socket == null || !usable(connection, socket)) {
            return false;
        }
        synchronized (this) {
            if (closed) {
                return false;
            }
            ArrayDeque<Idle> kept = idle.computeIfAbsent(server, key -> new ArrayDeque<>());
            if (kept.size() >= maxPerServer) {
                return false;
            }
            kept.addLast(new Idle(connection, socket, ticker.nanos()));
            return true;
        }
    }

    /** Closes the connections idle for longer than the limit; true when some are still kept. */
    boolean closeExpired() {
        List<Idle> expired = new ArrayList<>();
        long now = ticker.nanos();
        boolean left;
        synchronized (this) {
            for (Iterator<ArrayDeque<Idle>> servers = idle.values().iterator(); servers.hasNext(); ) {
                ArrayDeque<Idle> kept = servers.next();
                while (!kept.isEmpty() && now - kept.peekFirst().since() > maxIdleNanos) {
                    expired.add(kept.pollFirst());
                }
                if (kept.isEmpty()) {
                    servers.remove();
                }
            }
            left = !idle.isEmpty();
        }
        expired.forEach(KeptConnections::close);
        return left;
    }

    /** How many connections are kept. */
    synchronized int size() {
        return idle.values().stream().mapToInt(ArrayDeque::size).sum();
    }

    /** Closes every kept connection; none is kept from now on. */
    void close() {
        List<Idle> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(all::addAll);
            idle.clear();
        }
        all.forEach(KeptConnections::close);
    }

    private static boolean usable(Idle kept) {
        return usable(kept.connection(), kept.socket());
    }

    /** Still connected, and nothing waiting on it: no bytes in the reader's buffer or the socket's. */
    private static boolean usable(ClientConnection connection, Socket socket) {
        try {
            return connection.isConnected() && !socket.isClosed() && connection.reader().available() == 0
                    && socket.getInputStream().available() == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void close(Idle kept) {
        kept.connection().closeResource();
    }
}
