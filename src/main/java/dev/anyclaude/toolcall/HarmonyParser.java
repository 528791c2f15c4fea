package dev.anyclaude.toolcall;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.anyclaude.toolcall.HarmonyHeader.CHANNEL;
import static dev.anyclaude.toolcall.HarmonyHeader.START;

/**
 * GPT-OSS harmony output as a sequence of messages: a header (channel, optional recipient), then
 * content up to {@code <|end|>}, {@code <|call|>}, {@code <|return|>}, the next message, or the end of
 * the output. The {@code analysis} channel is reasoning; a message with a recipient is a tool call whose
 * content is its JSON arguments (on {@code commentary} or {@code analysis}); everything else
 * ({@code final}, {@code commentary} preambles, output without any header) is text.
 *
 * <p>Servers that strip special tokens leave {@code analysis…assistantcommentary to=functions.X json{…}}
 * and {@code …assistantfinal…}; those glued words count as message boundaries too. A call's JSON ends
 * where its braces balance (strings read properly), since a stripped {@code <|call|>} leaves no marker.
 */
final class HarmonyParser implements FormatParser {

    static final String END = "<|end|>";
    static final String RETURN = "<|return|>";
    static final String CALL = "<|call|>";
    private static final String FENCE = "```";

    /** End a message and are dropped. */
    private static final List<String> STOPS = List.of(END, RETURN, CALL);
    /** Begin the next message; what a stripping server leaves of a role and a channel counts too. */
    private static final List<String> STARTS = List.of(START, CHANNEL, "assistantcommentary", "assistantfinal",
            "assistantanalysis", "assistant to=functions.");
    private static final List<String> TERMINATORS = Stream.concat(STOPS.stream(), STARTS.stream()).toList();
    private static final List<String> TEXT_MARKERS = Stream.concat(TERMINATORS.stream(), Stream.of(FENCE)).toList();
    private static final List<String> FENCE_ONLY = List.of(FENCE);
    private static final int LONGEST_TERMINATOR = TERMINATORS.stream().mapToInt(String::length).max().orElseThrow();

    private enum Mode { HEADER, THINKING, TEXT, CALL }

    private final StringBuilder buf = new StringBuilder();
    private Mode mode = Mode.HEADER;
    /** No message has begun yet: the prompt supplied the role of the first one. */
    private boolean first = true;
    private boolean skipWhitespace;

    // visible text of the current message: markdown code, where markers are prose
    private boolean inFence;
    private boolean inInlineCode;

    // the current call
    private String header;
    private String recipient;
    private boolean bodyKnown;
    private boolean json;
    private int scan;
    private BracketScanner arguments;

    @Override
    public void feed(String text, Consumer<Piece> out) {
        buf.append(text);
        drain(out, false);
    }

    @Override
    public void finish(Consumer<Piece> out) {
        drain(out, true);
        String rest = buf.toString();
        buf.setLength(0);
        switch (mode) {
            case HEADER, TEXT -> text(rest, out);
            case THINKING -> thinking(rest, out);
            case CALL -> endCall(rest, true, out);
        }
    }

    private void drain(Consumer<Piece> out, boolean atEnd) {
        while (true) {
            boolean progressed = switch (mode) {
                case HEADER -> header(out, atEnd);
                case THINKING, TEXT -> content(out, atEnd);
                case CALL -> call(out, atEnd);
            };
            if (!progressed) {
                return;
            }
        }
    }

    private boolean header(Consumer<Piece> out, boolean atEnd) {
        int i = Scanning.skipWhitespace(buf, 0);
        for (String stop : STOPS) {
            if (Scanning.at(buf, i, stop)) {
                // a stop token between messages (<|call|> after the JSON) ends nothing more
                buf.delete(0, i + stop.length());
                return true;
            }
        }
        if (i < buf.length() && !atEnd && STOPS.stream().anyMatch(stop -> Scanning.cutShort(buf, i, stop))) {
            return false;
        }
        if (skipWhitespace) {
            buf.delete(0, i);
            if (buf.isEmpty()) {
                return false;
            }
            skipWhitespace = false;
        }
        if (buf.isEmpty()) {
            return false;
        }
        HarmonyHeader.Result result = HarmonyHeader.read(buf, first, atEnd);
        switch (result) {
            case HarmonyHeader.NeedMore wait -> {
                return false;
            }
            case HarmonyHeader.NotAHeader not -> {
                first = false;
                startText(Mode.TEXT);
                int lead = Scanning.skipWhitespace(buf, 0);
                for (String marker : TERMINATORS) {
                    if (Scanning.at(buf, lead, marker)) {
                        // a marker that begins no message is text; do not read it as a boundary again
                        text(buf.substring(0, lead + marker.length()), out);
                        buf.delete(0, lead + marker.length());
                        break;
                    }
                }
                return true;
            }
            case HarmonyHeader.Header h -> {
                first = false;
                header = buf.substring(0, h.contentStart());
                buf.delete(0, h.contentStart());
                if (h.recipient() != null) {
                    mode = Mode.CALL;
                    recipient = h.recipient();
                    bodyKnown = false;
                    scan = 0;
                } else {
                    startText("analysis".equals(h.channel()) ? Mode.THINKING : Mode.TEXT);
                }
                return true;
            }
        }
    }

    private void startText(Mode content) {
        mode = content;
        inFence = false;
        inInlineCode = false;
    }

    private boolean content(Consumer<Piece> out, boolean atEnd) {
        boolean visible = mode == Mode.TEXT;
        List<String> markers = !visible ? TERMINATORS : inFence ? FENCE_ONLY : TEXT_MARKERS;
        Markers.Match match = Markers.earliest(buf, 0, markers);
        if (match == null) {
            if (!atEnd) {
                int safe = Markers.safeLength(buf, markers);
                emit(buf.substring(0, safe), out);
                buf.delete(0, safe);
            }
            return false;
        }
        emit(buf.substring(0, match.index()), out);
        buf.delete(0, match.index());
        if (match.marker().equals(FENCE)) {
            inFence = !inFence;
            text(FENCE, out);
            buf.delete(0, FENCE.length());
            return true;
        }
        if (visible && inInlineCode) {
            // `<|channel|>` in inline code is prose about the format
            emit(match.marker(), out);
            buf.delete(0, match.marker().length());
            return true;
        }
        if (STOPS.contains(match.marker())) {
            buf.delete(0, match.marker().length());
        }
        skipWhitespace = !visible;
        mode = Mode.HEADER;
        return true;
    }

    private void emit(String text, Consumer<Piece> out) {
        if (mode == Mode.THINKING) {
            thinking(text, out);
            return;
        }
        if (!inFence) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == '`') {
                    inInlineCode = !inInlineCode;
                }
            }
        }
        text(text, out);
    }

    private boolean call(Consumer<Piece> out, boolean atEnd) {
        if (!bodyKnown) {
            int i = Scanning.skipWhitespace(buf, 0);
            if (i == buf.length()) {
                return false;
            }
            bodyKnown = true;
            json = buf.charAt(i) == '{';
            scan = json ? i : 0;
            arguments = BracketScanner.counting(BracketScanner.Quotes.JSON);
            arguments.moveTo(scan);
        }
        if (!json) {
            Markers.Match end = Markers.earliest(buf, scan, TERMINATORS);
            if (end == null) {
                scan = Math.max(0, buf.length() - LONGEST_TERMINATOR);
                return false;
            }
            finishCall(end.index(), out);
            return true;
        }
        while (arguments.pos() < buf.length()) {
            int at = arguments.pos();
            if (!arguments.inString() && buf.charAt(at) == '<') {
                for (String marker : TERMINATORS) {
                    if (Scanning.at(buf, at, marker)) {
                        // The message ended with its JSON still open; the engine repairs or rejects it.
                        finishCall(at, out);
                        return true;
                    }
                }
                if (!atEnd && TERMINATORS.stream().anyMatch(m -> Scanning.cutShort(buf, at, m))) {
                    return false;
                }
            }
            if (arguments.step(buf) == BracketScanner.Step.CLOSE && arguments.depth() == 0) {
                finishCall(arguments.pos(), out);
                return true;
            }
        }
        return false;
    }

    private void finishCall(int end, Consumer<Piece> out) {
        String body = buf.substring(0, end);
        buf.delete(0, end);
        endCall(body, false, out);
        mode = Mode.HEADER;
        skipWhitespace = true;
    }

    private void endCall(String body, boolean atEnd, Consumer<Piece> out) {
        String raw = header + body;
        String arguments = body.strip();
        if (arguments.isEmpty()) {
            out.accept(new Piece.Malformed(raw, "the output ended before the call's arguments began"));
        } else if (atEnd && json) {
            out.accept(new Piece.Malformed(raw, "the output ended before the call's arguments were complete"));
        } else if (arguments.startsWith("{") || arguments.startsWith("\"")) {
            out.accept(new Piece.Call(recipient, new Arguments.JsonText(arguments), raw));
        } else {
            out.accept(new Piece.Malformed(raw, "the arguments to " + recipient + " are not a JSON object"));
        }
    }

    private static void text(String text, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            out.accept(new Piece.Text(text));
        }
    }

    private static void thinking(String text, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            out.accept(new Piece.Thinking(text));
        }
    }
}
