package dev.anyclaude.toolcall;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.anyclaude.toolcall.DeepSeekMarkers.Dsml;

/**
 * DeepSeek V3.2 / V4 DSML blocks: {@code <｜DSML｜function_calls>} (V4: {@code tool_calls}) holding
 * {@code <｜DSML｜invoke name="N">} elements of {@code <｜DSML｜parameter name="P" string="true|false">v</｜DSML｜parameter>}.
 * Every invoke is its own region; the block end (and an end-of-sentence token) are regions holding no call.
 *
 * <p>A parameter value ends at the first {@code </｜DSML｜parameter>} that is followed by the next
 * parameter, the invoke end, another invoke or the block end, so a value quoting the closing tag stays
 * whole. The walk over a long invoke resumes where the previous attempt stopped.
 */
final class DsmlParser extends RegionParser {

    private static final List<Dsml> BARS = List.of(Dsml.FULLWIDTH, Dsml.ASCII);
    private static final Pattern ATTRIBUTE = Pattern.compile("([\\w-]+)\\s*=\\s*\"([^\"]*)\"");
    /** Tags are short; a longer search for {@code >} means it is not a tag. */
    private static final int TAG_LIMIT = 512;
    /** How far before the previous search position a value's closing tag is looked for again. */
    private static final int LOOK_BACK = 256;

    static final List<String> BLOCK_BEGINS = BARS.stream()
            .flatMap(d -> Stream.of(d.functionCalls(), d.toolCalls())).toList();
    private static final List<String> BLOCK_ENDS = BARS.stream()
            .flatMap(d -> Stream.of(d.functionCallsEnd(), d.toolCallsEnd())).toList();
    private static final List<String> INVOKES = BARS.stream().map(Dsml::invoke).toList();


    DsmlParser(Reasoning reasoning) {
        super(DeepSeekCallParser.concat(BLOCK_BEGINS, INVOKES, BLOCK_ENDS, List.of(DeepSeekMarkers.END_OF_SENTENCE)),
                reasoning);
    }

    private static boolean carriesNothing(String opener) {
        return BLOCK_ENDS.contains(opener) || opener.equals(DeepSeekMarkers.END_OF_SENTENCE);
    }

    @Override
    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
        if (BLOCK_BEGINS.contains(opener)) {
            return blockFollows(region, opener, atEnd);
        }
        if (INVOKES.contains(opener)) {
            return invokeFollows(region, opener.length(), atEnd);
        }
        return ToolCallFormat.Claim.YES;
    }

    /** A block begin must be followed by an invoke (or, empty, by its end). */
    static ToolCallFormat.Claim blockFollows(String text, String opener, boolean atEnd) {
        Dsml dsml = Dsml.of(opener);
        int i = Scanning.skipWhitespace(text, opener.length());
        if (Scanning.at(text, i, dsml.invoke())) {
            return invokeFollows(text, i + dsml.invoke().length(), atEnd);
        }
        if (Scanning.at(text, i, dsml.functionCallsEnd()) || Scanning.at(text, i, dsml.toolCallsEnd())) {
            return ToolCallFormat.Claim.YES;
        }
        boolean partial = Scanning.cutShort(text, i, dsml.invoke())
                || Scanning.cutShort(text, i, dsml.functionCallsEnd())
                || Scanning.cutShort(text, i, dsml.toolCallsEnd());
        return partial && !atEnd ? ToolCallFormat.Claim.MAYBE : ToolCallFormat.Claim.NO;
    }

    /** An invoke tag goes on with whitespace and {@code name=}. */
    private static ToolCallFormat.Claim invokeFollows(String text, int at, boolean atEnd) {
        if (at == text.length()) {
            return atEnd ? ToolCallFormat.Claim.NO : ToolCallFormat.Claim.MAYBE;
        }
        if (!Character.isWhitespace(text.charAt(at))) {
            return ToolCallFormat.Claim.NO;
        }
        int i = Scanning.skipWhitespace(text, at);
        if (Scanning.at(text, i, "name=")) {
            return ToolCallFormat.Claim.YES;
        }
        return Scanning.cutShort(text, i, "name=") && !atEnd ? ToolCallFormat.Claim.MAYBE
                : ToolCallFormat.Claim.NO;
    }

    @Override
    protected RegionScan scan(String opener) {
        return new Resume(opener);
    }

    /** The walk over one region while it streams in. */
    private final class Resume implements RegionScan {
        private final String opener;
        /** Where the walk over the invoke stopped: after its tag or a complete parameter. */
        int resumeAt = -1;
        /** The region's length at the last attempt, less a margin: closing tags before it were looked at. */
        private int from;

        Resume(String opener) {
            this.opener = opener;
        }

        @Override
        public int end(CharSequence region) {
            int end = walk(region, opener, from, false, null, this);
            from = Math.max(0, region.length() - 64);
            return end;
        }
    }

    @Override
    protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
        if (carriesNothing(opener)) {
            return List.of();
        }
        Invoke invoke = new Invoke();
        walk(region, opener, 0, atEnd, invoke, null);
        if (invoke.empty) {
            return List.of();
        }
        if (invoke.failure != null) {
            return failure(invoke.failure);
        }
        if (invoke.name == null || invoke.name.isBlank()) {
            return failure("the invoke names no tool");
        }
        return List.of(new Piece.Call(invoke.name, new Arguments.Params(invoke.params), region));
    }

    /** What a full walk found. */
    private static final class Invoke {
        String name;
        final List<Arguments.Param> params = new ArrayList<>();
        String failure;
        boolean empty;
    }

    /**
     * The end of the invoke region, or -1 while it is open. With {@code into} the walk starts from the
     * beginning and collects the name and parameters; with {@code resume}, it goes on where that stopped.
     */
    private static int walk(CharSequence region, String opener, int from, boolean atEnd, Invoke into, Resume resume) {
        if (carriesNothing(opener)) {
            return opener.length();
        }
        Dsml dsml = Dsml.of(opener);
        List<String> blockEnds = dsml.blockEnds();
        int p = 0;
        if (BLOCK_BEGINS.contains(opener)) {
            p = Scanning.skipWhitespace(region, opener.length());
            for (String end : blockEnds) {
                if (Scanning.at(region, p, end)) {
                    if (into != null) {
                        into.empty = true;
                    }
                    return p + end.length();
                }
            }
        }
        int tagEnd = tagEnd(region, p + dsml.invoke().length());
        if (tagEnd < 0) {
            return fail(into, "the invoke tag was cut off");
        }
        if (into != null) {
            into.name = attributes(region.subSequence(p, tagEnd).toString()).name;
        }
        p = tagEnd + 1;
        if (resume != null && from > 0 && resume.resumeAt > p) {
            p = resume.resumeAt;
        }
        List<String> followers = dsml.followers();
        while (true) {
            if (resume != null) {
                resume.resumeAt = p;
            }
            int q = Scanning.skipWhitespace(region, p);
            if (q == region.length()) {
                return atEnd ? q : -1;
            }
            if (Scanning.at(region, q, dsml.invokeEnd())) {
                return q + dsml.invokeEnd().length();
            }
            if (Scanning.at(region, q, dsml.invoke()) || Scanning.atAny(region, q, blockEnds)) {
                return q;
            }
            if (!Scanning.at(region, q, dsml.parameter())) {
                if (!atEnd && Scanning.cutShortAny(region, q, followers)) {
                    return -1;
                }
                if (into != null && into.params.isEmpty()) {
                    into.failure = "unexpected text inside the invoke";
                }
                return q;
            }
            int tag = tagEnd(region, q + dsml.parameter().length());
            if (tag < 0) {
                return fail(into, "a parameter tag was cut off");
            }
            int valueStart = tag + 1;
            int search = from > 0 && into == null ? Math.max(valueStart, from - LOOK_BACK) : valueStart;
            int close;
            while (true) {
                close = Scanning.indexOf(region, dsml.parameterEnd(), search);
                if (close < 0) {
                    return into == null ? -1 : fail(into, "the output ended inside parameter "
                            + attributes(region.subSequence(q, tag).toString()).name);
                }
                int r = Scanning.skipWhitespace(region, close + dsml.parameterEnd().length());
                if (r == region.length() && !atEnd) {
                    return -1;
                }
                if (r == region.length() || Scanning.atAny(region, r, followers)) {
                    break;
                }
                if (Scanning.cutShortAny(region, r, followers)) {
                    if (!atEnd) {
                        return -1;
                    }
                    break;
                }
                search = close + 1;
            }
            if (into != null) {
                Attributes attributes = attributes(region.subSequence(q, tag).toString());
                if (attributes.name == null) {
                    into.failure = "a parameter has no name";
                    return close;
                }
                into.params.add(new Arguments.Param(attributes.name, region.subSequence(valueStart, close).toString(),
                        attributes.kind));
            }
            p = close + dsml.parameterEnd().length();
        }
    }

    private static int fail(Invoke into, String reason) {
        if (into != null) {
            into.failure = reason;
        }
        return -1;
    }

    private static int tagEnd(CharSequence region, int from) {
        int limit = Math.min(region.length(), from + TAG_LIMIT);
        for (int i = from; i < limit; i++) {
            if (region.charAt(i) == '>') {
                return i;
            }
        }
        return -1;
    }

    private record Attributes(String name, Arguments.ValueKind kind) {
    }

    /** {@code name} and {@code string} of a tag: {@code string="true"} is a string, {@code "false"} JSON. */
    private static Attributes attributes(String tag) {
        String name = null;
        Arguments.ValueKind kind = Arguments.ValueKind.UNTYPED;
        Matcher m = ATTRIBUTE.matcher(tag);
        while (m.find()) {
            switch (m.group(1)) {
                case "name" -> name = m.group(2);
                case "string" -> kind = switch (m.group(2).strip().toLowerCase(Locale.ROOT)) {
                    case "true" -> Arguments.ValueKind.STRING;
                    case "false" -> Arguments.ValueKind.JSON;
                    default -> Arguments.ValueKind.UNTYPED;
                };
                default -> {
                }
            }
        }
        return new Attributes(name, kind);
    }
}
