package dev.anyclaude.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A push-style, byte-level Server-Sent Events parser: feed it bytes as they arrive, in any split, and
 * it calls the listener once per complete event. Handles LF, CR and CRLF line ends (also split across
 * feeds), an optional space after the colon, multi-line {@code data} (joined with LF), comments, and
 * the non-standard {@code error:} field some llama.cpp builds send (reported as an event named
 * {@code error}). Lines are decoded as UTF-8 only when complete, so multi-byte characters may be split
 * anywhere.
 */
public final class SseParser {

    /** Receives parsed events. {@code event} is null when the frame had no {@code event:} line. */
    public interface Listener {
        void onEvent(String event, String data);

        /** A comment line ({@code : text}); upstreams use them as keep-alives. */
        default void onComment(String comment) {
        }
    }

    private final Listener listener;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private boolean lastWasCr;
    private String event;
    private StringBuilder data;

    public SseParser(Listener listener) {
        this.listener = listener;
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
                line.write(bytes, lineStart, i - lineStart);
                lineStart = i + 1;
                lastWasCr = b == '\r';
                processLine();
            } else if (lastWasCr) {
                lastWasCr = false;
            }
        }
        if (lineStart < end) {
            line.write(bytes, lineStart, end - lineStart);
            lastWasCr = false;
        }
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
            data.append('\n').append(value);
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
