package dev.anyclaude.soak;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.config.Resilience;
import dev.anyclaude.server.GatewayServer;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.Gate;
import dev.anyclaude.testing.FakeUpstream.Pacer;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.Sse;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Many concurrent streams through an in-process gateway to a fake upstream that misbehaves in every way
 * the fault-injection suite knows, all at once, on the real clock with short deadlines. Each stream is
 * validated; the report gives per-fault time-to-end percentiles, heap and threads before and after.
 */
public final class Soak {

    /** What the upstream does to one stream (and, for {@link #CLIENT_LEAVES}, what the client does). */
    public enum Fault {
        NORMAL, HANG_BEFORE_HEADERS, HANG_AFTER_HEADERS, HANG_MID_STREAM, RESET_MID_STREAM, DRIP, RATE_LIMITED,
        UNAVAILABLE, MALFORMED_CHUNKS, REPETITION, NEVER_ENDING, CLIENT_LEAVES
    }

    /** The short deadlines a soak runs with, so every fault ends within seconds. */
    static final Deadlines DEADLINES = new Deadlines(Duration.ofSeconds(4), Duration.ofSeconds(2),
            Duration.ofSeconds(8), Duration.ofMillis(500));
    static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(3);
    /** No stream may take longer than the total deadline plus this. */
    static final Duration SLACK = Duration.ofSeconds(10);

    public record Outcome(Fault fault, long millis, int status, String end, List<String> violations) {
    }

    public record Report(int streams, int concurrency, long wallMillis, List<Outcome> outcomes,
                         long heapBeforeMb, long heapPeakMb, long heapAfterMb, int platformThreadsBefore,
                         int platformThreadsAfter, int liveThreadsBefore, int liveThreadsAfter, int inFlightAfter, int activeCallsAfter, int upstreamActiveAfter,
                         List<String> threadsAdded) {

        public List<Outcome> invalid() {
            return outcomes.stream().filter(o -> !o.violations().isEmpty()).toList();
        }

        public List<Outcome> tooSlow() {
            long bound = DEADLINES.total().plus(SLACK).toMillis();
            return outcomes.stream().filter(o -> o.millis() > bound).toList();
        }

        public String markdown() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "%d streams, %d at once, wall %.1f s; heap %d MB before, peak %d MB, %d MB after (after GC); "
                            + "platform threads %d before, %d after; all threads (virtual too) %d before, %d after; left in flight: %d requests, %d calls, %d upstream replies%n%n",
                    streams, concurrency, wallMillis / 1000.0, heapBeforeMb, heapPeakMb, heapAfterMb,
                    platformThreadsBefore, platformThreadsAfter, liveThreadsBefore, liveThreadsAfter, inFlightAfter, activeCallsAfter, upstreamActiveAfter));
            out.append("| fault | streams | p50 ms | p99 ms | max ms | how they ended |\n|---|---|---|---|---|---|\n");
            Map<Fault, List<Outcome>> byFault = new EnumMap<>(Fault.class);
            outcomes.forEach(o -> byFault.computeIfAbsent(o.fault(), f -> new ArrayList<>()).add(o));
            byFault.forEach((fault, list) -> {
                long[] ms = list.stream().mapToLong(Outcome::millis).sorted().toArray();
                Map<String, Integer> ends = new java.util.TreeMap<>();
                list.forEach(o -> ends.merge(o.end(), 1, Integer::sum));
                out.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %s |%n",
                        fault.name().toLowerCase(Locale.ROOT).replace('_', ' '), ms.length, pct(ms, 50), pct(ms, 99),
                        ms[ms.length - 1], ends));
            });
            long[] all = outcomes.stream().filter(o -> o.fault() != Fault.NORMAL && o.fault() != Fault.CLIENT_LEAVES)
                    .mapToLong(Outcome::millis).sorted().toArray();
            out.append(String.format(Locale.ROOT, "%nAll faulty streams: time to end p50 %d ms, p99 %d ms, max %d ms.%n",
                    pct(all, 50), pct(all, 99), all.length == 0 ? 0 : all[all.length - 1]));
            return out.toString();
        }
    }

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private Soak() {
    }

    public static Report run(int streams, int concurrency, long seed) throws Exception {
        ConcurrentLinkedQueue<Gate> openGates = new ConcurrentLinkedQueue<>();
        try (FakeUpstream fake = FakeUpstream.start(r -> reply(r, openGates))) {
            GatewayConfig config = GatewayConfig.of(fake.baseUrl() + "/v1", Protocol.OPENAI).withModel("m")
                    .withTimeouts(Duration.ofSeconds(2), HEADERS_TIMEOUT)
                    .withDeadlines(DEADLINES)
                    .withResilience(Resilience.DEFAULTS.withMaxRetries(1)
                            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                            .withMaxRetryAfter(Duration.ofSeconds(1)).withBreaker(0, Duration.ofSeconds(1)));
            System.gc();
            var memory = ManagementFactory.getMemoryMXBean();
            var threads = ManagementFactory.getThreadMXBean();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            int threadsBefore = threads.getThreadCount();
            List<String> namesBefore = liveThreadNames();
            int liveBefore = namesBefore.size();
            ConcurrentLinkedQueue<Outcome> results = new ConcurrentLinkedQueue<>();
            long[] heapPeak = {heapBefore};
            long wallStart = System.nanoTime();
            int inFlight;
            int activeCalls;
            // every thread the run starts is in an executor that is closed (waited for) before threads are
            // counted again: a thread that was still on its way out is not mistaken for a leak
            try (GatewayServer gateway = GatewayServer.start(config, Map.of());
                 ExecutorService streamThreads = Executors.newVirtualThreadPerTaskExecutor();
                 ExecutorService clientThreads = Executors.newVirtualThreadPerTaskExecutor();
                 HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                         .executor(clientThreads).build()) {
                Random random = new Random(seed);
                Fault[] faults = Fault.values();
                CountDownLatch done = new CountDownLatch(streams);
                java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(concurrency);
                Thread sampler = Thread.ofVirtual().start(() -> {
                    while (done.getCount() > 0) {
                        heapPeak[0] = Math.max(heapPeak[0], memory.getHeapMemoryUsage().getUsed());
                        try {
                            done.await(50, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                for (int i = 0; i < streams; i++) {
                    Fault fault = faults[random.nextInt(faults.length)];
                    int id = i;
                    slots.acquire();
                    streamThreads.execute(() -> {
                        try {
                            results.add(stream(client, gateway.port(), fault, id));
                        } finally {
                            slots.release();
                            done.countDown();
                        }
                    });
                }
                if (!done.await(DEADLINES.total().plus(SLACK).toSeconds() * 4 + streams / 10, TimeUnit.SECONDS)) {
                    throw new AssertionError("soak did not finish: " + done.getCount() + " streams still open");
                }
                sampler.interrupt();
                sampler.join();
                openGates.forEach(Gate::release);
                gateway.awaitIdle(Duration.ofSeconds(10));
                inFlight = gateway.requestsInFlight();
                activeCalls = gateway.activeCalls();
            }
            long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;
            try {
                fake.awaitNoActiveExchange(Duration.ofSeconds(10));
            } catch (AssertionError stillActive) {
                // reported below as a number, so the whole report is printed
            }
            int upstreamActive = fake.activeExchangeCount();
            List<String> namesAfter = liveThreadNames();
            int liveAfter = namesAfter.size();
            System.gc();
            long heapAfter = memory.getHeapMemoryUsage().getUsed();
            return new Report(streams, concurrency, wallMillis, List.copyOf(results), heapBefore >> 20,
                    heapPeak[0] >> 20, heapAfter >> 20, threadsBefore, threads.getThreadCount(), liveBefore, liveAfter,
                    inFlight, activeCalls, upstreamActive, added(namesBefore, namesAfter));
        }
    }

    /** The names in {@code after} that {@code before} does not account for (each name counted as often as it occurs). */
    static List<String> added(List<String> before, List<String> after) {
        List<String> left = new ArrayList<>(after);
        before.forEach(left::remove);
        return left;
    }

    /**
     * The names of all live threads, virtual ones included (the JDK's JSON thread dump is the one place that lists
     * them); an unnamed thread is listed by its id, so that a leak says what leaked.
     */
    static List<String> liveThreadNames() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("soak-threads", ".json");
            java.nio.file.Files.delete(file);
            try {
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                List<String> names = new ArrayList<>();
                for (var container : Json.parse(java.nio.file.Files.readAllBytes(file)).path("threadDump")
                        .path("threadContainers")) {
                    for (var thread : container.path("threads")) {
                        String name = thread.path("name").asString("");
                        names.add(name.isEmpty() ? container.path("container").asString("") + " #"
                                + thread.path("tid").asString("") : name);
                    }
                }
                return names;
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot dump threads", e);
        }
    }

    private static String request(Fault fault, int id) {
        ObjectNode body = Json.object();
        body.put("model", "claude-sonnet-4-5");
        body.put("max_tokens", 256);
        body.put("stream", true);
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "fault=" + fault.name() + " id=" + id);
        return Json.string(body);
    }

    private static Outcome stream(HttpClient client, int port, Fault fault, int id) {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/messages"))
                .header("content-type", "application/json")
                .timeout(DEADLINES.total().plus(SLACK))
                .POST(HttpRequest.BodyPublishers.ofString(request(fault, id)))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                if (fault == Fault.CLIENT_LEAVES) {
                    body = in.readNBytes(300); // a little of the stream, then the client goes
                    return new Outcome(fault, millis(start), response.statusCode(), "left", List.of());
                }
                body = in.readAllBytes();
            }
            long millis = millis(start);
            boolean stream = response.headers().firstValue("content-type").orElse("").contains("event-stream");
            if (!stream) {
                String type = Json.parse(body).path("error").path("type").asString("?");
                return new Outcome(fault, millis, response.statusCode(), "http " + response.statusCode() + " " + type,
                        List.of());
            }
            Sse.Result result = Sse.check(body);
            String end = result.errored()
                    ? "error event " + result.named("error").getFirst().json().path("error").path("type").asString("?")
                    : "stop " + result.stopReason();
            return new Outcome(fault, millis, response.statusCode(), end, result.violations());
        } catch (IOException e) {
            return new Outcome(fault, millis(start), 0, "client saw " + e.getClass().getSimpleName(),
                    List.of("transport failure: " + e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(fault, millis(start), 0, "interrupted", List.of("interrupted"));
        }
    }

    private static long millis(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static OpenAiSse words(int count, int seed) {
        OpenAiSse sse = OpenAiSse.chat("m").role();
        for (int i = 0; i < count; i++) {
            sse.text("w" + (seed + i) + " ");
        }
        return sse;
    }

    /** Far more than any deadline lets through: at 1 ms per piece of at most 64 bytes, minutes of output. */
    private static final byte[] NEVER_ENDING = words(40_000, 0).bytes();

    /** The fake upstream's side of each fault, chosen by the marker in the request. */
    private static Reply reply(RecordedRequest request, ConcurrentLinkedQueue<Gate> gates) {
        String text = request.bodyText();
        int at = text.indexOf("fault=");
        Fault fault = at < 0 ? Fault.NORMAL : Fault.valueOf(text.substring(at + 6, text.indexOf(' ', at)));
        int id = Integer.parseInt(text.replaceAll("(?s).*id=(\\d+).*", "$1"));
        Chunking chunking = Chunking.random(id, 64);
        byte[] normal = words(60, id).finish("stop").usage(20, 60, 0).done().bytes();
        return switch (fault) {
            case NORMAL, CLIENT_LEAVES -> Reply.sse(normal).withChunking(chunking)
                    .withPacer(fault == Fault.CLIENT_LEAVES ? Pacer.steady(Duration.ofMillis(20)) : null);
            case HANG_BEFORE_HEADERS -> {
                Gate gate = new Gate();
                gates.add(gate);
                yield Reply.sse(normal).withStallBeforeHeaders(gate);
            }
            case HANG_AFTER_HEADERS -> Reply.sse(normal).withHoldAt(0);
            case HANG_MID_STREAM -> Reply.sse(normal).withChunking(chunking).withHoldAt(normal.length / 2);
            case RESET_MID_STREAM -> Reply.sse(normal).withChunking(chunking).withResetAt(normal.length / 2);
            case DRIP -> Reply.sse(normal).withChunking(Chunking.oneByte()).withPacer(Pacer.steady(Duration.ofMillis(25)));
            case RATE_LIMITED -> Reply.json(429, "{\"error\":{\"message\":\"slow down\",\"code\":429}}")
                    .withHeader("Retry-After", "1");
            case UNAVAILABLE -> Reply.json(id % 2 == 0 ? 503 : 529, "{\"error\":{\"message\":\"busy\"}}");
            case MALFORMED_CHUNKS -> Reply.sse(words(5, id).raw("data: {\"choices\":[{\"delta\":{\"content\":\"x")
                    .raw("data: <html>bad gateway</html>").text("after").finish("stop").done().bytes())
                    .withChunking(chunking);
            case REPETITION -> {
                OpenAiSse loop = OpenAiSse.chat("m").role();
                for (int i = 0; i < 400; i++) {
                    loop.text("I will now read the file again to check. ");
                }
                yield Reply.sse(loop.finish("stop").done().bytes()).withChunking(chunking)
                        .withPacer(Pacer.steady(Duration.ofMillis(2)));
            }
            case NEVER_ENDING -> Reply.sse(NEVER_ENDING).withChunking(chunking).withPacer(Pacer.steady(Duration.ofMillis(1)));
        };
    }

    /** {@code java ... Soak [streams] [concurrency] [seed]}: runs a soak and prints the report. */
    public static void main(String[] args) throws Exception {
        int streams = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : streams;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
        run(24, 24, seed + 1); // JVM-wide threads (carriers, pollers, timers) start here, not in the measured run
        Report report = run(streams, concurrency, seed);
        System.out.println(report.markdown());
        System.out.println("invalid streams: " + report.invalid().size() + ", over the bound: " + report.tooSlow().size());
        System.exit(report.invalid().isEmpty() && report.tooSlow().isEmpty() ? 0 : 1);
    }
}
