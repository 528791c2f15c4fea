package dev.anyclaude.toolcall;

import java.util.List;

/**
 * Small text helpers every scanner shares. They take any {@link CharSequence}, so a region can be scanned in
 * the parser's own buffer as it grows instead of in a copy made for every chunk.
 */
final class Scanning {
    private Scanning() {
    }

    /** How a look at the text after a position came out: it matched, it did not, or the text ran out first. */
    enum Look { YES, NO, MORE }

    /** The index of the first non-whitespace character at or after {@code from} (the length if none). */
    static int skipWhitespace(CharSequence text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Whether {@code text} continues at {@code at} with {@code token}. */
    static boolean at(CharSequence text, int at, CharSequence token) {
        if (at < 0 || text.length() - at < token.length()) {
            return false;
        }
        for (int k = 0; k < token.length(); k++) {
            if (text.charAt(at + k) != token.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code text} continues at {@code at} with one of {@code tokens}. */
    static boolean atAny(CharSequence text, int at, List<String> tokens) {
        for (String token : tokens) {
            if (at(text, at, token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the rest of {@code text} from {@code at} is a proper prefix of {@code token} (it may still become
     * it); also when nothing is left.
     */
    static boolean cutShort(CharSequence text, int at, String token) {
        int rest = text.length() - at;
        if (rest < 0 || rest >= token.length()) {
            return false;
        }
        for (int k = 0; k < rest; k++) {
            if (text.charAt(at + k) != token.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** {@link #cutShort} for one of {@code tokens}, with at least one character left. */
    static boolean cutShortAny(CharSequence text, int at, List<String> tokens) {
        if (at >= text.length()) {
            return false;
        }
        for (String token : tokens) {
            if (cutShort(text, at, token)) {
                return true;
            }
        }
        return false;
    }

    /** {@link #cutShort} with at least one character left: the text ends inside {@code token}. */
    static boolean partial(CharSequence text, int at, String token) {
        return at < text.length() && cutShort(text, at, token);
    }

    /**
     * Whether {@code text} at {@code at} starts one of {@code tokens}: YES when one is there whole, MORE when
     * the text ends inside one (or right at {@code at}), else NO.
     */
    static Look startsOneOf(CharSequence text, int at, String... tokens) {
        boolean more = false;
        for (String token : tokens) {
            if (at(text, at, token)) {
                return Look.YES;
            }
            more |= cutShort(text, at, token);
        }
        return more ? Look.MORE : Look.NO;
    }

    /** The index of {@code token} in {@code text} at or after {@code from}, or -1; without copying the text. */
    static int indexOf(CharSequence text, String token, int from) {
        if (text instanceof String s) {
            return s.indexOf(token, from);
        }
        if (text instanceof StringBuilder sb) {
            return sb.indexOf(token, Math.max(0, from));
        }
        for (int i = Math.max(0, from); i + token.length() <= text.length(); i++) {
            if (at(text, i, token)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of {@code c} in {@code text} at or after {@code from}, or -1. */
    static int indexOf(CharSequence text, char c, int from) {
        for (int i = Math.max(0, from); i < text.length(); i++) {
            if (text.charAt(i) == c) {
                return i;
            }
        }
        return -1;
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
}
