package dev.anyclaude.toolcall;

import java.util.List;

import static dev.anyclaude.toolcall.KimiK2Format.ARGUMENTS_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.ARGUMENT_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.CALL_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.CALL_END;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_BEGIN;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_BEGIN_SINGULAR;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_END;
import static dev.anyclaude.toolcall.KimiK2Format.SECTION_END_SINGULAR;

/**
 * Kimi K2 tool-call sections, one region per call: a call cut off by the end of the stream leaves the
 * complete ones before it intact. Section ends are regions holding no call. A call ends at its end
 * marker, or where the next call, the section end or {@code </think>} begins (K2-Thinking leaves the
 * end markers out), never inside a JSON string.
 */
final class KimiK2Parser extends RegionParser {

    private static final List<String> SECTION_BEGINS = List.of(SECTION_BEGIN, SECTION_BEGIN_SINGULAR);
    private static final List<String> SECTION_ENDS = List.of(SECTION_END, SECTION_END_SINGULAR);
    private static final List<String> ARGUMENT_BEGINS = List.of(ARGUMENT_BEGIN, ARGUMENTS_BEGIN);
    private static final List<String> TERMINATORS = List.of(CALL_END, CALL_BEGIN, SECTION_END, SECTION_END_SINGULAR,
            "</think>");
    /** The id before the arguments is short; a longer one is not an id. */
    private static final int ID_LIMIT = 256;

    KimiK2Parser() {
        super(List.of(SECTION_BEGIN, SECTION_BEGIN_SINGULAR, CALL_BEGIN, SECTION_END, SECTION_END_SINGULAR),
                Reasoning.THINK.withCallsInside());
    }

    @Override
    protected ToolCallFormat.Claim accepts(String region, String opener, boolean atEnd) {
        return follows(region, opener, atEnd);
    }

    /**
     * Whether what follows the opener makes it a call: an id and the argument marker (or a call end for a
     * call without arguments); a section begin may also be followed straight by its end.
     */
    static ToolCallFormat.Claim follows(String text, String opener, boolean atEnd) {
        if (SECTION_ENDS.contains(opener)) {
            return ToolCallFormat.Claim.YES;
        }
        int i = opener.length();
        if (SECTION_BEGINS.contains(opener)) {
            i = Scanning.skipWhitespace(text, i);
            if (Scanning.atAny(text, i, SECTION_ENDS)) {
                return ToolCallFormat.Claim.YES;
            }
            if (Scanning.at(text, i, CALL_BEGIN)) {
                i += CALL_BEGIN.length();
            } else if (!atEnd && (i == text.length() || Scanning.cutShort(text, i, CALL_BEGIN)
                    || Scanning.cutShortAny(text, i, SECTION_ENDS))) {
                return ToolCallFormat.Claim.MAYBE;
            }
        }
        return idFollows(text, i, atEnd);
    }

    private static ToolCallFormat.Claim idFollows(String text, int at, boolean atEnd) {
        ToolCallFormat.Claim undecided = atEnd ? ToolCallFormat.Claim.NO : ToolCallFormat.Claim.MAYBE;
        int start = Scanning.skipWhitespace(text, at);
        int i = start;
        while (i < text.length() && text.charAt(i) != '<' && !Character.isWhitespace(text.charAt(i))) {
            if (i - start > ID_LIMIT) {
                return ToolCallFormat.Claim.NO;
            }
            i++;
        }
        if (i == text.length()) {
            return undecided;
        }
        if (i == start) {
            return ToolCallFormat.Claim.NO;
        }
        int j = Scanning.skipWhitespace(text, i);
        if (Scanning.atAny(text, j, ARGUMENT_BEGINS) || Scanning.at(text, j, CALL_END)) {
            return ToolCallFormat.Claim.YES;
        }
        if (j == text.length() || Scanning.cutShortAny(text, j, ARGUMENT_BEGINS)
                || Scanning.cutShort(text, j, CALL_END)) {
            return undecided;
        }
        return ToolCallFormat.Claim.NO;
    }

    /** The parts of one call region. {@code arguments} is -1 for a call written without arguments. */
    private record Layout(int id, int idEnd, int arguments, boolean emptySection, int emptySectionEnd) {
    }

    /** Where the id and the arguments start; null while the argument marker has not arrived. */
    private static Layout layout(CharSequence region, String opener) {
        int body = opener.length();
        if (SECTION_BEGINS.contains(opener)) {
            body = Scanning.skipWhitespace(region, body);
            for (String end : SECTION_ENDS) {
                if (Scanning.at(region, body, end)) {
                    return new Layout(body, body, -1, true, body + end.length());
                }
            }
            if (Scanning.at(region, body, CALL_BEGIN)) {
                body += CALL_BEGIN.length();
            }
        }
        int limit = Math.min(region.length(), body + ID_LIMIT + ARGUMENT_BEGIN.length());
        int marker = body;
        while (marker < limit && region.charAt(marker) != '<') {
            marker++;
        }
        if (marker >= limit) {
            return null;
        }
        for (String begin : ARGUMENT_BEGINS) {
            if (Scanning.at(region, marker, begin)) {
                return new Layout(body, marker, marker + begin.length(), false, -1);
            }
        }
        if (Scanning.at(region, marker, CALL_END)) {
            return new Layout(body, marker, -1, false, -1);
        }
        return null;
    }

    @Override
    protected RegionScan scan(String opener) {
        if (SECTION_ENDS.contains(opener)) {
            return region -> opener.length();
        }
        return new RegionScan() {
            private final BracketScanner.Terminators terminators = new BracketScanner.Terminators(TERMINATORS);
            private Layout layout;

            @Override
            public int end(CharSequence region) {
                if (layout == null) {
                    layout = layout(region, opener);
                    if (layout == null) {
                        return -1;
                    }
                }
                if (layout.emptySection()) {
                    return layout.emptySectionEnd();
                }
                if (layout.arguments() < 0) {
                    return layout.idEnd() + CALL_END.length();
                }
                return terminators.regionEnd(region, layout.arguments(),
                        Scanning.skipWhitespace(region, layout.arguments()), CALL_END);
            }
        };
    }

    @Override
    protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
        if (SECTION_ENDS.contains(opener)) {
            return List.of();
        }
        Layout layout = layout(region, opener);
        if (layout == null) {
            return failure("the call was cut off before its arguments began");
        }
        if (layout.emptySection()) {
            return List.of();
        }
        String name = nameOf(region.substring(layout.id(), layout.idEnd()).strip());
        if (layout.arguments() < 0) {
            return List.of(new Piece.Call(name, new Arguments.JsonText("{}"), region));
        }
        Markers.Match end = new BracketScanner.Terminators(TERMINATORS).find(region,
                Scanning.skipWhitespace(region, layout.arguments()), layout.arguments());
        String arguments = region.substring(layout.arguments(), end == null ? region.length() : end.index()).strip();
        if (end == null) {
            arguments = BracketScanner.completeObject(arguments);
            if (arguments == null) {
                return failure("the output ended before the call's arguments were complete");
            }
        }
        return List.of(new Piece.Call(name, new Arguments.JsonText(arguments.isEmpty() ? "{}" : arguments), region));
    }

    /** {@code functions.NAME:IDX} → {@code NAME}; the prefix is optional, names may hold dots and dashes. */
    static String nameOf(String id) {
        String name = id.startsWith("functions.") ? id.substring("functions.".length()) : id;
        int colon = name.lastIndexOf(':');
        if (colon > 0 && colon < name.length() - 1
                && name.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            name = name.substring(0, colon);
        }
        return name;
    }
}
