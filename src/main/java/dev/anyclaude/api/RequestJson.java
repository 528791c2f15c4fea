package dev.anyclaude.api;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A client's request body as a JSON tree, read strictly: the bytes must be UTF-8, the JSON one value with
 * nothing after it, no object may repeat a key, and no string may hold a lone UTF-16 surrogate. Every
 * refusal is an {@code invalid_request_error} that says what is wrong and where, in words a client can act
 * on (no Java class or setting names).
 */
final class RequestJson {

    /**
     * Limits that keep a hostile body from costing more than its size: nesting deeper than this is refused
     * before the parser (or any recursive walk after it) can run out of stack; real requests nest a few
     * dozen levels at most. Numbers longer than 1000 digits mean nothing to any field we read.
     */
    static final int MAX_NESTING_DEPTH = 500;
    static final int MAX_NUMBER_LENGTH = 1000;

    /**
     * Duplicate keys are refused, as Anthropic's own parser does: a tree keeps only one of the values, so
     * accepting them would silently drop the other, and a proxy and its upstream could read different ones.
     */
    private static final JsonMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_NESTING_DEPTH)
                            .maxNumberLength(MAX_NUMBER_LENGTH)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RequestJson() {
    }

    /**
     * Values of 1 KB and more that requests repeat, parsed once: up to 16 MB of them, about a dozen Claude Code
     * sessions' tool lists, system prompts and histories (their trees take three to four times their bytes).
     */
    private static final SharedValues SHARED = new SharedValues(1024, 16L << 20);

    /** The top-level fields whose values are looked up in {@link #SHARED}; each of {@code messages} is too. */
    private static final Set<String> SHARED_FIELDS = Set.of("tools", "system");

    /** Reads one value from a parser that goes on after it (a field's value in the body). */
    private static final ObjectReader VALUE = MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * The body as a tree; throws an {@link ApiException} (400) when it is not strict UTF-8 JSON. The tools, the
     * system prompt and each message come from {@link #SHARED} when an earlier request sent the same bytes: such
     * subtrees are shared between requests and must not be changed. Anything unusual (a syntax error, a duplicate
     * key, bytes that are not UTF-8, a surrogate escape) is decided by reading the body whole, as {@link #parseWhole}
     * does, so that the answer and its error message do not depend on what earlier requests sent.
     */
    static JsonNode parse(byte[] body) {
        requireNoNulPrefix(body);
        Shared read;
        try {
            read = readSharing(body);
        } catch (JacksonException e) {
            read = null;
        }
        if (read == null || !read.uncheckedBytesAreClean(body)) {
            return parseWhole(body);
        }
        return read.root();
    }

    /** The values kept for the requests to come (tests: none may have been changed). */
    static List<SharedValues.Value> keptValues() {
        return SHARED.kept();
    }

    /** As {@link #parse}, the whole body read as one tree, nothing shared (what {@link #parse} must equal). */
    static JsonNode parseWhole(byte[] body) {
        requireUtf8(body);
        JsonNode root;
        try {
            root = MAPPER.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalidRequest("request body is not valid JSON: " + describe(e));
        }
        if (root == null || root.isMissingNode()) {
            throw ApiException.invalidRequest("request body is empty: expected a JSON object");
        }
        if (mayHoldSurrogateEscape(body, 0, body.length)) {
            String path = loneSurrogatePath(root, "");
            if (path != null) {
                throw ApiException.invalidRequest((path.isEmpty() ? "request body" : path)
                        + ": string contains a lone UTF-16 surrogate (a \\ud800-\\udfff escape without its pair),"
                        + " which is not a character");
            }
        }
        return root;
    }

    /**
     * A body read with kept values in it: {@code found} holds the start and end of each value taken from, or put
     * into, {@link #SHARED} (their bytes were checked when they were kept), in order.
     */
    private record Shared(ObjectNode root, List<int[]> found) {

        /** Whether the bytes between the found values are strict UTF-8 and free of surrogate escapes. */
        boolean uncheckedBytesAreClean(byte[] body) {
            int from = 0;
            for (int[] range : found) {
                if (!clean(body, from, range[0])) {
                    return false;
                }
                from = range[1];
            }
            return clean(body, from, body.length);
        }
    }

    private static boolean clean(byte[] body, int from, int to) {
        return isUtf8(body, from, to) && !mayHoldSurrogateEscape(body, from, to);
    }

    /**
     * A body that is one JSON object, read field by field with its large repeated values from {@link #SHARED};
     * null for any other body, which is then read whole. A value found there is skipped without being read: the
     * parser resumes after it on the rest of the body behind a few bytes that put it back where it was (inside the
     * top-level object, or inside {@code messages}). Values read here are kept for the requests after this one.
     */
    private static Shared readSharing(byte[] body) {
        List<int[]> found = new ArrayList<>();
        try (Cursor cursor = new Cursor(body)) {
            if (cursor.next() != JsonToken.START_OBJECT) {
                return null;
            }
            ObjectNode root = MAPPER.getNodeFactory().objectNode();
            Set<String> names = new HashSet<>();
            for (JsonToken token = cursor.next(); token != JsonToken.END_OBJECT; token = cursor.next()) {
                if (token != JsonToken.PROPERTY_NAME) {
                    return null;
                }
                String name = cursor.parser.currentName();
                if (!names.add(name)) {
                    return null; // a repeated key: read whole, which refuses it
                }
                JsonToken value = cursor.next();
                JsonNode node;
                if (value == JsonToken.START_ARRAY && name.equals("messages")) {
                    node = messages(cursor, found);
                } else if (SHARED_FIELDS.contains(name) && (value == JsonToken.START_ARRAY
                        || value == JsonToken.START_OBJECT)) {
                    int at = cursor.tokenStart();
                    SharedValues.Value kept = SHARED.find(body, at);
                    if (kept != null) {
                        found.add(new int[] {at, at + kept.length()});
                        cursor.resumeInObject(at + kept.length());
                        node = kept.node();
                    } else {
                        node = cursor.readAndKeep(at, found);
                    }
                } else {
                    node = VALUE.readTree(cursor.parser);
                }
                root.set(name, node);
            }
            if (cursor.next() != null) {
                return null;
            }
            return new Shared(root, found);
        }
    }

    /** The {@code messages} array at the cursor, each large message from {@link #SHARED} or kept there. */
    private static ArrayNode messages(Cursor cursor, List<int[]> found) {
        byte[] body = cursor.body;
        ArrayNode messages = MAPPER.getNodeFactory().arrayNode();
        for (JsonToken token = cursor.next(); token != JsonToken.END_ARRAY; token = cursor.next()) {
            if (token != JsonToken.START_OBJECT) {
                messages.add(VALUE.readTree(cursor.parser));
                continue;
            }
            int at = cursor.tokenStart();
            SharedValues.Value kept = SHARED.find(body, at);
            if (kept == null) {
                messages.add(cursor.readAndKeep(at, found));
                continue;
            }
            // found: so may the messages after it be, one after another, without a parser
            while (kept != null) {
                messages.add(kept.node());
                found.add(new int[] {at, at + kept.length()});
                int next = skipWhitespace(body, at + kept.length());
                if (next < body.length && body[next] == ',') {
                    at = skipWhitespace(body, next + 1);
                    kept = at < body.length && body[at] == '{' ? SHARED.find(body, at) : null;
                    if (kept == null) {
                        cursor.resumeInArray(at, true);
                    }
                } else {
                    cursor.resumeInArray(next, false);
                    kept = null;
                }
            }
        }
        return messages;
    }

    private static int skipWhitespace(byte[] body, int at) {
        int i = at;
        while (i < body.length && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) {
            i++;
        }
        return i;
    }

    /**
     * A parser over the body, or over the rest of it behind a prefix that restores the parser's context: offsets
     * are given in the body's own terms.
     */
    private static final class Cursor implements AutoCloseable {
        /** Inside an object, after a value: the rest of the body goes on with a comma or the closing brace. */
        private static final byte[] IN_OBJECT = "{\"\":0".getBytes(StandardCharsets.US_ASCII);
        /** Inside an array, after an element: a comma or the closing bracket follows. */
        private static final byte[] IN_ARRAY = "{\"\":[0".getBytes(StandardCharsets.US_ASCII);
        /** Inside an array, before an element. */
        private static final byte[] IN_ARRAY_BEFORE = "{\"\":[0,".getBytes(StandardCharsets.US_ASCII);

        final byte[] body;
        JsonParser parser;
        private int base;
        private int prefix;

        Cursor(byte[] body) {
            this.body = body;
            this.parser = MAPPER.createParser(body);
        }

        JsonToken next() {
            return parser.nextToken();
        }

        /** Where the current token starts in the body. */
        int tokenStart() {
            return Math.toIntExact(parser.currentTokenLocation().getByteOffset()) - prefix + base;
        }

        /**
         * Reads the value starting at the current token ({@code at} in the body) and keeps it if large; a kept
         * value's bytes were checked on the way in, so its range joins {@code checked}.
         */
        JsonNode readAndKeep(int at, List<int[]> checked) {
            JsonNode node = VALUE.readTree(parser);
            int end = Math.toIntExact(parser.currentLocation().getByteOffset()) - prefix + base;
            if (SHARED.keeps(end - at) && clean(body, at, end)) {
                SHARED.keep(body, at, end, node);
                checked.add(new int[] {at, end});
            }
            return node;
        }

        /** Goes on at {@code at}, just after a value of the top-level object. */
        void resumeInObject(int at) {
            resume(IN_OBJECT, at, 3);
        }

        /** Goes on at {@code at} inside {@code messages}: before an element, or after one. */
        void resumeInArray(int at, boolean beforeElement) {
            resume(beforeElement ? IN_ARRAY_BEFORE : IN_ARRAY, at, 4);
        }

        private void resume(byte[] context, int at, int contextTokens) {
            parser.close();
            parser = MAPPER.createParser(new SequenceInputStream(new ByteArrayInputStream(context),
                    new ByteArrayInputStream(body, at, body.length - at)));
            base = at;
            prefix = context.length;
            for (int i = 0; i < contextTokens; i++) {
                parser.nextToken();
            }
        }

        @Override
        public void close() {
            parser.close();
        }
    }

    /**
     * Refuses anything but UTF-8 with the offset of the first bad byte. Jackson checks the bytes of the
     * strings it reads, but it also guesses UTF-16 and UTF-32 from NUL bytes at the start and would read
     * such a body; JSON between systems is UTF-8 (RFC 8259, 8.1). A UTF-8 byte order mark is ignored, as
     * the RFC allows. Validates through a small buffer: the body is not copied.
     */
    private static void requireUtf8(byte[] body) {
        requireNoNulPrefix(body);
        ByteBuffer in = ByteBuffer.wrap(body);
        CoderResult bad = firstMalformed(in);
        if (bad != null) {
            int at = in.position();
            StringBuilder bytes = new StringBuilder();
            for (int i = at; i < Math.min(body.length, at + Math.max(bad.length(), 1)); i++) {
                bytes.append(bytes.isEmpty() ? "" : " ").append(String.format("0x%02X", body[i] & 0xFF));
            }
            throw ApiException.invalidRequest("request body is not valid UTF-8: invalid byte sequence "
                    + bytes + " at byte offset " + at);
        }
    }

    private static void requireNoNulPrefix(byte[] body) {
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                throw ApiException.invalidRequest("request body is not valid UTF-8 JSON: it starts with NUL bytes"
                        + " (UTF-16 or UTF-32?); send the JSON encoded as UTF-8");
            }
        }
    }

    /** Whether {@code body[from, to)} is strict UTF-8 (the range starts and ends at ASCII bytes). */
    private static boolean isUtf8(byte[] body, int from, int to) {
        return firstMalformed(ByteBuffer.wrap(body, from, to - from)) == null;
    }

    /**
     * Decodes {@code in} as strict UTF-8 through a small buffer (the characters are not kept): the error, with
     * {@code in} at its first byte, or null when all of it is UTF-8.
     */
    private static CoderResult firstMalformed(ByteBuffer in) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(Math.min(8 * 1024, Math.max(16, in.remaining())));
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                return result;
            }
            if (result.isUnderflow()) {
                return null;
            }
            out.clear(); // overflow: only validating
        }
    }

    /** What went wrong, where (line, column, and the field path when the parser knows it). */
    private static String describe(JacksonException e) {
        String message = e.getOriginalMessage() == null ? "malformed input" : e.getOriginalMessage();
        // Jackson's hints name its Java settings ("enable `JsonReadFeature...`", "from `StreamReadConstraints...`").
        message = message.replaceAll(",? from `[^`]*`", "")
                .replaceAll(": enable `[^`]*`[^;)]*", "")
                .replaceAll("\\s*\\(bound as `[^`]*`\\)", "")
                .replaceAll(" as per `[^`]*`", "")
                .replace("JsonToken.", "");
        StringBuilder out = new StringBuilder(message);
        TokenStreamLocation location = e.getLocation();
        if (location != null && location.getLineNr() > 0) {
            out.append(" at line ").append(location.getLineNr()).append(" column ").append(location.getColumnNr());
        }
        if (e.processor() instanceof JsonParser parser) {
            String path = path(parser.streamReadContext());
            if (!path.isEmpty()) {
                out.append(" (at ").append(path).append(')');
            }
        }
        return out.toString();
    }

    /** The parser's position as the dotted path the API's messages use ({@code messages.0.content}). */
    private static String path(TokenStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (TokenStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            String step = c.inArray() ? String.valueOf(c.getCurrentIndex()) : c.currentName();
            if (step != null) {
                path.insert(0, path.isEmpty() ? step : step + ".");
            }
        }
        return path.toString();
    }

    /** Only an escape can make a lone surrogate (strict UTF-8 cannot encode one): {@code \\uD800}-{@code \\uDFFF}. */
    private static boolean mayHoldSurrogateEscape(byte[] body, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (body[i] == '\\' && body[i + 1] == 'u' && (body[i + 2] == 'd' || body[i + 2] == 'D')) {
                byte b = body[i + 3];
                if ((b >= '8' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F')) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The path of the first key or string with an unpaired surrogate, or null. Depth is bounded by the parser. */
    private static String loneSurrogatePath(JsonNode node, String path) {
        if (node.isString()) {
            return hasLoneSurrogate(node.stringValue()) ? path : null;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = loneSurrogatePath(node.get(i), join(path, String.valueOf(i)));
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String fieldPath = join(path, field.getKey());
                if (hasLoneSurrogate(field.getKey())) {
                    return fieldPath;
                }
                String found = loneSurrogatePath(field.getValue(), fieldPath);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String join(String path, String step) {
        return path.isEmpty() ? step : path + "." + step;
    }

    private static boolean hasLoneSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
