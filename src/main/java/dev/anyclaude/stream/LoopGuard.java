package dev.anyclaude.stream;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.cfg.JsonNodeFeature;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Ends a response that has degenerated: a model caught in a loop would otherwise stream until
 * {@code max_tokens}, which on a local server can be many minutes of the same paragraph. Events pass
 * unchanged until one of three things is seen, then the guard trips: it ends the response with
 * {@code Finish(MAX_TOKENS)}, runs {@code onTrip} once (the server cancels the upstream request), logs
 * the reason and ignores everything after, the upstream's own end included.
 *
 * <ul>
 *   <li><b>A repeated passage.</b> The tail of the visible text, or of the thinking (each on its own),
 *       is one passage written back to back: at least {@link Limits#minRepeats()} times and over at
 *       least {@link Limits#minSpanChars()} characters. Near-repetition (rows that differ by a number,
 *       getters that differ by a name) is not a loop and does not count. Whitespace alone trips only when
 *       it runs {@value #WHITESPACE_FACTOR} times {@code minSpanChars}: some models pad with newlines for a
 *       while and then stop on their own. A passage longer than {@code windowChars / minRepeats} is not
 *       seen; the budget is what ends that.</li>
 *   <li><b>A repeated tool call.</b> The same tool with the same input (compared as JSON, key order
 *       aside) {@link Limits#maxIdenticalToolCalls()} times in the response; that call is not passed on.</li>
 *   <li><b>Endless output.</b> More text, thinking and tool input than the budget given, if any. The
 *       output up to the budget passes.</li>
 * </ul>
 *
 * <p>Each channel's tail is looked at every {@value #CHECK_EVERY} characters, at the same positions
 * however the output is split into deltas; a delta that trips is cut at the position that tripped. So
 * the decision and what passes do not depend on the chunking.
 */
public final class LoopGuard implements ModelEventSink {
    private static final Logger LOG = LoggerFactory.getLogger(LoopGuard.class);

    /** Characters of a channel between two looks at its tail: a loop is seen at most this late. */
    static final int CHECK_EVERY = 256;
    /** How many times {@code minSpanChars} a whitespace-only repetition must span to trip. */
    static final int WHITESPACE_FACTOR = 8;

    private static final ObjectWriter CANONICAL = Json.MAPPER.writer().with(JsonNodeFeature.WRITE_PROPERTIES_SORTED);

    /**
     * When the guard trips.
     *
     * @param minRepeats            how many times a passage must be repeated back to back (at least 2)
     * @param minSpanChars          how many characters the repetition must span at least, whatever the passage
     * @param maxIdenticalToolCalls the count of identical tool calls that trips (at least 2)
     * @param windowChars           how much of each channel's tail is kept and looked at; passages longer than
     *                              {@code windowChars / minRepeats} are not seen (at least {@code minSpanChars})
     */
    public record Limits(int minRepeats, int minSpanChars, int maxIdenticalToolCalls, int windowChars) {

        public static final Limits DEFAULTS = new Limits(10, 2000, 5, 16384);

        private static final Limits DISABLED = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE);

        public Limits {
            atLeast("minRepeats", minRepeats, 2);
            atLeast("minSpanChars", minSpanChars, 1);
            atLeast("maxIdenticalToolCalls", maxIdenticalToolCalls, 2);
            atLeast("windowChars", windowChars, 1);
            if (windowChars < minSpanChars) {
                throw new IllegalArgumentException("windowChars (" + windowChars
                        + ") must be at least minSpanChars (" + minSpanChars + "), or no repetition could be seen");
            }
        }

        /** Limits under which the guard passes everything and never trips, budget or not. */
        public static Limits disabled() {
            return DISABLED;
        }

        public boolean enabled() {
            return !equals(DISABLED);
        }

        private static void atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ", was " + value);
            }
        }
    }

    private final Limits limits;
    private final boolean enabled;
    private final long budget;
    private final Runnable onTrip;
    private final ModelEventSink next;
    private final Tail text;
    private final Tail thinking;
    /** The Z-function of a reversed tail, shared by both tails (one is looked at a time). */
    private int[] z;
    private long outputChars;
    /** How often each distinct tool call was seen, by a digest of its name and canonical input. */
    private final Map<String, Integer> toolCalls = new HashMap<>();
    private String tripReason;

    /**
     * @param maxOutputChars the output budget in characters (text, thinking and tool input together);
     *                       null for none
     * @param onTrip         run once when the guard trips, after the response was ended
     */
    public LoopGuard(Limits limits, Long maxOutputChars, Runnable onTrip, ModelEventSink next) {
        if (maxOutputChars != null && maxOutputChars <= 0) {
            throw new IllegalArgumentException("maxOutputChars must be positive or null, was " + maxOutputChars);
        }
        this.limits = Objects.requireNonNull(limits, "limits");
        this.enabled = limits.enabled();
        this.budget = maxOutputChars == null ? Long.MAX_VALUE : maxOutputChars;
        this.onTrip = Objects.requireNonNull(onTrip, "onTrip");
        this.next = Objects.requireNonNull(next, "next");
        this.text = new Tail("visible text", limits.windowChars());
        this.thinking = new Tail("thinking", limits.windowChars());
    }

    /** Why the guard ended the response, once it has; the reason its WARN line gave. */
    public Optional<String> tripReason() {
        return Optional.ofNullable(tripReason);
    }

    @Override
    public void accept(ModelEvent event) {
        if (tripReason != null) {
            return;
        }
        if (!enabled) {
            next.accept(event);
            return;
        }
        switch (event) {
            case ModelEvent.TextDelta delta -> content(delta, delta.text(), text);
            case ModelEvent.ThinkingDelta delta -> content(delta, delta.text(), thinking);
            case ModelEvent.ToolCall call -> toolCall(call);
            case ModelEvent.ThinkingSignature signature -> next.accept(signature);
            case ModelEvent.RedactedThinking redacted -> next.accept(redacted);
            case ModelEvent.Usage usage -> next.accept(usage);
            case ModelEvent.Finish finish -> next.accept(finish);
            case ModelEvent.Failure failure -> next.accept(failure);
        }
    }

    private void content(ModelEvent event, String chars, Tail tail) {
        int at = 0;
        int length = chars.length();
        while (at < length) {
            long budgetLeft = budget - outputChars;
            if (budgetLeft <= 0) {
                int cut = at;
                char before = at > 0 ? chars.charAt(at - 1) : tail.last();
                if (Character.isHighSurrogate(before) && Character.isLowSurrogate(chars.charAt(at))) {
                    cut++;
                }
                trip(part(tail, chars, cut), "the output passed its budget of " + budget + " characters");
                return;
            }
            int step = (int) Math.min(Math.min(length - at, tail.untilCheck), budgetLeft);
            tail.append(chars, at, at + step);
            at += step;
            outputChars += step;
            if (tail.untilCheck == 0) {
                String loop = look(tail);
                if (loop != null) {
                    trip(part(tail, chars, at), loop);
                    return;
                }
            }
        }
        next.accept(event);
    }

    /** At a checkpoint: why the tail is a loop, or null. */
    private String look(Tail tail) {
        if (Character.isHighSurrogate(tail.last())) {
            // Never cut between the halves of a pair: look one character later.
            tail.untilCheck = 1;
            return null;
        }
        tail.untilCheck = CHECK_EVERY;
        if (tail.trailingWhitespace >= (long) WHITESPACE_FACTOR * limits.minSpanChars()) {
            return "the " + tail.name + " ends in " + tail.trailingWhitespace + " whitespace characters";
        }
        int window = tail.windowLength();
        if (window < limits.minSpanChars()) {
            return null;
        }
        int maxPeriod = window / limits.minRepeats();
        if (z == null || z.length <= maxPeriod) {
            z = new int[limits.windowChars() / limits.minRepeats() + 1];
        }
        int period = tail.loopPeriod(z, maxPeriod, limits.minRepeats(), limits.minSpanChars());
        if (period == 0) {
            return null;
        }
        int span = period + z[period];
        return "the " + tail.name + " repeats a " + period + "-character passage " + span / period
                + " times back to back (\"" + TextToolCallFilter.excerpt(tail.firstOfSpan(span, period)) + "\")";
    }

    private void toolCall(ModelEvent.ToolCall call) {
        int seen = toolCalls.merge(fingerprint(call.name(), call.inputJson()), 1, Integer::sum);
        if (seen >= limits.maxIdenticalToolCalls()) {
            trip(null, "the tool call " + call.name() + " came " + seen + " times with the same input");
            return;
        }
        if (call.inputJson().length() > budget - outputChars) {
            trip(null, "the output passed its budget of " + budget + " characters");
            return;
        }
        outputChars += call.inputJson().length();
        next.accept(call);
    }

    /** The first {@code end} characters of a delta in {@code tail}'s channel, or null if none. */
    private ModelEvent part(Tail tail, String chars, int end) {
        if (end == 0) {
            return null;
        }
        String part = chars.substring(0, end);
        return tail == thinking ? new ModelEvent.ThinkingDelta(part) : new ModelEvent.TextDelta(part);
    }

    /** Passes the part of a delta before the trip point, if any, then the end; {@code onTrip} in any case. */
    private void trip(ModelEvent before, String reason) {
        tripReason = reason;
        LOG.warn("loop guard tripped: {}; the response ends as cut off by max_tokens", reason);
        try {
            if (before != null) {
                next.accept(before);
            }
            next.accept(new ModelEvent.Finish(StopReason.MAX_TOKENS, null));
        } finally {
            onTrip.run();
        }
    }

    /**
     * Identifies a call by its name and its input written with sorted keys; a digest, so a large input
     * is not kept for the rest of the response.
     */
    static String fingerprint(String name, String inputJson) {
        byte[] input;
        try {
            input = CANONICAL.writeValueAsBytes(Json.parse(inputJson));
        } catch (JacksonException e) {
            input = inputJson.getBytes(StandardCharsets.UTF_8);
        }
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        digest.update(name.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(input);
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Characters held for the tails: bounded by twice the window each, however long the output. */
    int heldChars() {
        return text.capacity() + thinking.capacity();
    }

    /**
     * The last {@code window} characters of one channel, in a buffer of up to twice that (so a shift is
     * paid once per window of input), grown as the channel grows.
     */
    private static final class Tail {
        private static final char[] EMPTY = {};

        final String name;
        private final int window;
        private char[] chars = EMPTY;
        private int length;
        /** Characters until the next look. */
        int untilCheck = CHECK_EVERY;
        /** Whitespace characters at the end of the channel, not only of the window. */
        long trailingWhitespace;

        Tail(String name, int window) {
            this.name = name;
            this.window = window;
        }

        void append(String source, int from, int to) {
            int count = to - from;
            untilCheck -= count;
            int blank = 0;
            while (blank < count && Character.isWhitespace(source.charAt(to - 1 - blank))) {
                blank++;
            }
            trailingWhitespace = blank == count ? trailingWhitespace + count : blank;
            if (count >= window) {
                ensure(window);
                source.getChars(to - window, to, chars, 0);
                length = window;
                return;
            }
            long limit = 2L * window;
            if (length + count > limit) {
                int keep = Math.min(length, window - count);
                System.arraycopy(chars, length - keep, chars, 0, keep);
                length = keep;
            }
            ensure(length + count);
            source.getChars(from, to, chars, length);
            length += count;
        }

        private void ensure(int needed) {
            if (needed > chars.length) {
                int grown = (int) Math.min(2L * window, Math.max(needed, Math.max(1024, 2L * chars.length)));
                chars = Arrays.copyOf(chars, grown);
            }
        }

        char last() {
            return length == 0 ? '\0' : chars[length - 1];
        }

        int windowLength() {
            return Math.min(length, window);
        }

        int capacity() {
            return chars.length;
        }

        /** The first {@code count} characters of the last {@code span}: the passage as the loop began it. */
        String firstOfSpan(int span, int count) {
            return new String(chars, length - span, count);
        }

        /**
         * The smallest period {@code p <= maxPeriod} whose repetition at the end of the window spans
         * {@code max(minRepeats * p, minSpan)} characters, with a passage that is not all whitespace;
         * 0 if none. The span for {@code p} is {@code p + z[p]}, z the Z-function of the reversed window
         * (the longest run where the tail agrees with itself shifted by {@code p}); only
         * {@code z[1..maxPeriod]} is computed, which on text that is not periodic costs about
         * {@code maxPeriod} steps.
         */
        int loopPeriod(int[] z, int maxPeriod, int minRepeats, int minSpan) {
            int size = windowLength();
            int end = length - 1;
            char[] c = chars;
            int left = 0;
            int right = 0;
            for (int p = 1; p <= maxPeriod; p++) {
                int match = p < right ? Math.min(right - p, z[p - left]) : 0;
                while (p + match < size && c[end - match] == c[end - p - match]) {
                    match++;
                }
                z[p] = match;
                if (p + match > right) {
                    left = p;
                    right = p + match;
                }
                if (p + match >= Math.max((long) minRepeats * p, minSpan) && p > trailingWhitespace) {
                    return p;
                }
            }
            return 0;
        }
    }
}
