package dev.anyclaude.server;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.HelidonRegistry;
import dev.anyclaude.backend.TokenEstimator;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.backend.WarmStart;
import dev.anyclaude.config.Fallback;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.route.Backends;
import dev.anyclaude.route.ModelMap;
import dev.anyclaude.route.Route;
import dev.anyclaude.route.Router;
import dev.anyclaude.toolcall.FormatRegistry;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The Anthropic-compatible HTTP gateway: {@code POST /v1/messages}, {@code POST /v1/messages/count_tokens},
 * {@code GET /v1/models}, {@code GET /health}, {@code /metrics}, and Claude Code's start-up probe
 * {@code HEAD /api/hello}. Query strings such as {@code ?beta=true} are ignored: routing is by path.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);
    /** The Anthropic API's own request limit. */
    public static final long DEFAULT_MAX_BODY_BYTES = dev.anyclaude.config.Guards.DEFAULT_MAX_BODY_BYTES;

    private final WebServer server;
    private final UpstreamHttp http;
    private final Heartbeats heartbeats;
    private final GatewayConfig config;
    private final Watchdog watchdog;
    private final GatewayMetrics metrics;
    private final WarmStart warmStart;

    private GatewayServer(WebServer server, UpstreamHttp http, Heartbeats heartbeats, GatewayConfig config,
                          Watchdog watchdog, GatewayMetrics metrics, WarmStart warmStart) {
        this.warmStart = warmStart;
        this.server = server;
        this.http = http;
        this.heartbeats = heartbeats;
        this.config = config;
        this.watchdog = watchdog;
        this.metrics = metrics;
    }

    /** How often the deadlines of calls in flight are checked: well inside the one-second cancellation goal. */
    static final java.time.Duration WATCHDOG_PERIOD = java.time.Duration.ofMillis(100);

    /**
     * Starts a gateway for {@code config}; {@code env} is where the upstream key variable is looked up.
     */
    public static GatewayServer start(GatewayConfig config, Map<String, String> env) {
        return start(config, env, Watchdog.start(WATCHDOG_PERIOD));
    }

    /**
     * Starts a gateway with warm start: main prompt prefixes are remembered in {@code warmStart}, and the upstream
     * is primed in the background with the one remembered last (see {@link WarmStart}). The gateway closes it;
     * null is a gateway without warm start.
     */
    public static GatewayServer start(GatewayConfig config, Map<String, String> env, WarmStart warmStart) {
        return start(config, env, Watchdog.start(WATCHDOG_PERIOD), warmStart);
    }

    /**
     * Starts a gateway whose deadlines (and retry waits) are kept by {@code watchdog}: tests pass a manual
     * one to move time by hand. The gateway closes it.
     */
    public static GatewayServer start(GatewayConfig config, Map<String, String> env, Watchdog watchdog) {
        return start(config, env, watchdog, null);
    }

    private static GatewayServer start(GatewayConfig config, Map<String, String> env, Watchdog watchdog,
                                       WarmStart warmStart) {
        try {
            GatewayServer gateway = startWith(config, env, watchdog, warmStart);
            if (warmStart != null) {
                warmStart.prime(config, env, config.headersTimeout(), gateway.http);
            }
            return gateway;
        } catch (RuntimeException e) {
            watchdog.close();
            if (warmStart != null) {
                warmStart.close();
            }
            throw e;
        }
    }

    /** A one-line request, run through the parser, Jackson and the token estimator before the first real one. */
    private static final byte[] WARM_UP_REQUEST = "{\"model\":\"warm-up\",\"max_tokens\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * Starts, on a background thread, the one-time set-up of Helidon that every gateway needs to listen: its
     * service registry and routing. Called first thing by the command line, it runs beside the parsing of the
     * arguments and the rc file, so that {@link #start} finds it done (class initialisation is once per JVM and
     * safe to race). What only requests need (Jackson, the request parser) is warmed up once the gateway
     * listens ({@link #warmUpInBackground}): on two CPUs, where the JIT compilers already run beside the main
     * thread, more work before listening only competed with it (docs/BENCHMARKS.md, fifteenth pass).
     */
    public static void prepareInBackground() {
        Thread.ofPlatform().daemon().name("gateway-prepare").start(() -> {
            try {
                HelidonRegistry.install();
                HttpRouting.builder().get("/", (req, res) -> res.send()).build();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("preparing the gateway in the background failed; start will do it: {}", e.toString());
            }
        });
    }

    private static GatewayServer startWith(GatewayConfig config, Map<String, String> env, Watchdog watchdog,
                                           WarmStart warmStart) {
        HelidonRegistry.install();
        if (FormatRegistry.byName(config.toolFormat()).isEmpty()) {
            throw new IllegalArgumentException("unknown tool-call format '" + config.toolFormat() + "'; known: "
                    + String.join(", ", FormatRegistry.names()));
        }
        UpstreamHttp http = new UpstreamHttp(config.connectTimeout(), config.headersTimeout());
        Heartbeats heartbeats = new Heartbeats(config.pingInterval());
        WebServer server;
        GatewayMetrics metrics = new GatewayMetrics();
        try {
            Backend backend = Backends.create(config, http, env, watchdog.ticker(), new java.util.Random(),
                    warmStart);
            Router router = new Router(backend, ModelMap.of(config));
            MessagesHandler messages = new MessagesHandler(router, TokenEstimator::estimate, metrics, config,
                    watchdog, heartbeats);
            Endpoints endpoints = new Endpoints(router, metrics, config.guards().maxBodyBytes());
            server = WebServer.builder()
                    .host(config.host())
                    .port(config.port())
                    .shutdownHook(false)
                    .maxPayloadSize(-1)
                    // Each SSE event is a small write; with Nagle on, the first one after the headers waits for
                    // the client's delayed ACK (40 ms on Linux): docs/BENCHMARKS.md, load benchmark.
                    .connectionOptions(socket -> socket.tcpNoDelay(true))
                    .routing(routing -> routes(routing, messages, endpoints))
                    .build()
                    .start();
        } catch (RuntimeException e) {
            http.close();
            heartbeats.close();
            throw e;
        }
        // Helidon logs a failed bind and returns a stopped server instead of throwing
        if (!server.isRunning()) {
            http.close();
            heartbeats.close();
            throw new IllegalArgumentException("cannot listen on " + config.host() + ":" + config.port()
                    + " (is the port in use, or the address not one of this machine's?)");
        }
        GatewayServer gateway = new GatewayServer(server, http, heartbeats, config, watchdog, metrics, warmStart);
        LOG.info("anyclaude gateway listening on http://{}:{} -> {} ({}, models: {}; tool format {}); ready {} ms after the JVM started",
                config.host(), server.port(), config.baseUrl(), config.protocol().name().toLowerCase(java.util.Locale.ROOT),
                ModelMap.of(config).describe(), config.toolFormat(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        warmUpInBackground(http, upstreams(config));
        return gateway;
    }

    /** Every base URL the gateway may send to: the replicas and the fallbacks'. */
    static List<String> upstreams(GatewayConfig config) {
        List<String> urls = new ArrayList<>(config.baseUrls());
        config.resilience().fallbacks().stream().map(Fallback::baseUrl).filter(Objects::nonNull).forEach(urls::add);
        return urls;
    }

    /**
     * The estimator loads its BPE vocabulary on first use (~0.5 s), and the upstream client's TLS set-up (for an
     * https upstream) takes ~0.1 s; Jackson and the request parser initialise on their first request: all once the
     * gateway listens (and has said so), in the background, not on the first request. On one
     * platform thread: requests run on virtual threads, whose carriers are as many as the CPUs, and a virtual
     * thread busy with CPU work keeps its carrier until it blocks; two warm-ups on virtual threads held both
     * carriers of a 2-CPU machine and the first request to a new gateway waited 130-240 ms for one
     * (docs/BENCHMARKS.md, start-up). A platform thread is time-sliced by the OS with the carriers instead, and
     * one of them leaves the other CPU to requests.
     */
    private static void warmUpInBackground(UpstreamHttp http, List<String> upstreams) {
        Thread.ofPlatform().daemon().name("gateway-warm-up").start(() -> {
            try {
                Json.bytes(RequestParser.parseMessages(WARM_UP_REQUEST).raw());
                TokenEstimator.estimate(RequestParser.parseCountTokens(WARM_UP_REQUEST));
                http.prepare(upstreams);
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("warming the gateway up in the background failed; the first request will: {}", e.toString());
            }
        });
    }

    private static void routes(HttpRouting.Builder routing, MessagesHandler messages, Endpoints endpoints) {
        routing.post("/v1/messages", messages::handle)
                .post("/v1/messages/count_tokens", endpoints::countTokens)
                .get("/v1/models", endpoints::models)
                .get("/v1/models/{id}", endpoints::model)
                .get("/health", (req, res) -> res.header("content-type", "application/json")
                        .send("{\"status\":\"ok\"}"))
                .head("/api/hello", (req, res) -> res.status(200).send())
                .get("/api/hello", (req, res) -> res.header("content-type", "application/json").send("{}"))
                .get("/metrics", (req, res) -> res.header("content-type", "text/plain; version=0.0.4")
                        .send(endpoints.metrics.scrape()))
                .any(GatewayServer::noEndpoint);
    }

    /** An unknown path is a 404; a known one asked with the wrong method (GET /v1/messages) a 405 that says so. */
    private static void noEndpoint(ServerRequest req, ServerResponse res) {
        String method = req.prologue().method().text();
        String path = req.path().path();
        if (path.equals("/v1/messages") || path.equals("/v1/messages/count_tokens")) {
            HttpErrors.send(res, new ApiError(405, "invalid_request_error", method + " " + path
                    + " is not allowed: this endpoint takes POST", Map.of("allow", "POST")), null);
            return;
        }
        HttpErrors.send(res, ApiError.notFound("no endpoint " + method + " " + path + " in anyclaude"), null);
    }

    public int port() {
        return server.port();
    }

    public GatewayConfig config() {
        return config;
    }

    /**
     * Waits until no request is being handled and no upstream call is watched (the leak check of the fault
     * and soak tests); false if that did not happen within {@code timeout}.
     */
    public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return metrics.awaitNoRequests(timeout)
                && watchdog.awaitNoCalls(java.time.Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    /** Upstream calls being watched now (a leak check for tests: it returns to zero when all requests ended). */
    public int activeCalls() {
        return watchdog.active();
    }

    /** Messages requests being handled now. */
    public int requestsInFlight() {
        return metrics.inFlight();
    }

    @Override
    public void close() {
        server.stop();
        http.close();
        heartbeats.close();
        watchdog.close();
        if (warmStart != null) {
            warmStart.close();
        }
    }

    /** The small endpoints. */
    private static final class Endpoints {
        private final Router router;
        private final GatewayMetrics metrics;
        private final long maxBodyBytes;

        Endpoints(Router router, GatewayMetrics metrics, long maxBodyBytes) {
            this.router = router;
            this.metrics = metrics;
            this.maxBodyBytes = maxBodyBytes;
        }

        void countTokens(ServerRequest req, ServerResponse res) {
            long start = System.nanoTime();
            int status = 200;
            try {
                MessagesRequest request = RequestParser.parseCountTokens(Bodies.read(req, maxBodyBytes));
                Route route = router.route(request);
                long count = upstreamCount(route, new BackendCall(request, route.upstreamModel(),
                        Bodies.headers(req))).orElseGet(() -> TokenEstimator.estimate(request));
                ObjectNode body = Json.object();
                body.put("input_tokens", count);
                res.header("content-type", "application/json").send(Json.bytes(body));
            } catch (ApiException e) {
                status = e.error().status();
                HttpErrors.send(res, e.error(), null);
            } catch (RuntimeException e) {
                // a bug, not the client's fault: an Anthropic error and the trace in the log, never in the answer
                LOG.error("count_tokens failed unexpectedly", e);
                status = 500;
                if (!res.isSent()) {
                    HttpErrors.send(res, ApiError.apiError("anyclaude could not count the tokens; the gateway log"
                            + " has the details"), null);
                }
            } finally {
                metrics.request("count_tokens", status, (System.nanoTime() - start) / 1_000_000);
            }
        }

        /** The upstream's count; an unreachable upstream falls back to the local estimate. */
        private static OptionalLong upstreamCount(Route route, BackendCall call) {
            try {
                return route.backend().countTokens(call);
            } catch (ApiException e) {
                String type = e.error().type();
                if (type.equals("overloaded_error") || type.equals("timeout_error") || type.equals("api_error")) {
                    LOG.warn("count_tokens: upstream could not count ({}); using the local estimate",
                            e.error().message());
                    return OptionalLong.empty();
                }
                throw e;
            }
        }

        void models(ServerRequest req, ServerResponse res) {
            try {
                List<ObjectNode> models = router.backend().models();
                ArrayNode data = Json.array();
                models.forEach(data::add);
                ObjectNode page = Json.object();
                page.set("data", data);
                page.put("has_more", false);
                if (models.isEmpty()) {
                    page.putNull("first_id");
                    page.putNull("last_id");
                } else {
                    page.put("first_id", Json.text(models.getFirst(), "id"));
                    page.put("last_id", Json.text(models.getLast(), "id"));
                }
                res.header("content-type", "application/json").send(Json.bytes(page));
            } catch (ApiException e) {
                HttpErrors.send(res, e.error(), null);
            }
        }

        void model(ServerRequest req, ServerResponse res) {
            String id = req.path().pathParameters().get("id");
            try {
                router.backend().models().stream()
                        .filter(m -> id.equals(Json.text(m, "id")))
                        .findFirst()
                        .ifPresentOrElse(m -> res.header("content-type", "application/json").send(Json.bytes(m)),
                                () -> HttpErrors.send(res, ApiError.notFound("model: " + id), null));
            } catch (ApiException e) {
                HttpErrors.send(res, e.error(), null);
            }
        }
    }
}
