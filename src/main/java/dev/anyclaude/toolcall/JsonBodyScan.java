package dev.anyclaude.toolcall;

/**
 * Where a JSON argument body ends, for formats whose end marker could also occur inside a JSON string
 * (a Write whose content documents the very format). Only double-quoted strings are tracked; a body in
 * Python literals is still found because its braces balance the same way.
 */
final class JsonBodyScan {
    private JsonBodyScan() {
    }

    /**
     * The index just past the balanced object or array starting at {@code start}, or -1 when it is not
     * closed within {@code text}.
     */
    static int valueEnd(CharSequence text, int start) {
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> inString = true;
                case '{', '[' -> depth++;
                case '}', ']' -> {
                    depth--;
                    if (depth <= 0) {
                        return i + 1;
                    }
                }
                default -> {
                }
            }
        }
        return -1;
    }

    /** Whether {@code at} lies inside a string literal, reading from {@code start} (outside any string). */
    static boolean insideString(CharSequence text, int start, int at) {
        boolean inString = false;
        boolean escaped = false;
        for (int i = start; i < at; i++) {
            char c = text.charAt(i);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            }
        }
        return inString;
    }

    /** Whether {@code body} (stripped) is one complete object: what a call cut off by the end of the stream must be. */
    static boolean isCompleteObject(String body) {
        String s = body.strip();
        return s.startsWith("{") && valueEnd(s, 0) == s.length();
    }

    /** The index of the first non-whitespace character at or after {@code from}, or the length. */
    static int skipWhitespace(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether the rest of {@code text} from {@code at} (possibly nothing yet) could still grow into {@code marker}. */
    static boolean couldBecome(CharSequence text, int at, String marker) {
        int rest = text.length() - at;
        if (rest >= marker.length()) {
            return false;
        }
        for (int i = 0; i < rest; i++) {
            if (text.charAt(at + i) != marker.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} has {@code marker} at {@code at}. */
    static boolean startsWith(CharSequence text, int at, String marker) {
        if (at < 0 || text.length() - at < marker.length()) {
            return false;
        }
        for (int i = 0; i < marker.length(); i++) {
            if (text.charAt(at + i) != marker.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
