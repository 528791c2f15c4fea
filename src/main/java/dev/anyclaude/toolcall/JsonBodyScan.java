package dev.anyclaude.toolcall;

import java.util.List;

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

    /**
     * Finds the first end marker outside the JSON strings of a call's arguments in a region that grows
     * with every chunk, reading each character about once: it remembers the string state at the previous
     * search position and checks that the region it sees is still the one it read (same start, same text
     * before that position), else it reads again from the JSON start.
     */
    static final class Terminators {
        private static final int CHECK = 32;

        private final List<String> markers;
        private int json = -1;
        private int position;
        private boolean inString;
        private boolean escaped;
        private String head = "";
        private String tail = "";

        /** @param markers end markers, all beginning with {@code <} (JSON outside strings holds none) */
        Terminators(List<String> markers) {
            if (!markers.stream().allMatch(m -> m.startsWith("<"))) {
                throw new IllegalArgumentException("end markers must begin with <: " + markers);
            }
            this.markers = List.copyOf(markers);
        }

        /**
         * The first marker at or after {@code from} that is not inside a string of the JSON starting at
         * {@code json} (-1: no JSON, plain search), or null.
         */
        Markers.Match find(String region, int json, int from) {
            if (json < 0 || json > from) {
                Markers.Match early = Markers.earliest(region, from, markers);
                if (json < 0 || early == null || early.index() < json) {
                    return early;
                }
            }
            int start = Math.max(from, json);
            int i = json;
            boolean quoted = false;
            boolean escape = false;
            if (remembers(region, json, start)) {
                i = position;
                quoted = inString;
                escape = escaped;
            }
            for (; i < region.length(); i++) {
                if (i == start) {
                    remember(region, json, i, quoted, escape);
                }
                char c = region.charAt(i);
                if (quoted) {
                    if (escape) {
                        escape = false;
                    } else if (c == '\\') {
                        escape = true;
                    } else if (c == '"') {
                        quoted = false;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (i >= start && c == '<') {
                    for (String marker : markers) {
                        if (JsonBodyScan.startsWith(region, i, marker)) {
                            return new Markers.Match(i, marker);
                        }
                    }
                }
            }
            return null;
        }

        private boolean remembers(String region, int json, int start) {
            return this.json == json && position <= start && position <= region.length()
                    && region.startsWith(head) && region.startsWith(tail, position - tail.length());
        }

        private void remember(String region, int json, int at, boolean quoted, boolean escape) {
            this.json = json;
            this.position = at;
            this.inString = quoted;
            this.escaped = escape;
            this.head = region.substring(0, Math.min(region.length(), json + CHECK));
            this.tail = region.substring(Math.max(json, at - CHECK), at);
        }
    }
}
