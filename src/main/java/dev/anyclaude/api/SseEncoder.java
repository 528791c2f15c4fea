package dev.anyclaude.api;

import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/** Encodes events as SSE frames: {@code event: NAME\ndata: JSON\n\n}. */
public final class SseEncoder {
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_HEAD = ("event: content_block_delta\ndata: {\"type\":\"content_block_delta\","
            + "\"index\":").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_TYPE = ",\"delta\":{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BETWEEN = "\",\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NAME_END = "\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DELTA_END = "\"}}\n\n".getBytes(StandardCharsets.US_ASCII);

    private SseEncoder() {
    }

    public static byte[] encode(StreamEvent event) {
        if (event instanceof StreamEvent.BlockDelta delta) {
            byte[] fast = delta(delta);
            if (fast != null) {
                return fast;
            }
        }
        return generic(event);
    }

    /** Any event, through its JSON tree. */
    static byte[] generic(StreamEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        out.writeBytes(EVENT);
        out.writeBytes(event.name().getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(DATA);
        // Jackson escapes control characters, so the JSON is always one line.
        out.writeBytes(Json.bytes(event.toJson()));
        out.writeBytes(END);
        return out.toByteArray();
    }

    /**
     * The event of most of a stream, a delta of one string ({@code {"type":"text_delta","text":"..."}} and its
     * kin), written straight from its strings with Jackson's own string quoting: the same bytes as through the
     * tree (SseEncoderTest compares them), without building and walking one per token. Null for any other
     * shape, or a string with a surrogate (Jackson's generator and its quoting part ways on lone ones).
     */
    static byte[] delta(StreamEvent.BlockDelta event) {
        JsonNode delta = event.delta();
        if (delta.size() != 2) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = delta.properties().iterator();
        Map.Entry<String, JsonNode> type = fields.next();
        Map.Entry<String, JsonNode> value = fields.next();
        if (!type.getKey().equals("type") || !type.getValue().isString() || !value.getValue().isString()) {
            return null;
        }
        byte[] typeName = Json.quotedUtf8(type.getValue().stringValue());
        byte[] name = Json.quotedUtf8(value.getKey());
        byte[] text = Json.quotedUtf8(value.getValue().stringValue());
        if (typeName == null || name == null || text == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(DELTA_HEAD.length + text.length + 64);
        out.writeBytes(DELTA_HEAD);
        out.writeBytes(Integer.toString(event.index()).getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(DELTA_TYPE);
        out.writeBytes(typeName);
        out.writeBytes(BETWEEN);
        out.writeBytes(name);
        out.writeBytes(NAME_END);
        out.writeBytes(text);
        out.writeBytes(DELTA_END);
        return out.toByteArray();
    }
}
