package dev.anyclaude.api;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.util.JsonGeneratorDelegate;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a JSON tree as {@link Json#bytes} does, byte for byte, but with the quoted form of each long string
 * remembered and reused. An upstream request repeats almost all of the previous one: the tool descriptions,
 * the system prompt and every earlier message (a session's 49 KB request is mostly long strings), and JSON
 * quoting them again on every request (escaping each newline and quote, encoding to UTF-8) was most of the
 * time spent writing its body, on the way to the first token. The strings are looked up by content: the same
 * instance again (kept values of the request parse memo) is found by its cached hash and an identity check.
 *
 * <p>Bounded: strings of {@value #MIN_CHARS} to {@value #MAX_CHARS} characters, {@value #MAX_BYTES} bytes of
 * quoted forms in all; when full it is emptied and fills again. A string with a surrogate is written as it
 * would be anyway (Jackson's generator and its quoting part ways on lone ones).
 */
public final class RepeatedStrings {
    static final int MIN_CHARS = 256;
    static final int MAX_CHARS = 4 * 1024 * 1024;
    static final long MAX_BYTES = 16L * 1024 * 1024;
    /** Remembered for a string that must take the generator's own way. */
    private static final byte[] GENERATOR = new byte[0];

    private final ConcurrentHashMap<String, byte[]> quoted = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    /**
     * The size of the last body written, the first guess at the next one's: a Claude Code body (~50 KB) written
     * into a buffer that starts small is copied three times over as the buffer doubles.
     */
    private volatile int lastSize = MIN_BUFFER;
    private static final int MIN_BUFFER = 8 * 1024;
    private static final int MAX_BUFFER = 1024 * 1024;

    /** The JSON bytes of {@code node}: the same as {@link Json#bytes}. */
    public byte[] bytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(lastSize + lastSize / 8);
        try (JsonGenerator generator = new Quoting(Json.MAPPER.createGenerator(out))) {
            Json.MAPPER.writeValue(generator, node);
        }
        lastSize = Math.clamp(out.size(), MIN_BUFFER, MAX_BUFFER);
        return out.toByteArray();
    }

    /** Strings remembered now (for tests). */
    int size() {
        return quoted.size();
    }

    /** Bytes of quoted forms remembered now (for tests). */
    long bytesHeld() {
        return bytes.get();
    }

    private byte[] quotedForm(String text) {
        byte[] known = quoted.get(text);
        if (known != null) {
            return known;
        }
        byte[] made = Json.quotedUtf8(text);
        if (made == null) {
            made = GENERATOR;
        }
        if (bytes.addAndGet(made.length + 64L) > MAX_BYTES) {
            quoted.clear();
            bytes.set(made.length + 64L);
        }
        byte[] raced = quoted.putIfAbsent(text, made);
        return raced != null ? raced : made;
    }

    /** The generator that takes a long string's quoted form from the memo. */
    private final class Quoting extends JsonGeneratorDelegate {
        Quoting(JsonGenerator delegate) {
            super(delegate, true);
        }

        @Override
        public JsonGenerator writeString(String text) {
            if (text != null && text.length() >= MIN_CHARS && text.length() <= MAX_CHARS) {
                byte[] form = quotedForm(text);
                if (form != GENERATOR) {
                    // the quotes and the separator are added; the bytes are written as they are
                    delegate.writeRawUTF8String(form, 0, form.length);
                    return this;
                }
            }
            return super.writeString(text);
        }

        /**
         * Straight to the generator, which copies a {@link FrozenJson} object's UTF-8 bytes (the delegate's
         * inherited way re-encodes the text from its characters).
         */
        @Override
        public JsonGenerator writeRawValue(SerializableString raw) {
            delegate.writeRawValue(raw);
            return this;
        }
    }
}
