package dev.anyclaude.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

    /** An event as the listener saw it; comments are recorded with the name {@code #comment}. */
    record Seen(String event, String data) {
        static Seen comment(String text) {
            return new Seen("#comment", text);
        }
    }

    private static final class Recorder implements SseParser.Listener {
        final List<Seen> seen = new ArrayList<>();

        @Override
        public void onEvent(String event, String data) {
            seen.add(new Seen(event, data));
        }

        @Override
        public void onComment(String comment) {
            seen.add(Seen.comment(comment));
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds the parts one after the other, without calling end(). */
    private static List<Seen> feed(String... parts) {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder);
        for (String part : parts) {
            parser.feed(utf8(part));
        }
        return recorder.seen;
    }

    private static List<Seen> feedAndEnd(byte[]... parts) {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder);
        for (byte[] part : parts) {
            parser.feed(part);
        }
        parser.end();
        return recorder.seen;
    }

    // ---- line ends ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] line end {0}")
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void everyLineEndEndsLinesAndAnEmptyLineDispatches(String eol) {
        String stream = "event: a" + eol + "data: one" + eol + eol + "event: b" + eol + "data: two" + eol + eol;

        assertThat(feed(stream)).containsExactly(new Seen("a", "one"), new Seen("b", "two"));
    }

    @ParameterizedTest(name = "[{index}] line end {0}")
    @ValueSource(strings = {"\n", "\r", "\r\n"})
    void everyLineEndWorksWhenEachLineEndComesInItsOwnFeed(String eol) {
        List<String> parts = new ArrayList<>();
        for (String line : List.of("event: a", "data: one", "", "data: two", "")) {
            parts.add(line);
            parts.add(eol);
        }

        assertThat(feed(parts.toArray(String[]::new))).containsExactly(new Seen("a", "one"), new Seen(null, "two"));
    }

    @Test
    void crlfSplitBetweenFeedsEndsOneLine() {
        // the CR ends the data line; the LF that opens the next feed must not count as an empty line
        List<Seen> seen = feed("data: first\r", "\ndata: second\r\n\r\n");

        assertThat(seen).containsExactly(new Seen(null, "first\nsecond"));
    }

    @Test
    void crlfOfTheBlankLineSplitBetweenFeedsDispatchesOnce() {
        List<Seen> seen = feed("data: x\r\n\r", "\ndata: y\r\n\r\n");

        assertThat(seen).containsExactly(new Seen(null, "x"), new Seen(null, "y"));
    }

    @Test
    void crAloneAtTheEndOfAFeedFollowedByTextIsALineEnd() {
        List<Seen> seen = feed("data: x\r", "\r", "data: y\r\r");

        assertThat(seen).containsExactly(new Seen(null, "x"), new Seen(null, "y"));
    }

    @Test
    void twoCrsAreTwoLineEnds() {
        assertThat(feed("data: x\r\rdata: y\r\r")).containsExactly(new Seen(null, "x"), new Seen(null, "y"));
    }

    @Test
    void lfCrIsTwoLineEndsNotOne() {
        // LF then CR is not a CRLF pair: the CR is a line end of its own, so it makes the blank line
        assertThat(feed("data: x\n\r")).containsExactly(new Seen(null, "x"));
    }

    @Test
    void lineSplitInTheMiddleIsJoined() {
        assertThat(feed("da", "ta: hel", "lo\n", "\n")).containsExactly(new Seen(null, "hello"));
    }

    // ---- fields -------------------------------------------------------------------------------------------

    @Test
    void dataWithoutTheSpaceAfterTheColon() {
        assertThat(feed("data:{\"a\":1}\n\n")).containsExactly(new Seen(null, "{\"a\":1}"));
    }

    @Test
    void onlyOneLeadingSpaceIsRemoved() {
        assertThat(feed("data:  two spaces\n\n")).containsExactly(new Seen(null, " two spaces"));
    }

    @Test
    void trailingSpacesOfDataAreKept() {
        assertThat(feed("data: x  \n\n")).containsExactly(new Seen(null, "x  "));
    }

    @Test
    void multiLineDataIsJoinedWithLf() {
        assertThat(feed("data: one\ndata:two\ndata: three\n\n")).containsExactly(new Seen(null, "one\ntwo\nthree"));
    }

    @Test
    void emptyDataLinesKeepTheirPlaceInTheJoin() {
        assertThat(feed("data\ndata: x\ndata:\n\n")).containsExactly(new Seen(null, "\nx\n"));
    }

    @Test
    void dataValueMayContainColons() {
        assertThat(feed("data: a:b: c\n\n")).containsExactly(new Seen(null, "a:b: c"));
    }

    @Test
    void eventNameIsReportedAndResetAfterDispatch() {
        assertThat(feed("event: message_start\ndata: 1\n\ndata: 2\n\n"))
                .containsExactly(new Seen("message_start", "1"), new Seen(null, "2"));
    }

    @Test
    void lastEventNameOfAFrameWins() {
        assertThat(feed("event: a\nevent: b\ndata: x\n\n")).containsExactly(new Seen("b", "x"));
    }

    @Test
    void commentsGoToOnCommentAndDoNotDispatch() {
        assertThat(feed(": keep-alive\n\n:\n\ndata: x\n: inside a frame\n\n"))
                .containsExactly(Seen.comment("keep-alive"), Seen.comment(""), Seen.comment("inside a frame"),
                        new Seen(null, "x"));
    }

    @Test
    void commentsAreIgnoredByADefaultListener() {
        List<String> data = new ArrayList<>();
        SseParser parser = new SseParser((event, payload) -> data.add(payload));

        parser.feed(utf8(": ping\n\ndata: x\n\n"));

        assertThat(data).containsExactly("x");
    }

    @Test
    void idRetryAndUnknownFieldsAreIgnored() {
        assertThat(feed("id: 7\nretry: 1000\nfoo: bar\nnocolon\ndata: x\nid\n\n"))
                .containsExactly(new Seen(null, "x"));
    }

    @Test
    void fieldNamesAreCaseSensitive() {
        assertThat(feed("Data: x\nEVENT: e\n\n")).isEmpty();
    }

    @Test
    void llamaCppErrorFieldIsReportedAsAnErrorEvent() {
        String error = "{\"code\":500,\"message\":\"boom\",\"type\":\"server_error\"}";

        assertThat(feed("error: " + error + "\n\n")).containsExactly(new Seen("error", error));
    }

    @Test
    void frameWithoutDataIsNotDispatched() {
        assertThat(feed("event: ping\n\nid: 3\n\n\n\n")).isEmpty();
    }

    @Test
    void eventNameOfAFrameWithoutDataDoesNotLeakIntoTheNextFrame() {
        assertThat(feed("event: orphan\n\ndata: x\n\n")).containsExactly(new Seen(null, "x"));
    }

    @Test
    void emptyDataFieldStillDispatchesAnEmptyPayload() {
        assertThat(feed("data:\n\n")).containsExactly(new Seen(null, ""));
    }

    // ---- UTF-8 --------------------------------------------------------------------------------------------

    @Test
    void multiByteCharacterSplitAcrossFeedsIsDecodedWhole() {
        byte[] bytes = utf8("data: caf\u00e9 \ud83d\ude00 \u4e2d\n\n");
        // split inside the 4-byte emoji and inside the 2-byte é
        int insideEacute = "data: caf".length() + 1;
        int insideEmoji = utf8("data: caf\u00e9 ").length + 2;

        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder);
        parser.feed(bytes, 0, insideEacute);
        parser.feed(bytes, insideEacute, insideEmoji - insideEacute);
        parser.feed(bytes, insideEmoji, bytes.length - insideEmoji);

        assertThat(recorder.seen).containsExactly(new Seen(null, "caf\u00e9 \ud83d\ude00 \u4e2d"));
    }

    @Test
    void feedHonoursOffsetAndLength() {
        byte[] bytes = utf8("XXXdata: inside\n\nYYY");
        Recorder recorder = new Recorder();
        new SseParser(recorder).feed(bytes, 3, bytes.length - 6);

        assertThat(recorder.seen).containsExactly(new Seen(null, "inside"));
    }

    // ---- end of input -------------------------------------------------------------------------------------

    @Test
    void endDispatchesAFinalUnterminatedLine() {
        assertThat(feedAndEnd(utf8("event: last\ndata: tail"))).containsExactly(new Seen("last", "tail"));
    }

    @Test
    void endDispatchesAFinalEventWithoutItsBlankLine() {
        assertThat(feedAndEnd(utf8("data: x\n"))).containsExactly(new Seen(null, "x"));
    }

    @Test
    void endAfterACompleteStreamAddsNothing() {
        assertThat(feedAndEnd(utf8("data: x\r\n\r\n"))).containsExactly(new Seen(null, "x"));
    }

    @Test
    void endWithOnlyAnEventNameDispatchesNothing() {
        assertThat(feedAndEnd(utf8("event: orphan"))).isEmpty();
    }

    @Test
    void endAfterAFinalCrDoesNotDispatchTwice() {
        assertThat(feedAndEnd(utf8("data: x\r"))).containsExactly(new Seen(null, "x"));
    }

    // ---- chunk-boundary invariance ------------------------------------------------------------------------

    private static final List<String> TRANSCRIPTS = List.of(
            // an Anthropic stream, LF
            "event: message_start\ndata: {\"type\":\"message_start\"}\n\n"
                    + "event: ping\ndata: {\"type\": \"ping\"}\n\n"
                    + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"h\u00e9llo \ud83d\ude00\"}}\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
            // OpenAI chunks, CRLF, no space after the colon, keep-alive comments, [DONE]
            ": OPENROUTER PROCESSING\r\n\r\n"
                    + "data:{\"choices\":[{\"delta\":{\"content\":\"\u4e2d\u6587\"}}]}\r\n\r\n"
                    + "id: 1\r\nretry: 10\r\nevent: chunk\r\ndata: {\"choices\":\r\ndata: []}\r\n\r\n"
                    + "data: [DONE]\r\n\r\n",
            // CR only, multi-line data, a llama.cpp error line, and an unterminated final event
            "data: a\rdata: b\r\r: c\r\rerror: {\"code\":500}\r\r\revent: tail\rdata: end");

    @Test
    void randomSplitsGiveTheSameEventsAsOneFeed() {
        Random random = new Random(20240611L);
        for (String transcript : TRANSCRIPTS) {
            byte[] bytes = utf8(transcript);
            List<Seen> whole = feedAndEnd(bytes);
            assertThat(whole).as("whole feed of %s", transcript).isNotEmpty();

            assertThat(feedAndEnd(split(bytes, 1))).as("1-byte feeds").isEqualTo(whole);
            for (int run = 0; run < 60; run++) {
                int maxPart = 1 + random.nextInt(run % 3 == 0 ? 3 : 24);
                List<byte[]> parts = new ArrayList<>();
                int at = 0;
                while (at < bytes.length) {
                    int length = Math.min(bytes.length - at, 1 + random.nextInt(maxPart));
                    byte[] part = new byte[length];
                    System.arraycopy(bytes, at, part, 0, length);
                    parts.add(part);
                    at += length;
                }
                assertThat(feedAndEnd(parts.toArray(byte[][]::new)))
                        .as("run %d, parts of at most %d bytes", run, maxPart).isEqualTo(whole);
            }
        }
    }

    @Test
    void oneByteFeedsOfEachTranscriptGiveTheExpectedEvents() {
        // pins what the property test compares against, so that both sides cannot be wrong the same way
        assertThat(feedAndEnd(split(utf8(TRANSCRIPTS.get(0)), 1))).containsExactly(
                new Seen("message_start", "{\"type\":\"message_start\"}"),
                new Seen("ping", "{\"type\": \"ping\"}"),
                new Seen("content_block_delta",
                        "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"h\u00e9llo \ud83d\ude00\"}}"),
                new Seen("message_stop", "{\"type\":\"message_stop\"}"));
        assertThat(feedAndEnd(split(utf8(TRANSCRIPTS.get(1)), 1))).containsExactly(
                Seen.comment("OPENROUTER PROCESSING"),
                new Seen(null, "{\"choices\":[{\"delta\":{\"content\":\"\u4e2d\u6587\"}}]}"),
                new Seen("chunk", "{\"choices\":\n[]}"),
                new Seen(null, "[DONE]"));
        assertThat(feedAndEnd(split(utf8(TRANSCRIPTS.get(2)), 1))).containsExactly(
                new Seen(null, "a\nb"), Seen.comment("c"), new Seen("error", "{\"code\":500}"),
                new Seen("tail", "end"));
    }

    @Test
    void aLineLongerThanTheLimitFailsInsteadOfGrowing() {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder, 1024);
        parser.feed(utf8("data: {\"ok\":1}\n\n"));
        byte[] piece = utf8("x".repeat(100));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                parser.feed(piece);
            }
        }).isInstanceOf(SseParser.TooLongException.class).hasMessageContaining("1024");
        assertThat(recorder.seen).containsExactly(new Seen(null, "{\"ok\":1}"));
    }

    @Test
    void aLineAtTheLimitIsFine() {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder, 1024);
        parser.feed(utf8("data: " + "x".repeat(1018) + "\n\n"));
        assertThat(recorder.seen).hasSize(1);
    }

    @Test
    void endlessDataLinesOfOneEventFailToo() {
        SseParser parser = new SseParser(new Recorder(), 1024);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                parser.feed(utf8("data: " + "y".repeat(50) + "\n"));
            }
        }).isInstanceOf(SseParser.TooLongException.class);
    }

    @Test
    void bytesThatAreNotUtf8BecomeReplacementCharactersAndAreCounted() {
        Recorder recorder = new Recorder();
        SseParser parser = new SseParser(recorder);
        parser.feed(new byte[]{'d', 'a', 't', 'a', ':', ' ', 'a', (byte) 0xC3, 0x28, 'b', '\n', '\n'});
        parser.feed(utf8("data: a real \uFFFD is fine\n\n"));
        assertThat(recorder.seen).containsExactly(new Seen(null, "a\uFFFD(b"), new Seen(null, "a real \uFFFD is fine"));
        assertThat(parser.malformedLines()).isEqualTo(1);
    }

    private static byte[][] split(byte[] bytes, int size) {
        List<byte[]> parts = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += size) {
            byte[] part = new byte[Math.min(size, bytes.length - at)];
            System.arraycopy(bytes, at, part, 0, part.length);
            parts.add(part);
        }
        return parts.toArray(byte[][]::new);
    }
}
