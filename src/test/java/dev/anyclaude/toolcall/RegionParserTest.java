package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared region machinery, driven by a toy format: {@code <call>NAME ARGS</call>}. */
class RegionParserTest {

    static final ToolCallFormat TOY = new ToolCallFormat() {
        public String name() {
            return "toy";
        }

        public FormatParser newParser() {
            return new RegionParser(List.of("<call>"), Reasoning.THINK) {
                protected RegionScan scan(String opener) {
                    return region -> {
                        int end = region.toString().indexOf("</call>", opener.length());
                        return end < 0 ? -1 : end + "</call>".length();
                    };
                }

                protected List<Piece.Call> parseRegion(String region, String opener, boolean atEnd) {
                    String body = region.substring(opener.length()).replace("</call>", "").strip();
                    int space = body.indexOf(' ');
                    if (space < 0) {
                        return failure("no arguments");
                    }
                    return List.of(new Piece.Call(body.substring(0, space),
                            new Arguments.JsonText(body.substring(space + 1)), region));
                }
            };
        }

        public List<String> openers() {
            return List.of("<call>");
        }

        public Claim claims(String fromOpener) {
            return Claim.YES;
        }
    };

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    @Test
    void textWithoutMarkersPassesThrough() {
        assertThat(ParserHarness.parse(TOY, "Hello <b>world</b>, 3 < 4")).containsExactly(
                new Piece.Text("Hello <b>world</b>, 3 < 4"));
    }

    @Test
    void callBetweenTextIsCutOutAndWhitespaceAfterItDropped() {
        assertThat(ParserHarness.parse(TOY, "Let me look.\n<call>Read {\"a\":1}</call>\n\nDone")).containsExactly(
                new Piece.Text("Let me look.\n"),
                call("Read", "{\"a\":1}", "<call>Read {\"a\":1}</call>"),
                new Piece.Text("Done"));
    }

    @Test
    void reasoningBecomesThinkingAndBareCloseIsDropped() {
        assertThat(ParserHarness.parse(TOY, "<think>plan it</think>\n\nanswer")).containsExactly(
                new Piece.Thinking("plan it"), new Piece.Text("answer"));
        assertThat(ParserHarness.parse(TOY, "opened by the template</think>answer")).containsExactly(
                new Piece.Text("opened by the templateanswer"));
    }

    @Test
    void markersInCodeFencesAndBackticksAreProse() {
        String fenced = "Use it like this:\n```\n<call>Read {}</call>\n```\nok";
        assertThat(ParserHarness.parse(TOY, fenced)).containsExactly(new Piece.Text(fenced));
        String inline = "The marker `<call>` starts a call.";
        assertThat(ParserHarness.parse(TOY, inline)).containsExactly(new Piece.Text(inline));
    }

    @Test
    void unclosedCallAtTheEndIsParsedAndUnreadableOneIsMalformed() {
        assertThat(ParserHarness.parse(TOY, "<call>Read {\"a\":1}")).containsExactly(
                call("Read", "{\"a\":1}", "<call>Read {\"a\":1}"));
        assertThat(ParserHarness.parse(TOY, "x <call>Read</call>")).containsExactly(
                new Piece.Text("x "), new Piece.Malformed("<call>Read</call>", "no arguments"));
    }

    @Test
    void aPossibleMarkerPrefixAtTheEndIsTextAfterAll() {
        assertThat(ParserHarness.parse(TOY, "a <cal")).containsExactly(new Piece.Text("a <cal"));
    }

    static final ToolCallFormat FORCED_OPEN = ToyFormats.TOY_STARTS_INSIDE;

    @Test
    void reasoningTheTemplateOpenedEndsAtItsCloseMarker() {
        assertThat(ParserHarness.parse(FORCED_OPEN, "plan the call</think>\n\nThe answer.")).containsExactly(
                new Piece.Thinking("plan the call"), new Piece.Text("The answer."));
    }

    @Test
    void reasoningTheTemplateOpenedButNeverClosedWasTheAnswer() {
        assertThat(ParserHarness.parse(FORCED_OPEN, "I created hello.txt with a greeting.")).containsExactly(
                new Piece.Text("I created hello.txt with a greeting."));
    }

}
