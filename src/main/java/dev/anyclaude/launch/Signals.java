package dev.anyclaude.launch;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Takes SIGINT, SIGTERM and SIGHUP away from the JVM's default (run the shutdown hooks and exit) and hands them to
 * a handler that can change as the launch goes on; {@link #close} puts the previous handlers back.
 *
 * <p>Why: {@code claude} runs in the same terminal, in the same foreground process group as anyclaude, so the
 * terminal sends Ctrl-C's SIGINT to both. Claude Code handles Ctrl-C itself (it cancels a turn, and exits on a
 * second press); if the JVM died of it, the gateway would vanish under a Claude Code that is still running. The JDK
 * has no public API to handle signals, so this uses {@code sun.misc.Signal} from the {@code jdk.unsupported} module,
 * which is exported for exactly this and is in every JDK since 9. A handler installed this way is a caught signal,
 * which {@code exec} resets to the default in child processes, so {@code claude} still gets SIGINT as usual; a
 * signal that was ignored when the JVM started (under {@code nohup}, say) stays ignored, for anyclaude and its
 * children alike.
 */
public final class Signals implements AutoCloseable {

    /** The signals routed, with their numbers (the same on Linux and macOS). */
    public enum Kind {
        HUP(1), INT(2), TERM(15);

        private final int number;

        Kind(int number) {
            this.number = number;
        }

        /** The conventional exit status of a process ended by this signal. */
        public int exitStatus() {
            return 128 + number;
        }
    }

    private final Map<Kind, sun.misc.SignalHandler> previous = new EnumMap<>(Kind.class);
    private volatile Consumer<Kind> handler;

    private Signals(Consumer<Kind> handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** Routes the signals to {@code handler}, which runs on a thread of the JVM's signal dispatcher. */
    public static Signals install(Consumer<Kind> handler) {
        Signals signals = new Signals(handler);
        for (Kind kind : Kind.values()) {
            try {
                signals.previous.put(kind, sun.misc.Signal.handle(new sun.misc.Signal(kind.name()),
                        signal -> signals.handler.accept(kind)));
            } catch (IllegalArgumentException e) {
                // the VM reserves it (-Xrs): leave the default in place
            }
        }
        return signals;
    }

    /** From now on the signals go to {@code newHandler}. */
    public void handleWith(Consumer<Kind> newHandler) {
        this.handler = Objects.requireNonNull(newHandler, "newHandler");
    }

    @Override
    public void close() {
        previous.forEach((kind, old) -> {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(kind.name()), old);
            } catch (IllegalArgumentException e) {
                // nothing to restore
            }
        });
        previous.clear();
    }
}
