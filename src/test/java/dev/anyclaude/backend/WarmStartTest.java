package dev.anyclaude.backend;

import dev.anyclaude.testing.Ports;
import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.openai.ClaudeCodeSessions;
import dev.anyclaude.server.GatewayServer;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Warm start through a real gateway on loopback: the main request's prompt prefix is remembered on disk exactly as
 * it went upstream, and the next gateway primes the upstream with those bytes before the first turn.
 */
class WarmStartTest {

    static final String MODEL = "upstream-model";

    @TempDir
    Path home;

    private static FakeUpstream upstream() {
        OpenAiSse answer = OpenAiSse.chat(MODEL).role().text("Done.").finish("stop").usage(100, 3, 0).done();
        return FakeUpstream.start(request -> request.path().equals("/v1/chat/completions")
                ? request.wantsStream() ? answer.reply()
                : Reply.json(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"" + MODEL
                        + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"H\"},"
                        + "\"finish_reason\":\"length\"}]}")
                : Reply.notFound(request));
    }

    private static GatewayConfig config(String baseUrl) {
        return GatewayConfig.of(baseUrl, Protocol.OPENAI).withModel(MODEL).withFlavor("llamacpp")
                .withResilience(Resilience.NONE);
    }

    private static ObjectNode mainTurn(int k) {
        return ClaudeCodeSessions.all().getFirst().turns().get(k);
    }

    private static void post(GatewayServer gateway, ObjectNode request) throws Exception {
        RawHttp.Response response = new RawHttp(gateway.port()).post("/v1/messages", Json.bytes(request),
                "anthropic-version", "2023-06-01", "x-api-key", "sk-dummy", "content-type", "application/json");
        assertThat(response.status()).as(response.text()).isEqualTo(200);
    }

    /** The bytes of the leading system messages and the tools inside a raw upstream body. */
    private static String systemAndTools(String body) {
        JsonNode json = Json.parse(body);
        StringBuilder system = new StringBuilder();
        for (JsonNode message : json.get("messages")) {
            if (!"system".equals(Json.text(message, "role"))) {
                break;
            }
            system.append(Json.string(message)).append(',');
        }
        String prefix = "{\"model\":\"" + MODEL + "\",\"messages\":[" + system;
        assertThat(body).as("system messages come first, byte for byte").startsWith(prefix);
        String tools = "\"tools\":" + Json.string(json.get("tools"));
        assertThat(body).contains(tools);
        return prefix + "|" + tools;
    }

    private Path warmDir() {
        return WarmStart.directoryIn(home);
    }

    private List<Path> files() throws Exception {
        if (!Files.isDirectory(warmDir())) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(warmDir())) {
            return files.toList();
        }
    }

    @Test
    void mainRequestLeavesItsPrefixAndTheNextGatewayPrimesWithTheSameBytes() throws Exception {
        try (FakeUpstream upstream = upstream()) {
            String baseUrl = upstream.baseUrl() + "/v1";
            String sentFirst;
            WarmStart warm = new WarmStart(warmDir());
            try (GatewayServer gateway = GatewayServer.start(config(baseUrl), Map.of(), warm)) {
                post(gateway, mainTurn(0));
                warm.flush();
                assertThat(warm.writes()).isEqualTo(1);
                Path file = warm.file(baseUrl, MODEL);
                assertThat(files()).containsExactly(file);
                sentFirst = upstream.requests("/v1/chat/completions").getFirst().bodyText();
                ObjectNode remembered = warm.recall(baseUrl, MODEL).orElseThrow();
                String rememberedBytes = "{\"model\":\"" + MODEL + "\",\"messages\":[" + joined(remembered) + "|"
                        + "\"tools\":" + Json.string(remembered.get("tools"));
                assertThat(rememberedBytes).isEqualTo(systemAndTools(sentFirst));
                assertThat(remembered.get("extras").get("cache_prompt").asBoolean()).isTrue();

                // the same prefix again: not rewritten
                long modified = Files.getLastModifiedTime(file).toMillis();
                post(gateway, mainTurn(1));
                warm.flush();
                assertThat(warm.writes()).isEqualTo(1);
                assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(modified);
            }
            upstream.clearRequests();

            WarmStart next = new WarmStart(warmDir());
            try (GatewayServer gateway = GatewayServer.start(config(baseUrl), Map.of(), next)) {
                next.priming().get(10, TimeUnit.SECONDS);
                List<RecordedRequest> primed = upstream.requests("/v1/chat/completions");
                assertThat(primed).hasSize(1);
                JsonNode priming = primed.getFirst().json();
                assertThat(priming.get("max_tokens").asInt()).isEqualTo(1);
                assertThat(priming.get("stream").asBoolean()).isFalse();
                assertThat(priming.get("cache_prompt").asBoolean()).isTrue();
                assertThat(systemAndTools(primed.getFirst().bodyText())).isEqualTo(systemAndTools(sentFirst));

                post(gateway, mainTurn(0));
                String real = upstream.requests("/v1/chat/completions").get(1).bodyText();
                assertThat(systemAndTools(real)).isEqualTo(systemAndTools(primed.getFirst().bodyText()));
                next.flush();
                assertThat(next.writes()).as("the prefix on disk is the same: not rewritten").isZero();
            }
        }
    }

    private static String joined(ObjectNode remembered) {
        StringBuilder system = new StringBuilder();
        for (JsonNode message : remembered.get("system")) {
            system.append(Json.string(message)).append(',');
        }
        return system.toString();
    }

    @Test
    void toolLessRequestIsNotRemembered() throws Exception {
        ObjectNode titleRequest = mainTurn(0).deepCopy();
        titleRequest.remove("tools");
        try (FakeUpstream upstream = upstream()) {
            WarmStart warm = new WarmStart(warmDir());
            try (GatewayServer gateway = GatewayServer.start(config(upstream.baseUrl() + "/v1"), Map.of(), warm)) {
                post(gateway, titleRequest);
                warm.flush();
            }
            assertThat(warm.writes()).isZero();
            assertThat(files()).isEmpty();
        }
    }

    @Test
    void warmStartOffRemembersNothingAndPrimesNothing() throws Exception {
        try (FakeUpstream upstream = upstream()) {
            String baseUrl = upstream.baseUrl() + "/v1";
            WarmStart warm = new WarmStart(warmDir());
            try (GatewayServer gateway = GatewayServer.start(config(baseUrl), Map.of(), warm)) {
                post(gateway, mainTurn(0));
                warm.flush();
            }
            assertThat(files()).hasSize(1);
            upstream.clearRequests();
            Files.delete(files().getFirst());

            try (GatewayServer gateway = GatewayServer.start(config(baseUrl), Map.of())) {
                post(gateway, mainTurn(0));
            }
            // closed, the gateway has nothing left in flight: what reached the upstream is all it will get, and
            // that is the one real turn, no priming request beside it
            assertThat(upstream.requests("/v1/chat/completions")).hasSize(1);
            assertThat(files()).isEmpty();
        }
    }

    @Test
    void unreachableUpstreamDuringPrimingIsLoggedAndTheGatewayRuns() throws Exception {
        int port = Ports.free();
        String baseUrl = "http://127.0.0.1:" + port + "/v1";
        ObjectNode body = Json.object();
        body.put("model", MODEL);
        body.putArray("messages").addObject().put("role", "system").put("content", "You are Claude Code.");
        body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "Read");
        WarmStart earlier = new WarmStart(warmDir());
        earlier.remember(baseUrl, body);
        earlier.close();
        assertThat(earlier.writes()).isEqualTo(1);

        WarmStart warm = new WarmStart(warmDir());
        try (GatewayServer gateway = GatewayServer.start(config(baseUrl), Map.of(), warm)) {
            assertThat(warm.priming()).isNotNull();
            try {
                warm.priming().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException expected) {
                // the gateway's client says what failed as an upstream error
                assertThat(expected.getCause()).isInstanceOf(UpstreamException.class)
                        .hasMessageContaining("not reachable");
            }
            RawHttp.Response health = new RawHttp(gateway.port()).get("/health");
            assertThat(health.status()).isEqualTo(200);
        }
    }

    @Test
    void primingInFlightIsCancelledWhenTheGatewayStops() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (FakeUpstream upstream = FakeUpstream.start(request -> {
            try {
                release.await(20, TimeUnit.SECONDS); // a long prefill
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.json(200, "{}");
        })) {
            String baseUrl = upstream.baseUrl() + "/v1";
            ObjectNode body = Json.object();
            body.put("model", MODEL);
            body.putArray("messages").addObject().put("role", "system").put("content", "You are Claude Code.");
            body.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "Read");
            try (WarmStart earlier = new WarmStart(warmDir())) {
                earlier.remember(baseUrl, body);
            }
            WarmStart warm = new WarmStart(warmDir());
            long start;
            try (GatewayServer gateway = GatewayServer.start(config(baseUrl), Map.of(), warm)) {
                upstream.awaitRequests(1, Duration.ofSeconds(10));
                assertThat(warm.priming().isDone()).isFalse();
                start = System.nanoTime();
            }
            assertThat(warm.priming().isCompletedExceptionally()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        } finally {
            release.countDown();
        }
    }

    @Test
    void anthropicUpstreamIsNeverPrimed() {
        WarmStart warm = new WarmStart(warmDir());
        try (UpstreamHttp http = new UpstreamHttp(Duration.ofSeconds(1), Duration.ofSeconds(1))) {
            warm.prime(GatewayConfig.of("https://api.anthropic.com", Protocol.ANTHROPIC), Map.of(),
                    Duration.ofSeconds(1), http);
        }
        assertThat(warm.priming()).isNull();
        warm.close();
    }
}
