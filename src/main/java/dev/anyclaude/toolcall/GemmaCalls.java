package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The call syntax Gemma 4 and FunctionGemma share: {@code OPEN call:NAME{key:QvalueQ,n:42,flag:true,
 * obj:{a:1},list:[1,2]} CLOSE}, keys bare (or quoted), strings between a quote token {@code Q}
 * ({@code <|"|>} in Gemma 4, {@code <escape>} in FunctionGemma) that may hold anything but {@code Q} itself
 * (commas, braces, colons, newlines), other values bare literals ({@code true/false/null/none/nil}, numbers)
 * or nested objects and arrays. Several calls may follow each other in one region.
 *
 * <p>Top-level values become {@link Arguments.Param}s: quoted strings with the family's string kind, bare
 * literals as JSON, other bare words untyped (the schema decides), nested objects and arrays as JSON text.
 */
final class GemmaCalls {

    static final String CALL = "call:";
    private static final int MAX_HEADER = 256;
    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final String open;
    private final String close;
    private final String quote;
    private final Arguments.ValueKind stringKind;

    /**
     * @param stringKind how a quoted top-level value is passed on: STRING when the quotes mean "string"
     *                   whatever the text looks like, UNTYPED when the schema should still decide
     */
    GemmaCalls(String open, String close, String quote, Arguments.ValueKind stringKind) {
        this.open = open;
        this.close = close;
        this.quote = quote;
        this.stringKind = stringKind;
    }

    String open() {
        return open;
    }

    /**
     * Whether text starting with the opener is a call: {@code call:} or a name followed by {@code {}.
     * MAYBE while too little has arrived.
     */
    ToolCallFormat.Claim claims(String fromOpener) {
        int i = open.length();
        while (i < fromOpener.length() && Character.isWhitespace(fromOpener.charAt(i))) {
            i++;
        }
        String rest = fromOpener.substring(i);
        if (rest.startsWith(CALL)) {
            return ToolCallFormat.Claim.YES;
        }
        if (CALL.startsWith(rest)) {
            return ToolCallFormat.Claim.MAYBE;
        }
        for (int k = 0; k < rest.length(); k++) {
            char c = rest.charAt(k);
            if (c == '{') {
                return k > 0 ? ToolCallFormat.Claim.YES : ToolCallFormat.Claim.NO;
            }
            if (!isNameChar(c) || k >= MAX_HEADER) {
                return ToolCallFormat.Claim.NO;
            }
        }
        return ToolCallFormat.Claim.MAYBE;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    // ---------------------------------------------------------------------------------------------------
    // Where a region ends, while it streams in

    private enum Phase { HEADER, BODY, AFTER }

    /**
     * The structural scan of one region: inside quoted strings nothing counts, so a value holding the close
     * marker or braces does not end the call. Resumes where it stopped as the region grows.
     */
    final class Scan implements RegionParser.RegionScan {
        private final BracketScanner body = BracketScanner.quotedBy(quote);
        private int pos = open.length();
        private Phase phase = Phase.HEADER;
        private int headerStart = pos;

        @Override
        public int end(CharSequence region) {
            int n = region.length();
            while (pos < n) {
                int i = pos;
                switch (phase) {
                    case HEADER -> {
                        if (Scanning.at(region, i, close)) {
                            return i + close.length();
                        }
                        if (Scanning.partial(region, i, close)) {
                            return -1;
                        }
                        if (region.charAt(i) == '{') {
                            phase = Phase.BODY;
                            body.restart(i);
                        } else if (i - headerStart >= MAX_HEADER) {
                            return i;
                        } else {
                            pos++;
                        }
                    }
                    case BODY -> {
                        if (!body.inString()) {
                            if (Scanning.at(region, i, close)) {
                                return i + close.length();
                            }
                            if (Scanning.partial(region, i, close)) {
                                return -1;
                            }
                        }
                        BracketScanner.Step step = body.step(region);
                        if (step == BracketScanner.Step.MORE) {
                            return -1;
                        }
                        pos = body.pos();
                        if (step == BracketScanner.Step.CLOSE && body.depth() == 0) {
                            phase = Phase.AFTER;
                        }
                    }
                    case AFTER -> {
                        if (Character.isWhitespace(region.charAt(i))) {
                            pos++;
                        } else if (Scanning.at(region, i, close)) {
                            return i + close.length();
                        } else if (Scanning.at(region, i, CALL)) {
                            phase = Phase.HEADER;
                            headerStart = i;
                        } else if (Scanning.partial(region, i, close) || Scanning.partial(region, i, CALL)) {
                            return -1;
                        } else {
                            // The close marker is missing and text follows the call.
                            return i;
                        }
                    }
                }
            }
            return -1;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Reading a region

    /** Thrown for a region that cannot be read; the message is the reason. */
    private static final class Unreadable extends RuntimeException {
        Unreadable(String reason) {
            super(reason, null, false, false);
        }
    }

    /**
     * The calls of a whole region: the opener, one or more {@code call:NAME{...}}, and the close marker
     * unless the stream ended before it (a partial close marker at the end is ignored).
     *
     * @throws IllegalArgumentException with the reason when the region cannot be read
     */
    List<Piece.Call> read(String region) {
        int end = region.length();
        boolean closed = region.endsWith(close);
        if (closed) {
            end -= close.length();
        } else {
            for (int k = Math.min(close.length() - 1, end); k > 0; k--) {
                if (region.regionMatches(end - k, close, 0, k)) {
                    end -= k;
                    break;
                }
            }
        }
        Reader reader = new Reader(region, open.length(), end);
        List<Piece.Call> calls = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        try {
            while (true) {
                reader.skipWhitespace();
                if (reader.atEnd()) {
                    break;
                }
                int start = reader.i;
                if (region.startsWith(CALL, reader.i)) {
                    reader.i += CALL.length();
                }
                String name = reader.name();
                if (reader.atEnd() && !closed) {
                    throw new Unreadable("the call was cut off");
                }
                // call:NAME<close> is a call without arguments
                List<Arguments.Param> params = reader.atEnd() ? List.of() : reader.topObject();
                calls.add(new Piece.Call(name, new Arguments.Params(params), null));
                spans.add(new int[] {start, reader.i});
            }
        } catch (Unreadable unreadable) {
            throw new IllegalArgumentException(unreadable.getMessage());
        }
        if (calls.isEmpty()) {
            throw new IllegalArgumentException("no call after " + open);
        }
        List<Piece.Call> out = new ArrayList<>(calls.size());
        for (int k = 0; k < calls.size(); k++) {
            Piece.Call call = calls.get(k);
            String raw = calls.size() == 1 ? region : region.substring(spans.get(k)[0], spans.get(k)[1]);
            out.add(new Piece.Call(call.name(), call.arguments(), raw));
        }
        return out;
    }

    /** A recursive-descent reader over {@code text[i, end)}. */
    private final class Reader {
        private final String text;
        private final int end;
        private int i;

        Reader(String text, int start, int end) {
            this.text = text;
            this.i = start;
            this.end = end;
        }

        boolean atEnd() {
            return i >= end;
        }

        void skipWhitespace() {
            while (i < end && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
        }

        private boolean at(String token) {
            return i + token.length() <= end && text.startsWith(token, i);
        }

        /** The call's name, up to its {@code {} (or to the end: a call without arguments). */
        String name() {
            int start = i;
            while (i < end && text.charAt(i) != '{') {
                i++;
            }
            String name = text.substring(start, i).strip();
            if (name.isEmpty()) {
                throw new Unreadable("a call without a name");
            }
            for (int k = 0; k < name.length(); k++) {
                if (!isNameChar(name.charAt(k)) && name.charAt(k) != ':') {
                    throw new Unreadable("not a tool name: " + abbreviate(name));
                }
            }
            return name;
        }

        /** The top-level object as parameters. */
        List<Arguments.Param> topObject() {
            expect('{');
            List<Arguments.Param> params = new ArrayList<>();
            while (true) {
                skipSeparators();
                if (atEnd()) {
                    throw new Unreadable("the call was cut off");
                }
                if (text.charAt(i) == '}') {
                    i++;
                    return params;
                }
                String key = key();
                skipWhitespace();
                if (at(quote)) {
                    params.add(new Arguments.Param(key, string(), stringKind));
                } else if (!atEnd() && text.charAt(i) == '"') {
                    params.add(new Arguments.Param(key, jsonString(), Arguments.ValueKind.STRING));
                } else if (!atEnd() && (text.charAt(i) == '{' || text.charAt(i) == '[')) {
                    params.add(new Arguments.Param(key, Json.string(value()), Arguments.ValueKind.JSON));
                } else {
                    String bare = bare();
                    String literal = literal(bare);
                    params.add(literal != null ? new Arguments.Param(key, literal, Arguments.ValueKind.JSON)
                            : new Arguments.Param(key, bare, bare.isEmpty() ? Arguments.ValueKind.STRING
                            : Arguments.ValueKind.UNTYPED));
                }
            }
        }

        private JsonNode value() {
            skipWhitespace();
            if (atEnd()) {
                throw new Unreadable("the call was cut off");
            }
            if (at(quote)) {
                return NODES.stringNode(string());
            }
            char c = text.charAt(i);
            if (c == '"') {
                return NODES.stringNode(jsonString());
            }
            if (c == '{') {
                return object();
            }
            if (c == '[') {
                return array();
            }
            String bare = bare();
            String literal = literal(bare);
            return literal != null ? Json.parse(literal) : NODES.stringNode(bare);
        }

        private ObjectNode object() {
            expect('{');
            ObjectNode object = NODES.objectNode();
            while (true) {
                skipSeparators();
                if (atEnd()) {
                    throw new Unreadable("the call was cut off");
                }
                if (text.charAt(i) == '}') {
                    i++;
                    return object;
                }
                String key = key();
                object.set(key, value());
            }
        }

        private ArrayNode array() {
            expect('[');
            ArrayNode array = NODES.arrayNode();
            while (true) {
                skipSeparators();
                if (atEnd()) {
                    throw new Unreadable("the call was cut off");
                }
                if (text.charAt(i) == ']') {
                    i++;
                    return array;
                }
                array.add(value());
            }
        }

        /** A key: quoted with the quote token or JSON quotes, or bare up to {@code :}; the colon is consumed. */
        private String key() {
            String key;
            if (at(quote)) {
                key = string();
            } else if (text.charAt(i) == '"') {
                int closing = text.indexOf('"', i + 1);
                if (closing < 0 || closing >= end) {
                    throw new Unreadable("the call was cut off");
                }
                key = text.substring(i + 1, closing);
                i = closing + 1;
            } else {
                int start = i;
                while (i < end && text.charAt(i) != ':') {
                    char c = text.charAt(i);
                    if (c == '}' || c == ']' || c == ',' || c == '{' || at(quote)) {
                        throw new Unreadable("a key without a value: " + abbreviate(text.substring(start, i + 1)));
                    }
                    i++;
                }
                key = text.substring(start, i).strip();
            }
            skipWhitespace();
            if (atEnd()) {
                throw new Unreadable("the call was cut off");
            }
            if (text.charAt(i) != ':') {
                throw new Unreadable("no ':' after the key " + abbreviate(key));
            }
            i++;
            if (key.isEmpty()) {
                throw new Unreadable("an empty key");
            }
            return key;
        }

        /** A quoted string; the text between the quote tokens, exactly. */
        private String string() {
            int start = i + quote.length();
            int closing = text.indexOf(quote, start);
            if (closing < 0 || closing + quote.length() > end) {
                throw new Unreadable("the call was cut off inside a string");
            }
            i = closing + quote.length();
            return text.substring(start, closing);
        }

        /**
         * A JSON-quoted string, which models used to JSON sometimes write instead of the quote token. (The
         * region scan does not know these quotes: a brace inside one may end the call early, which then does
         * not read.)
         */
        private String jsonString() {
            int start = i;
            int k = i + 1;
            boolean escaped = false;
            while (k < end) {
                char c = text.charAt(k);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    break;
                }
                k++;
            }
            if (k >= end) {
                throw new Unreadable("the call was cut off inside a string");
            }
            i = k + 1;
            try {
                return Json.parse(text.substring(start, i)).stringValue();
            } catch (JacksonException notJson) {
                return text.substring(start + 1, k);
            }
        }

        /** A bare value, up to the next {@code ,} {@code }} {@code ]}, trimmed. */
        private String bare() {
            int start = i;
            while (i < end) {
                char c = text.charAt(i);
                if (c == ',' || c == '}' || c == ']') {
                    break;
                }
                i++;
            }
            if (i >= end) {
                throw new Unreadable("the call was cut off");
            }
            return text.substring(start, i).strip();
        }

        private void skipSeparators() {
            while (i < end && (Character.isWhitespace(text.charAt(i)) || text.charAt(i) == ',')) {
                i++;
            }
        }

        private void expect(char c) {
            if (atEnd() || text.charAt(i) != c) {
                throw new Unreadable("expected '" + c + "'");
            }
            i++;
        }
    }

    /** A bare word as JSON literal text, or null when it is none (a word the schema should type). */
    static String literal(String bare) {
        switch (bare) {
            case "true", "True" -> {
                return "true";
            }
            case "false", "False" -> {
                return "false";
            }
            default -> {
            }
        }
        String lower = bare.toLowerCase(Locale.ROOT);
        if (lower.equals("null") || lower.equals("none") || lower.equals("nil")) {
            return "null";
        }
        if (JSON_NUMBER.matcher(bare).matches()) {
            return bare;
        }
        if (!bare.isEmpty() && bare.chars().allMatch(c -> Character.isDigit(c) || "+-.eE".indexOf(c) >= 0)) {
            try {
                return new BigDecimal(bare).toString();
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }

    /**
     * A RegionParser over this syntax. Subclasses add reasoning (Gemma 4's thought channel, whose calls end
     * the reasoning).
     */
    static class Parser extends RegionParser {
        private final GemmaCalls syntax;

        Parser(GemmaCalls syntax, Reasoning reasoning) {
            super(List.of(syntax.open), reasoning);
            this.syntax = syntax;
        }

        @Override
        protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
            ToolCallFormat.Claim claim = syntax.claims(region);
            return claim == ToolCallFormat.Claim.MAYBE && atEnd ? ToolCallFormat.Claim.NO : claim;
        }

        @Override
        protected RegionScan scan(String opener) {
            return syntax.new Scan();
        }

        @Override
        protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
            try {
                return syntax.read(region);
            } catch (IllegalArgumentException unreadable) {
                return failure(unreadable.getMessage());
            }
        }
    }
}
