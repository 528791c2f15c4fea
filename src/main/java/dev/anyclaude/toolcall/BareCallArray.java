package dev.anyclaude.toolcall;

import java.util.List;
import java.util.Locale;

/**
 * A marker-less JSON call array at the start of the output: {@code [{"name": …, "arguments": {…}}, …]}
 * (Mistral with {@code [TOOL_CALLS]} stripped; xLAM, which has no marker). Only strict JSON whose every
 * element is a call object with a name and arguments counts (see {@link JsonCalls.Rules#BARE}); anything
 * else is text. With {@code fenced}, the array may also stand alone in a {@code ```json} (or bare
 * {@code ```}) fence, nothing else inside it.
 */
final class BareCallArray implements LeadingCallParser.Detector {
    private static final String FENCE = "```";

    private final boolean fenced;
    private final BracketScanner scanner = new BracketScanner(false);

    BareCallArray(boolean fenced) {
        this.fenced = fenced;
    }

    @Override
    public void reset() {
        scanner.reset();
    }

    @Override
    public Detection detect(CharSequence text, boolean atEnd) {
        if (text.charAt(0) == '[') {
            return array(text, 0, atEnd, false);
        }
        if (fenced && text.charAt(0) == '`') {
            return fence(text, atEnd);
        }
        return Detection.text(text.length());
    }

    private Detection fence(CharSequence text, boolean atEnd) {
        int length = text.length();
        if (length < FENCE.length()) {
            return Scanning.at(FENCE, 0, text) && !atEnd ? Detection.more() : Detection.text(length);
        }
        if (!Scanning.at(text, 0, FENCE)) {
            return Detection.text(length);
        }
        int i = FENCE.length();
        while (i < length && Character.isLetter(text.charAt(i))) {
            i++;
        }
        String language = text.subSequence(FENCE.length(), i).toString().toLowerCase(Locale.ROOT);
        if (!language.isEmpty() && !"json".startsWith(language) || i - FENCE.length() > 4) {
            return Detection.text(length);
        }
        if (i >= length) {
            return Detection.moreOrText(text, atEnd);
        }
        if (!language.equals("json") && !language.isEmpty()) {
            return Detection.text(length);
        }
        int open = Scanning.skipWhitespace(text, i);
        if (open >= length) {
            return Detection.moreOrText(text, atEnd);
        }
        if (text.charAt(open) != '[') {
            return Detection.text(length);
        }
        return array(text, open, atEnd, true);
    }

    /** The array at {@code at}; in a fence, the closing fence must follow it. */
    private Detection array(CharSequence text, int at, boolean atEnd, boolean inFence) {
        Boolean shape = JsonCalls.callShapedStart(text, at);
        if (shape == null) {
            return Detection.moreOrText(text, atEnd);
        }
        if (!shape) {
            return Detection.text(text.length());
        }
        int end = scanner.end(text, at);
        if (end == BracketScanner.OPEN) {
            return Detection.moreOrMalformed(text, atEnd, "the call list is cut off");
        }
        if (end == BracketScanner.MISMATCH) {
            return Detection.text(text.length());
        }
        int regionEnd = end;
        if (inFence) {
            regionEnd = BracketRegionParser.closeAfter(text, end, List.of(FENCE));
            if (regionEnd < 0) {
                if (!atEnd) {
                    return Detection.more();
                }
                regionEnd = text.length(); // the fence was left open at the end of the output
            } else if (regionEnd == end) {
                return Detection.text(text.length()); // more than the call list in the fence
            }
        }
        try {
            String raw = text.subSequence(0, regionEnd).toString();
            String body = text.subSequence(at, end).toString();
            return Detection.calls(regionEnd, JsonCalls.read(body, raw, JsonCalls.Rules.BARE));
        } catch (JsonCalls.NotCalls notCalls) {
            return Detection.text(text.length());
        }
    }
}
