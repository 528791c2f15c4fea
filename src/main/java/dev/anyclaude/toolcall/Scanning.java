package dev.anyclaude.toolcall;

/** Small text helpers the hand-written region scanners of the tag-based families share. */
final class Scanning {
    private Scanning() {
    }

    /** How a look at the text after a position came out: it matched, it did not, or the text ran out first. */
    enum Look { YES, NO, MORE }

    /** The index of the first non-whitespace character at or after {@code from} (the length if none). */
    static int skipWhitespace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether {@code text} continues at {@code at} with {@code token}. */
    static boolean at(String text, int at, String token) {
        return text.startsWith(token, at);
    }

    /** Whether the rest of {@code text} from {@code at} is a proper prefix of {@code token} (it may still become it). */
    static boolean cutShort(String text, int at, String token) {
        int rest = text.length() - at;
        return rest < token.length() && token.regionMatches(0, text, at, rest);
    }

    /**
     * Whether {@code text} at {@code at} starts one of {@code tokens}: YES when one is there whole, MORE when
     * the text ends inside one (or right at {@code at}), else NO.
     */
    static Look startsOneOf(String text, int at, String... tokens) {
        boolean more = false;
        for (String token : tokens) {
            if (text.startsWith(token, at)) {
                return Look.YES;
            }
            more |= cutShort(text, at, token);
        }
        return more ? Look.MORE : Look.NO;
    }

    /**
     * A character a tool name may hold as written by a model: no whitespace, quotes, braces or angle
     * brackets. Keeps unrendered template placeholders ({@code {{ tc.name }}}) and prose from passing as names.
     */
    static boolean isNameChar(char c) {
        return !Character.isWhitespace(c) && "{}<>\"'`\\[](),;=".indexOf(c) < 0;
    }

    static boolean isName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isNameChar(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Longer than any real tool name (MCP names run to about 64); past this an unclosed "name" is prose. */
    static final int MAX_NAME = 200;

    /**
     * A template puts a value on its own lines ({@code <parameter=P>\nvalue\n</parameter>}): exactly one
     * newline is dropped at each end, never more (code indentation and blank lines stay).
     */
    static String stripOneNewline(String value) {
        String v = value;
        if (v.startsWith("\r\n")) {
            v = v.substring(2);
        } else if (v.startsWith("\n")) {
            v = v.substring(1);
        }
        if (v.endsWith("\r\n")) {
            v = v.substring(0, v.length() - 2);
        } else if (v.endsWith("\n")) {
            v = v.substring(0, v.length() - 1);
        }
        return v;
    }

    /**
     * Remembers how far a scanner got through the region that is still growing, so each new chunk costs
     * the new text rather than a rescan. A scanner's state is a function of the text it has consumed
     * only, so it stays valid for any region that starts with that text; the check makes that exact even
     * when two regions alternate (the parser's own and the one it scans in upstream reasoning).
     */
    static final class Resume<S> {
        private String seen;
        private S state;

        /** The remembered state when {@code region} continues the text it was made from, else null. */
        S state(String region) {
            return seen != null && region.length() >= seen.length() && region.startsWith(seen) ? state : null;
        }

        void remember(String region, S state) {
            this.seen = region;
            this.state = state;
        }

        void forget() {
            seen = null;
            state = null;
        }
    }
}
