package dev.anyclaude.backend;

import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackendCallTest {

    private static byte[] body(String userId) {
        return ("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":8,"
                + "\"metadata\":{\"user_id\":\"" + userId + "\"},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
    }

    private static MessagesRequest request(String userId) {
        return RequestParser.parseMessages(body(userId));
    }

    @Test
    void aRequestSetAsideIsParsedAgainFromTheClientsBytesWhenAskedFor() {
        byte[] body = body("user_abc_account__session_11111111-2222-4333-8444-555555555555");
        MessagesRequest request = RequestParser.parseMessages(body);
        BackendCall call = new BackendCall(request, body, "m", ClientHeaders.EMPTY, CallControl.unwatched());
        call.setAside();

        MessagesRequest again = call.withModel("other").request();
        assertThat(again).isNotSameAs(request).isEqualTo(request);
        assertThat(call.request()).as("parsed once, then kept until set aside again").isSameAs(again);
        assertThat(call.sessionId()).isEqualTo("11111111-2222-4333-8444-555555555555");

        call.release();
        assertThatThrownBy(call::request).isInstanceOf(IllegalStateException.class);
        assertThat(call.sessionId()).as("read when the call was made").isEqualTo("11111111-2222-4333-8444-555555555555");
    }

    @Test
    void aCallWithoutTheClientsBytesKeepsItsRequestUntilReleased() {
        MessagesRequest request = request("x");
        BackendCall call = new BackendCall(request, "m", ClientHeaders.EMPTY);
        call.setAside();
        assertThat(call.request()).isSameAs(request);
    }

    @Test
    void aReleasedRequestIsGoneForTheCallAndEveryCallMadeFromIt() {
        MessagesRequest request = request("user_abc_account__session_11111111-2222-4333-8444-555555555555");
        BackendCall call = new BackendCall(request, "m", ClientHeaders.EMPTY);
        BackendCall fallback = call.withModel("other");
        assertThat(fallback.request()).isSameAs(request);
        assertThat(fallback.upstreamModel()).isEqualTo("other");

        fallback.release();

        assertThatThrownBy(call::request).isInstanceOf(IllegalStateException.class).hasMessageContaining("released");
        assertThatThrownBy(fallback::request).isInstanceOf(IllegalStateException.class);
        assertThat(call.withModel("third").toString()).contains("released");
        call.release(); // again: nothing changes
        assertThatThrownBy(call::request).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theSessionComesFromTheHeaderElseFromTheRequest() {
        ClientHeaders headers = new ClientHeaders(Map.of("x-claude-code-session-id", List.of("from-header")));
        MessagesRequest request = request("user_abc_account__session_11111111-2222-4333-8444-555555555555");
        assertThat(new BackendCall(request, "m", headers).sessionId()).isEqualTo("from-header");
        assertThat(new BackendCall(request, "m", ClientHeaders.EMPTY).sessionId())
                .isEqualTo("11111111-2222-4333-8444-555555555555");
        assertThat(new BackendCall(request("x"), "m", ClientHeaders.EMPTY).sessionId()).isNull();
    }

    @Test
    void aCallMadeWithoutARequestAnswersNull() {
        assertThat(new BackendCall(null, "m", ClientHeaders.EMPTY).request()).isNull();
    }
}
