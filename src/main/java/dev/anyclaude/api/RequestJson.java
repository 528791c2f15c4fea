package dev.anyclaude.api;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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

    /** The body as a tree; throws an {@link ApiException} (400) when it is not strict UTF-8 JSON. */
    static JsonNode parse(byte[] body) {
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
        if (mayHoldSurrogateEscape(body)) {
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
     * Refuses anything but UTF-8 with the offset of the first bad byte. Jackson checks the bytes of the
     * strings it reads, but it also guesses UTF-16 and UTF-32 from NUL bytes at the start and would read
     * such a body; JSON between systems is UTF-8 (RFC 8259, 8.1). A UTF-8 byte order mark is ignored, as
     * the RFC allows. Validates through a small buffer: the body is not copied.
     */
    private static void requireUtf8(byte[] body) {
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                throw ApiException.invalidRequest("request body is not valid UTF-8 JSON: it starts with NUL bytes"
                        + " (UTF-16 or UTF-32?); send the JSON encoded as UTF-8");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(8 * 1024);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) {
                int at = in.position();
                StringBuilder bytes = new StringBuilder();
                for (int i = at; i < Math.min(body.length, at + Math.max(result.length(), 1)); i++) {
                    bytes.append(bytes.isEmpty() ? "" : " ").append(String.format("0x%02X", body[i] & 0xFF));
                }
                throw ApiException.invalidRequest("request body is not valid UTF-8: invalid byte sequence "
                        + bytes + " at byte offset " + at);
            }
            if (result.isUnderflow()) {
                return;
            }
            out.clear(); // overflow: only validating, the characters are not kept
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
    private static boolean mayHoldSurrogateEscape(byte[] body) {
        for (int i = 0; i + 3 < body.length; i++) {
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
