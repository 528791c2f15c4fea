package dev.anyclaude.backend;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The tap only watches a relayed response for the log: nothing the upstream sends may make it throw. */
class AnthropicRelayTapTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void anEndlessLineStopsTheTapNotTheRelay() {
        AnthropicRelayTap tap = new AnthropicRelayTap("anthropic", 200, "text/event-stream");
        byte[] piece = new byte[1024 * 1024];
        Arrays.fill(piece, (byte) 'x');

        assertThatCode(() -> {
            byte[] start = utf8("event: message_start\ndata: {\"type\":\"message_start\",\"x\":\"");
            tap.bytes(start, 0, start.length);
            for (int i = 0; i < 20; i++) {
                tap.bytes(piece, 0, piece.length);
            }
            tap.end();
        }).doesNotThrowAnyException();
    }

    @Test
    void usageNumbersBeyondALongAreIgnored() {
        AnthropicRelayTap tap = new AnthropicRelayTap("anthropic", 200, "text/event-stream");
        byte[] events = utf8("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":"
                + "{\"input_tokens\":99999999999999999999999999,\"output_tokens\":3}}}\n\n");

        assertThatCode(() -> {
            tap.bytes(events, 0, events.length);
            tap.end();
        }).doesNotThrowAnyException();
        assertThat(tap.inputTokens()).isNull();
        assertThat(tap.outputTokens()).isEqualTo(3L);
    }
}
