package dev.anyclaude.server;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.testing.Sse;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relayed event stream gets pings between whole events while it is open, and nothing after its last event
 * (message_stop, or an error event), however the upstream's bytes were split: a heartbeat firing, or the
 * upstream breaking off, between the last event and the close adds nothing after the end.
 */
class RelayedStreamTest {

    private static final String START = "event: message_start\ndata: {\"type\":\"message_start\"}\n\n";

    /** The names of the events written, read with the gateway's own SSE parser. */
    private static List<String> events(ByteArrayOutputStream out) {
        return Sse.parse(out.toByteArray()).stream().map(Sse.Event::name).toList();
    }

    private static void relay(RelayedStream stream, String text, int splitEvery) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += splitEvery) {
            stream.write(bytes, i, Math.min(splitEvery, bytes.length - i));
        }
    }

    @Test
    void nothingFollowsMessageStopOrAnErrorEventWhateverTheSplits() {
        for (String last : List.of("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
                "event:message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n",
                "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"x\"}}\n\n")) {
            for (int split : new int[] {1, 3, 7, 1000}) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                RelayedStream stream = new RelayedStream(out, true);
                relay(stream, START, split);
                stream.pingIfIdle(0); // open: a ping goes
                relay(stream, last, split);
                stream.pingIfIdle(0); // ended: none
                stream.fail(ApiError.overloaded("the upstream connection was lost"));
                assertThat(events(out)).as("%s split every %d", last, split)
                        .containsExactly("message_start", "ping", last.startsWith("event: error") ? "error"
                                : "message_stop");
            }
        }
    }

    @Test
    void aStreamCutShortStillGetsItsErrorEvent() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RelayedStream stream = new RelayedStream(out, true);
        relay(stream, START + "event: content_block_delta\ndata: {\"type\":\"content_bl", 5);
        stream.fail(ApiError.overloaded("the upstream connection was lost"));
        assertThat(events(out)).containsExactly("message_start", "content_block_delta", "error");
    }
}
