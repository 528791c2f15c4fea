package dev.anyclaude.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Encodes events as SSE frames: {@code event: NAME\ndata: JSON\n\n}. */
public final class SseEncoder {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEncoder() {
    }

    public static byte[] encode(StreamEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(EVENT);
        out.writeBytes(event.name().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(DATA);
        // Jackson escapes control characters, so the JSON is always one line.
        out.writeBytes(Json.bytes(event.toJson()));
        out.writeBytes(END);
        return out.toByteArray();
    }
}
