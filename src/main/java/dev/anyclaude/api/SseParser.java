package dev.anyclaude.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A push-style, byte-level Server-Sent Events parser: feed it bytes as they arrive, in any split, and
 * it calls the listener once per complete event. Handles LF, CR and CRLF line ends (also split across
 * feeds), an optional space after the colon, multi-line {@code data} (joined with LF), comments, and
 * the non-standard {@code error:} field some llama.cpp builds send (reported as an event named
 * {@code error}). Lines are decoded as UTF-8 only when complete, so multi-byte characters may be split
 * anywhere; bytes that are not UTF-8 become U+FFFD and are counted ({@link #malformedLines()}).
 *
 * <p>Memory is bounded: a line, or the data of one event, longer than {@link #maxLength} bytes (a server
 * that never sends a line break) fails with {@link TooLongException} instead of growing without end.
 */
public final class SseParser {

    /** Receives parsed events. {@code event} is null when the frame had no {@code event:} line. */
    public interface Listener {
        void onEvent(String event, String data);

        /** A comment line ({@code : text}); upstreams use them as keep-alives. */
        default void onComment(String comment) {
        }
    }

    /** Far above any real chunk or event (a whole long answer in one chunk is a few MB). */
    public static final int DEFAULT_MAX_LENGTH = 16 * 1024 * 1024;

    /** A line or an event's data grew past the limit: the stream cannot be read on. */
    public static final class TooLongException extends RuntimeException {
        private final int limit;

        TooLongException(String what, int limit) {
            super(what + " longer than " + limit + " bytes");
            this.limit = limit;
        }

        public int limit() {
            return limit;
        }
    }

    private final Listener listener;
    private final int maxLength;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private int malformedLines;
    private boolean lastWasCr;
    private String event;
    private StringBuilder data;

    public SseParser(Listener listener) {
        this(listener, DEFAULT_MAX_LENGTH);
    }

    /** @param maxLength the longest line, and the most data one event may collect, in bytes */
    public SseParser(Listener listener, int maxLength) {
        this.listener = listener;
        this.maxLength = maxLength;
    }

    /** How many lines held bytes that are not UTF-8 (each such byte was read as U+FFFD). */
    public int malformedLines() {
        return malformedLines;
    }

    public void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int lineStart = offset;
        for (int i = offset; i < end; i++) {
            byte b = bytes[i];
            if (b == '\n' || b == '\r') {
                if (b == '\n' && lastWasCr && i == lineStart && line.size() == 0) {
                    // the LF of a CRLF whose CR ended the previous line
                    lastWasCr = false;
                    lineStart = i + 1;
                    continue;
                }
                append(bytes, lineStart, i - lineStart);
                lineStart = i + 1;
                lastWasCr = b == '\r';
                processLine();
            } else if (lastWasCr) {
                lastWasCr = false;
            }
        }
        if (lineStart < end) {
            append(bytes, lineStart, end - lineStart);
            lastWasCr = false;
        }
    }

    private void append(byte[] bytes, int offset, int length) {
        if (line.size() + length > maxLength) {
            line.reset();
            throw new TooLongException("an event-stream line without a line break", maxLength);
        }
        line.write(bytes, offset, length);
    }

    public void feed(byte[] bytes) {
        feed(bytes, 0, bytes.length);
    }

    /** End of input: a final line without its line end is processed, and a pending event is dispatched. */
    public void end() {
        if (line.size() > 0) {
            processLine();
        }
        dispatch();
    }

    private void processLine() {
        byte[] raw = line.toByteArray();
        line.reset();
        if (raw.length == 0) {
            dispatch();
            return;
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0 && !isUtf8(raw)) {
            malformedLines++;
        }
        if (text.charAt(0) == ':') {
            listener.onComment(text.substring(1).strip());
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> appendData(value);
            case "error" -> {
                event = "error";
                appendData(value);
            }
            default -> {
                // id, retry and unknown fields carry nothing we use
            }
        }
    }

    private void appendData(String value) {
        if (data == null) {
            data = new StringBuilder(value);
        } else {
            // many data lines and no blank line to end the event would collect without end
            if (data.length() + value.length() + 1 > maxLength) {
                data = null;
                throw new TooLongException("the data of one event", maxLength);
            }
            data.append('\n').append(value);
        }
    }

    /** Strict check, only for lines that decoded with U+FFFD (which can also be a real, encoded U+FFFD). */
    private static boolean isUtf8(byte[] raw) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(raw));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private void dispatch() {
        if (data != null) {
            String name = event;
            String payload = data.toString();
            event = null;
            data = null;
            listener.onEvent(name, payload);
        } else {
            event = null;
        }
    }
}
