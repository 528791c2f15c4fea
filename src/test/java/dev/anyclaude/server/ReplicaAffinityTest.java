package dev.anyclaude.server;

import dev.anyclaude.api.Json;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.route.Backends;
import dev.anyclaude.route.ReplicaSet;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.ManualClock;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two Claude Code sessions through the whole gateway onto a fleet of three replicas. */
class ReplicaAffinityTest {

    private final List<FakeUpstream> fakes = new ArrayList<>();

    @AfterEach
    void close() {
        fakes.forEach(FakeUpstream::close);
    }

    @Test
    void eachSessionHeaderSticksToItsOwnReplica() throws Exception {
        for (int i = 0; i < 3; i++) {
            String name = "r" + i;
            fakes.add(FakeUpstream.start(r -> OpenAiSse.chat("m").role().text(name).finish("stop").usage(10, 2, 0)
                    .done().reply()));
        }
        GatewayConfig config = GatewayConfig.of(fakes.get(0).baseUrl() + "/v1", Protocol.OPENAI).withModel("m")
                .withReplicas(List.of(fakes.get(1).baseUrl() + "/v1", fakes.get(2).baseUrl() + "/v1"));
        List<String> urls = config.baseUrls();
        String one;
        String two;
        try (UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            ReplicaSet set = Backends.replicas(config, http, Map.of(), new ManualClock());
            one = "11111111-aaaa-4bbb-8ccc-000000000001";
            int s = 2;
            String candidate;
            do {
                candidate = "11111111-aaaa-4bbb-8ccc-00000000000" + s++;
            } while (set.preference(candidate).getFirst().equals(set.preference(one).getFirst()));
            two = candidate;
            assertThat(urls).contains(set.preference(one).getFirst(), set.preference(two).getFirst());
        }

        try (GatewayUnderTest gateway = GatewayUnderTest.start(config)) {
            RawHttp http = gateway.http();
            String servedOne = answer(http.post("/v1/messages", request(null), "X-Claude-Code-Session-Id", one));
            String servedTwo = answer(http.post("/v1/messages", request(null), "X-Claude-Code-Session-Id", two));

            assertThat(servedOne).isNotEqualTo(servedTwo);
            for (int round = 0; round < 3; round++) {
                assertThat(answer(http.post("/v1/messages", request(null), "X-Claude-Code-Session-Id", one)))
                        .isEqualTo(servedOne);
                assertThat(answer(http.post("/v1/messages", request(null), "X-Claude-Code-Session-Id", two)))
                        .isEqualTo(servedTwo);
            }
            // without the header, the session inside metadata.user_id decides
            assertThat(answer(http.post("/v1/messages", request(two)))).isEqualTo(servedTwo);
        }
    }

    private static String answer(RawHttp.Response response) {
        assertThat(response.status()).as(response.text()).isEqualTo(200);
        return response.json().get("content").get(0).get("text").asString();
    }

    private static String request(String metadataSession) {
        ObjectNode body = Json.object();
        body.put("model", "claude-sonnet-4-5");
        body.put("max_tokens", 100);
        body.putArray("messages").addObject().put("role", "user").put("content", "hi");
        if (metadataSession != null) {
            body.putObject("metadata").put("user_id", "{\"device_id\":\"dev\",\"account_uuid\":\"\",\"session_id\":\""
                    + metadataSession + "\"}");
        }
        return body.toString();
    }
}
