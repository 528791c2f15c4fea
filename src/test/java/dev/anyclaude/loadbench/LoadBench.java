package dev.anyclaude.loadbench;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.openai.ChatRequestMapper;
import dev.anyclaude.openai.ClaudeCodeSessions;
import dev.anyclaude.openai.OpenAiFlavor;
import dev.anyclaude.server.GatewayServer;
import dev.anyclaude.testing.GatewayProcess;
import dev.anyclaude.testing.Sse;
import dev.anyclaude.testing.Started;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The gateway under load against a direct baseline, in one JVM and one run: the same Claude-Code-shaped
 * streaming requests (capture 01: system prompt, 12 tools, the first prompt, plus a per-request line) sent
 * straight to a {@link BenchUpstream} as the Chat Completions body the gateway itself would send, and
 * through an in-process gateway as the Anthropic request. Driver, fake upstream and gateway share the
 * process, so the gateway's share of CPU and heap is the proxied figure minus the direct one.
 *
 * <p>Benchmarks: {@code load} (time to first token, throughput and CPU at a fixed concurrency),
 * {@code heap} (thousands of slow streams open at once), {@code session} (a multi-turn Claude Code session
 * through the gateway to an upstream that charges prefill for what its prompt cache misses).
 */
public final class LoadBench {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    /** One stream's outcome as the client saw it. */
    record Outcome(boolean ok, String error, long ttftNanos, long totalNanos, int deltas, byte[] body) {
    }

    /** A batch of streams, direct or through the gateway. */
    record Phase(String name, int streams, int concurrency, long wallNanos, long cpuNanos, List<Outcome> outcomes) {
        long errors() {
            return outcomes.stream().filter(o -> !o.ok()).count();
        }

        long deltas() {
            return outcomes.stream().mapToLong(Outcome::deltas).sum();
        }

        double streamsPerSecond() {
            return outcomes.stream().filter(Outcome::ok).count() / (wallNanos / 1e9);
        }

        double deltasPerSecond() {
            return deltas() / (wallNanos / 1e9);
        }

        long[] ttfts() {
            return outcomes.stream().filter(Outcome::ok).mapToLong(Outcome::ttftNanos).sorted().toArray();
        }

        double ttftMillis(int p) {
            return pct(ttfts(), p) / 1e6;
        }

        double cpuMillisPerThousandDeltas() {
            return deltas() == 0 ? 0 : cpuNanos / 1e6 / deltas() * 1000;
        }
    }

    private final HttpClient client;
    private final String directUrl;
    private final String gatewayUrl;

    LoadBench(HttpClient client, String directUrl, String gatewayUrl) {
        this.client = client;
        this.directUrl = directUrl;
        this.gatewayUrl = gatewayUrl;
    }

    // ---------------------------------------------------------------------------------------------
    // requests

    /**
     * Request {@code n}: Claude Code's first request as captured (capture 01: system prompt, 12 tools, the first
     * prompt), the same for every {@code n}, so the upstream's cache holds all of it after the first and no
     * prefill hides the path; or, {@code small}, a one-line prompt of its own (no system prompt, no tools),
     * which leaves only the per-stream and per-delta work.
     */
    static ObjectNode anthropic(int n, boolean small) {
        if (small) {
            ObjectNode body = Json.object();
            body.put("model", "claude-sonnet-4-5");
            body.put("max_tokens", 1024);
            body.put("stream", true);
            ObjectNode message = body.putArray("messages").addObject();
            message.put("role", "user");
            message.put("content", "Request " + n + " of the load benchmark.");
            return body;
        }
        return ClaudeCodeSessions.all().getFirst().turns().getFirst().deepCopy();
    }

    /** The Chat Completions body the gateway sends for an Anthropic body (generic flavor, model "m"). */
    static byte[] direct(ObjectNode anthropic) {
        return Json.bytes(ChatRequestMapper.map(RequestParser.parseMessages(Json.bytes(anthropic)),
                new ChatRequestMapper.Options(OpenAiFlavor.GENERIC, "m", null, null)));
    }

    /** A pool of distinct request pairs, reused round robin (building 55 KB bodies per stream would load the driver). */
    record Bodies(byte[][] anthropic, byte[][] direct) {
        static Bodies of(int count, boolean small) {
            byte[][] a = new byte[count][];
            byte[][] d = new byte[count][];
            for (int i = 0; i < count; i++) {
                ObjectNode body = LoadBench.anthropic(i, small);
                a[i] = Json.bytes(body);
                d[i] = LoadBench.direct(body);
            }
            return new Bodies(a, d);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // one stream

    Outcome stream(boolean through, byte[] body, boolean keepBody) {
        long start = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(URI.create(through ? gatewayUrl + "/v1/messages"
                        : directUrl + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .header("accept", "text/event-stream")
                .timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            HttpResponse<InputStream> response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            ByteArrayOutputStream kept = keepBody ? new ByteArrayOutputStream(8192) : null;
            long ttft = -1;
            int deltas = 0;
            boolean ended = false;
            try (InputStream in = new BufferedInputStream(response.body(), 16 * 1024)) {
                if (response.statusCode() != 200) {
                    return new Outcome(false, "http " + response.statusCode() + " " + Json.utf8(in.readAllBytes()),
                            -1, System.nanoTime() - start, 0, null);
                }
                byte[] line = new byte[64 * 1024];
                int length;
                while ((length = readLine(in, line, kept)) >= 0) {
                    if (through ? startsWith(line, length, DATA) && contains(line, length, TEXT_DELTA)
                            : startsWith(line, length, DATA) && contains(line, length, CONTENT)) {
                        if (ttft < 0) {
                            ttft = System.nanoTime() - start;
                        }
                        deltas++;
                    } else if (through ? startsWith(line, length, MESSAGE_STOP) : startsWith(line, length, DONE)) {
                        ended = true;
                    }
                }
            }
            long total = System.nanoTime() - start;
            if (!ended || ttft < 0) {
                return new Outcome(false, ended ? "no text" : "stream ended without its last event", ttft, total, deltas,
                        kept == null ? null : kept.toByteArray());
            }
            return new Outcome(true, null, ttft, total, deltas, kept == null ? null : kept.toByteArray());
        } catch (IOException e) {
            return new Outcome(false, e.toString(), -1, System.nanoTime() - start, 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(false, "interrupted", -1, System.nanoTime() - start, 0, null);
        }
    }

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_DELTA = "\"text_delta\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT = "\"content\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MESSAGE_STOP = "event: message_stop".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]".getBytes(StandardCharsets.US_ASCII);

    /** Reads one line (without its end) into {@code into}; -1 at the end of the stream. */
    private static int readLine(InputStream in, byte[] into, ByteArrayOutputStream kept) throws IOException {
        int n = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (kept != null) {
                kept.write(b);
            }
            if (b == '\n') {
                return n;
            }
            if (n < into.length) {
                into[n++] = (byte) b;
            }
        }
        return n == 0 ? -1 : n;
    }

    private static boolean startsWith(byte[] line, int length, byte[] prefix) {
        return length >= prefix.length && Arrays.equals(line, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean contains(byte[] line, int length, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // batches

    /**
     * Runs {@code streams} streams, {@code concurrency} at once. With {@code atPeak}, it runs once the upstream
     * is writing all of them at the same time (or the first has ended, or 100 s passed).
     */
    Phase phase(String name, boolean through, Bodies bodies, int streams, int concurrency, boolean keepBodies,
                Runnable atPeak, BenchUpstream upstream) throws InterruptedException {
        return phase(name, through, bodies, streams, concurrency, 0, keepBodies, atPeak, upstream);
    }

    /**
     * As above; with {@code intervalNanos > 0}, stream {@code i} starts no sooner than {@code i × interval}
     * after the first (paced arrivals, still at most {@code concurrency} open), else each starts as soon as a
     * slot is free (lockstep: streams of equal length start and end in waves of {@code concurrency}).
     */
    Phase phase(String name, boolean through, Bodies bodies, int streams, int concurrency, long intervalNanos,
                boolean keepBodies, Runnable atPeak, BenchUpstream upstream) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        Semaphore slots = new Semaphore(concurrency);
        CountDownLatch done = new CountDownLatch(streams);
        long cpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < streams; i++) {
            byte[] body = (through ? bodies.anthropic() : bodies.direct())[i % bodies.direct().length];
            if (intervalNanos > 0) {
                // the workload's arrival schedule (an open-loop client), not a wait for a condition
                for (long due = start + i * intervalNanos, left; (left = due - System.nanoTime()) > 0; ) {
                    LockSupport.parkNanos(left);
                }
            }
            slots.acquire();
            Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(stream(through, body, keepBodies));
                } finally {
                    slots.release();
                    done.countDown();
                }
            });
        }
        if (atPeak != null) {
            upstream.awaitPeak(streams, Duration.ofSeconds(100));
            atPeak.run();
        }
        if (!done.await(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + ": " + done.getCount() + " streams did not end");
        }
        long wall = System.nanoTime() - start;
        long cpu = os.getProcessCpuTime() - cpuStart;
        return new Phase(name, streams, concurrency, wall, cpu, List.copyOf(outcomes));
    }

    // ---------------------------------------------------------------------------------------------
    // the benchmarks

    static GatewayConfig gatewayConfig(String upstreamBaseUrl) {
        return GatewayConfig.of(upstreamBaseUrl + "/v1", Protocol.OPENAI).withModel("m").withFlavor("generic");
    }

    static HttpClient httpClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    /** Time to first token, throughput and CPU, direct and through, alternating rounds after a warm-up. */
    static void load(Map<String, String> opts) throws Exception {
        int concurrency = intOpt(opts, "concurrency", 64);
        int streams = intOpt(opts, "streams", 320);
        int rounds = intOpt(opts, "rounds", 2);
        int tokens = intOpt(opts, "tokens", 100);
        double rate = doubleOpt(opts, "rate", 50);
        int warmup = intOpt(opts, "warmup", 320);
        // paced: one stream every (stream length / concurrency), so about `concurrency` are open at any time and
        // requests arrive spread out, as many independent clients' do; lockstep (the default): all slots start
        // together and, streams being of equal length, end together, so requests come in bursts of `concurrency`
        boolean paced = "paced".equals(opts.getOrDefault("arrivals", "lockstep"));
        if (paced && rate <= 0) {
            throw new IllegalArgumentException("arrivals=paced needs a paced decode (rate > 0) to space the streams by");
        }
        long interval = paced ? Math.round(tokens / rate * 1e9 / concurrency) : 0;
        System.out.printf(Locale.ROOT, "## load: %s prompt, %d streams x %d rounds at %d concurrent, %d tokens/stream at %s tokens/s, warm-up %d each way%s, arrivals %s%n%n",
                "small".equals(opts.get("prompt")) ? "small" : "Claude Code (capture 01)", streams, rounds, concurrency, tokens, rate > 0 ? String.valueOf(rate) : "unpaced", warmup,
                opts.containsKey("warmupTokens") ? " of " + opts.get("warmupTokens") + " unpaced tokens" : "",
                paced ? String.format(Locale.ROOT, "paced (one every %.2f ms)", interval / 1e6) : "lockstep (waves of " + concurrency + ")");
        boolean small = "small".equals(opts.get("prompt"));
        Bodies bodies = Bodies.of(256, small);
        boolean process = "process".equals(opts.get("gateway"));
        if (opts.containsKey("compare") && !process) {
            throw new IllegalArgumentException("compare=JAR needs gateway=process");
        }
        try (BenchUpstream upstream = BenchUpstream.start(tokens, rate, doubleOpt(opts, "prefill", 50));
             Gateway gateway = process ? Gateway.process(opts, upstream.baseUrl()) : Gateway.inProcess(upstream.baseUrl());
             Gateway other = opts.containsKey("compare") ? Gateway.process(withJar(opts, opts.get("compare")), upstream.baseUrl()) : null;
             HttpClient client = httpClient();
             Started forwarders = new Started()) {
            LoadBench bench = new LoadBench(client, upstream.baseUrl(), "http://127.0.0.1:" + gateway.port());
            // compare=JAR: a second build's gateway in the same run, its rounds interleaved with the first's, so
            // that both see the same machine (whose speed drifts by tens of percent within minutes here)
            List<Through> paths = new ArrayList<>();
            paths.add(new Through(other == null ? "through" : "through " + opts.getOrDefault("jar", "target/anyclaude.jar"),
                    gateway, bench));
            if (other != null) {
                paths.add(new Through("through " + opts.get("compare")
                        + (opts.containsKey("compareJvm") ? " " + opts.get("compareJvm") : ""),
                        other, new LoadBench(client, upstream.baseUrl(), "http://127.0.0.1:" + other.port())));
            }
            // floor=platform|virtual: the direct requests through a TCP forwarder (Forwarder) as well, the least
            // any extra hop costs on this machine
            for (String threads : opts.containsKey("floor") ? opts.get("floor").split(",") : new String[0]) {
                Gateway forwarder = forwarders.add(Gateway.forwarder(threads, upstream.baseUrl()));
                paths.add(new Through("forwarder (" + threads + " threads)", forwarder,
                        new LoadBench(client, "http://127.0.0.1:" + forwarder.port(), null), false));
            }
            // warmupTokens=N: the warm-up's streams are N tokens long, unpaced, so that many more requests fit in
            // it: the per-request path reaches C2 only after thousands of requests (Tier4InvocationThreshold 5000)
            if (opts.containsKey("warmupTokens")) {
                upstream.shape(intOpt(opts, "warmupTokens", tokens), 0);
            }
            for (int w = 0; w < 2; w++) {
                bench.phase("warm-up direct", false, bodies, warmup / 2, concurrency, false, null, null);
                for (Through path : paths) {
                    path.bench().phase("warm-up through", path.anthropic(), bodies, warmup / 2, concurrency, false,
                            null, null);
                }
            }
            upstream.shape(tokens, rate);
            List<Phase> direct = new ArrayList<>();
            System.out.println("| round | path | streams | errors | wall s | streams/s | deltas/s | TTFT p50 ms | TTFT p99 ms | CPU ms / 1000 deltas |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (int r = 1; r <= rounds; r++) {
                System.gc();
                Phase d = bench.phase("direct", false, bodies, streams, concurrency, interval, false, null, null);
                direct.add(d);
                row(r, d);
                for (int k = 0; k < paths.size(); k++) {
                    Through path = paths.get(r % 2 == 1 ? k : paths.size() - 1 - k); // the order alternates by round
                    System.gc();
                    row(r, path.round(bodies, streams, concurrency, interval));
                }
            }
            Phase d = merge("direct", direct);
            row(0, d);
            List<Phase> merged = new ArrayList<>();
            for (Through path : paths) {
                merged.add(merge(path.label(), path.rounds()));
                row(0, merged.getLast());
            }
            for (int g = 0; g < paths.size(); g++) {
                Phase t = merged.get(g);
                String which = paths.size() == 1 ? "" : " [" + paths.get(g).label() + "]";
                System.out.printf(Locale.ROOT, "%nadded TTFT (through - direct)%s: p50 %+.3f ms, p99 %+.3f ms; per round p50 %s, p99 %s%n",
                        which, t.ttftMillis(50) - d.ttftMillis(50), t.ttftMillis(99) - d.ttftMillis(99),
                        perRound(direct, paths.get(g).rounds(), 50), perRound(direct, paths.get(g).rounds(), 99));
                System.out.printf(Locale.ROOT, "throughput through/direct%s: streams/s %.1f %%, deltas/s %.1f %%%n", which,
                        100 * t.streamsPerSecond() / d.streamsPerSecond(), 100 * t.deltasPerSecond() / d.deltasPerSecond());
                System.out.printf(Locale.ROOT, "process CPU per 1000 deltas%s: direct %.2f ms, through %.2f ms, the gateway's share (difference) %.2f ms%n",
                        which, d.cpuMillisPerThousandDeltas(), t.cpuMillisPerThousandDeltas(),
                        t.cpuMillisPerThousandDeltas() - d.cpuMillisPerThousandDeltas());
            }
            if (paths.size() == 2) {
                System.out.printf(Locale.ROOT, "%ncompare (second - first): TTFT p50 %+.3f ms, p99 %+.3f ms; per round p50 %s; CPU per 1000 deltas %+.2f ms%n",
                        merged.get(1).ttftMillis(50) - merged.get(0).ttftMillis(50),
                        merged.get(1).ttftMillis(99) - merged.get(0).ttftMillis(99),
                        perRound(paths.get(0).rounds(), paths.get(1).rounds(), 50),
                        merged.get(1).cpuMillisPerThousandDeltas() - merged.get(0).cpuMillisPerThousandDeltas());
            }
            var served = upstream.served();
            System.out.printf(Locale.ROOT, "upstream: %d requests, prompt %.0f tokens, cached %.1f %%, prefill mean %.2f ms%n",
                    served.size(), served.stream().mapToLong(BenchUpstream.Served::promptTokens).average().orElse(0),
                    100 * served.stream().mapToDouble(BenchUpstream.Served::cachedShare).average().orElse(0),
                    served.stream().mapToLong(BenchUpstream.Served::prefillMicros).average().orElse(0) / 1000);
            reportErrors(direct);
            paths.forEach(path -> reportErrors(path.rounds()));
        }
    }

    /**
     * A path through a gateway: its label in the tables, the gateway, the driver aimed at it, whether it is sent
     * the Anthropic requests (a forwarder is sent the direct ones), its rounds.
     */
    private record Through(String label, Gateway gateway, LoadBench bench, boolean anthropic, List<Phase> rounds) {
        Through(String label, Gateway gateway, LoadBench bench) {
            this(label, gateway, bench, true);
        }

        Through(String label, Gateway gateway, LoadBench bench, boolean anthropic) {
            this(label, gateway, bench, anthropic, new ArrayList<>());
        }

        /** One measured round; a gateway of its own process has its CPU added, as an in-process one's is. */
        Phase round(Bodies bodies, int streams, int concurrency, long interval) throws InterruptedException {
            long gatewayCpu = gateway.cpuNanos();
            Phase t = bench.phase(label, anthropic, bodies, streams, concurrency, interval, false, null, null);
            t = new Phase(t.name(), t.streams(), t.concurrency(), t.wallNanos(),
                    t.cpuNanos() + gateway.cpuNanos() - gatewayCpu, t.outcomes());
            rounds.add(t);
            return t;
        }
    }

    private static Map<String, String> withJar(Map<String, String> opts, String jar) {
        Map<String, String> copy = new LinkedHashMap<>(opts);
        copy.put("jar", jar);
        copy.put("home", "loadbench-gateway-home-compare");
        if (opts.containsKey("compareJvm")) {
            copy.put("jvm", opts.get("compareJvm"));
        }
        return copy;
    }

    /**
     * The gateway a load run goes through: in this JVM (sharing its CPUs with the driver and the fake upstream), or
     * the packaged jar in its own JVM ({@code gateway=process}), optionally on CPUs of its own ({@code gatewayCpus=1},
     * with taskset; run the benchmark itself under {@code taskset -c 0} to keep it off them), as deployed.
     */
    private interface Gateway extends AutoCloseable {
        int port();

        /** CPU time of a gateway in its own process; 0 for one in this JVM (its CPU is this process's). */
        long cpuNanos();

        @Override
        void close() throws InterruptedException;

        static Gateway inProcess(String upstream) {
            GatewayServer server = GatewayServer.start(gatewayConfig(upstream), Map.of());
            return new Gateway() {
                public int port() {
                    return server.port();
                }

                public long cpuNanos() {
                    return 0;
                }

                public void close() {
                    server.close();
                }
            };
        }

        /** A {@link Forwarder} in a JVM of its own, on {@code threads} threads, in front of {@code upstream}. */
        static Gateway forwarder(String threads, String upstream) throws IOException {
            Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
            Process process = new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
                    Forwarder.class.getName(), upstream.substring(upstream.lastIndexOf(':') + 1), threads)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            if (line == null || !line.startsWith("port ")) {
                process.destroyForcibly();
                throw new IOException("the forwarder did not start: " + line);
            }
            int port = Integer.parseInt(line.substring(5).trim());
            ProcessGauges gauges = new ProcessGauges(process.pid());
            System.out.println("forwarder (" + threads + " threads) in its own JVM, port " + port + "\n");
            return new Gateway() {
                public int port() {
                    return port;
                }

                public long cpuNanos() {
                    return gauges.cpuNanos();
                }

                public void close() throws InterruptedException {
                    try {
                        process.getOutputStream().close(); // its signal to stop
                    } catch (IOException gone) {
                        // already gone
                    }
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor();
                    }
                }
            };
        }

        static Gateway process(Map<String, String> opts, String upstream) throws IOException, InterruptedException {
            List<String> prefix = opts.containsKey("gatewayCpus") ? List.of("taskset", "-c", opts.get("gatewayCpus"))
                    : List.of();
            // xmx=default: the JVM's own heap sizing, as `anyclaude serve` runs (a quarter of the machine's memory)
            String xmx = opts.getOrDefault("xmx", "1g");
            List<String> jvm = new ArrayList<>(xmx.equals("default") ? List.of() : List.of("-Xmx" + xmx));
            if (opts.containsKey("jvm")) {
                jvm.addAll(Arrays.asList(opts.get("jvm").split(",")));
            }
            Path jar = Path.of(opts.getOrDefault("jar", "target/anyclaude.jar"));
            System.out.println("gateway: " + String.join(" ", prefix) + (prefix.isEmpty() ? "" : " ") + jar
                    + " in its own JVM, " + String.join(" ", jvm) + "\n");
            Path home = Files.createDirectories(Path.of("target", opts.getOrDefault("home", "loadbench-gateway-home")));
            GatewayProcess gateway = GatewayProcess.start(prefix, jar, jvm, home, Map.of(), "--base-url",
                    upstream + "/v1", "--protocol", "openai", "--flavor", "generic", "--model", "m");
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> ProcessHandle.of(gateway.pid()).ifPresent(ProcessHandle::destroyForcibly)));
            ProcessGauges gauges = new ProcessGauges(gateway.pid());
            return new Gateway() {
                public int port() {
                    return gateway.port();
                }

                public long cpuNanos() {
                    return gauges.cpuNanos();
                }

                public void close() throws InterruptedException {
                    gateway.close();
                }
            };
        }
    }

    private static String perRound(List<Phase> direct, List<Phase> through, int p) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < direct.size(); i++) {
            out.add(String.format(Locale.ROOT, "%+.3f", through.get(i).ttftMillis(p) - direct.get(i).ttftMillis(p)));
        }
        return String.join(" / ", out);
    }

    private static Phase merge(String name, List<Phase> phases) {
        List<Outcome> all = new ArrayList<>();
        long wall = 0;
        long cpu = 0;
        int streams = 0;
        for (Phase p : phases) {
            all.addAll(p.outcomes());
            wall += p.wallNanos();
            cpu += p.cpuNanos();
            streams += p.streams();
        }
        return new Phase(name, streams, phases.getFirst().concurrency(), wall, cpu, all);
    }

    private static void row(int round, Phase p) {
        System.out.printf(Locale.ROOT, "| %s | %s | %d | %d | %.2f | %.1f | %.0f | %.3f | %.3f | %.2f |%n",
                round == 0 ? "all" : String.valueOf(round), p.name(), p.streams(), p.errors(), p.wallNanos() / 1e9,
                p.streamsPerSecond(), p.deltasPerSecond(), p.ttftMillis(50), p.ttftMillis(99), p.cpuMillisPerThousandDeltas());
    }

    private static void reportErrors(List<Phase> phases) {
        for (Phase p : phases) {
            p.outcomes().stream().filter(o -> !o.ok()).limit(3)
                    .forEach(o -> System.out.println("  " + p.name() + " error: " + o.error()));
        }
    }

    /** Heap with thousands of slow streams open at once: direct, then through; the difference is the gateway's. */
    static void heap(Map<String, String> opts) throws Exception {
        int streams = intOpt(opts, "streams", 2000);
        int tokens = intOpt(opts, "tokens", 400); // 40 s a stream: long enough for all to be open at once
        double rate = doubleOpt(opts, "rate", 10);
        System.out.printf(Locale.ROOT, "## heap: %s prompt, %d streams open at once, %d tokens each at %s tokens/s%n%n",
                "small".equals(opts.get("prompt")) ? "small" : "Claude Code (capture 01)", streams, tokens, rate);
        Bodies bodies = Bodies.of(256, "small".equals(opts.get("prompt")));
        if ("process".equals(opts.get("gateway"))) {
            heapOfProcess(opts, streams, tokens, rate, bodies);
            return;
        }
        var memory = ManagementFactory.getMemoryMXBean();
        var threads = ManagementFactory.getThreadMXBean();
        try (BenchUpstream upstream = BenchUpstream.start(tokens, rate, doubleOpt(opts, "prefill", 50));
             GatewayServer gateway = GatewayServer.start(gatewayConfig(upstream.baseUrl()), Map.of());
             HttpClient client = httpClient()) {
            LoadBench bench = new LoadBench(client, upstream.baseUrl(), "http://127.0.0.1:" + gateway.port());
            bench.phase("warm-up direct", false, bodies, 200, 200, false, null, null);
            bench.phase("warm-up through", true, bodies, 200, 200, false, null, null);
            System.out.println("| path | streams | errors | invalid | open at the peak | heap before MB | heap at the peak MB (after GC) | added MB | platform threads at the peak | wall s |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            for (boolean through : new boolean[] {false, true}) {
                System.gc(); // a full, stop-the-world collection (G1 without ExplicitGCInvokesConcurrent)
                long before = memory.getHeapMemoryUsage().getUsed();
                long[] peak = new long[3];
                Phase p = bench.phase(through ? "through" : "direct", through, bodies, streams, streams, true, () -> {
                    peak[1] = upstream.streaming();
                    System.gc();
                    peak[0] = memory.getHeapMemoryUsage().getUsed();
                    peak[2] = threads.getThreadCount();
                }, upstream);
                long invalid = through ? p.outcomes().stream().filter(o -> o.body() != null)
                        .filter(o -> !Sse.check(o.body()).violations().isEmpty()).count() : 0;
                System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %.1f |%n", p.name(), streams,
                        p.errors(), invalid, peak[1], before >> 20, peak[0] >> 20, (peak[0] - before) >> 20, peak[2],
                        p.wallNanos() / 1e9);
                reportErrors(List.of(p));
            }
            System.out.println("\ngateway requests in flight after: " + gateway.requestsInFlight());
        }
    }

    /**
     * The gateway as deployed: the packaged jar in its own JVM with a heap limit ({@code xmx}, 512m by default),
     * logging at INFO (a line per request), thousands of streams through it at once; at the peak, its
     * live heap (a class histogram after a full GC), its resident memory and threads, from outside the process.
     */
    static void heapOfProcess(Map<String, String> opts, int streams, int tokens, double rate, Bodies bodies) throws Exception {
        String xmx = opts.getOrDefault("xmx", "512m");
        Path jar = Path.of(opts.getOrDefault("jar", "target/anyclaude.jar"));
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + xmx));
        if (opts.containsKey("jvm")) {
            jvm.addAll(Arrays.asList(opts.get("jvm").split(",")));
        }
        System.out.println("gateway: " + jar + " in its own JVM, " + String.join(" ", jvm) + "\n");
        Path home = Files.createDirectories(Path.of("target", "loadbench-gateway-home")); // the gateway's HOME
        try (BenchUpstream upstream = BenchUpstream.start(tokens, rate, doubleOpt(opts, "prefill", 50));
             GatewayProcess gateway = GatewayProcess.start(jar, jvm, home, Map.of(), "--base-url",
                     upstream.baseUrl() + "/v1", "--protocol", "openai", "--flavor", "generic", "--model", "m");
             HttpClient client = httpClient()) {
            // a benchmark stopped by a signal still stops its gateway
            Runtime.getRuntime().addShutdownHook(new Thread(
                    () -> ProcessHandle.of(gateway.pid()).ifPresent(ProcessHandle::destroyForcibly)));
            ProcessGauges gauges = new ProcessGauges(gateway.pid());
            LoadBench bench = new LoadBench(client, upstream.baseUrl(), "http://127.0.0.1:" + gateway.port());
            bench.phase("warm-up through", true, bodies, 200, 200, false, null, null);
            long before = gauges.histogram().liveBytes();
            long rssBefore = gauges.residentBytes();
            long[] peak = new long[4];
            long cpuBefore = gauges.cpuNanos();
            Phase p = bench.phase("through", true, bodies, streams, streams, true, () -> {
                try {
                    peak[1] = upstream.streaming();
                    ProcessGauges.Histogram live = gauges.histogram();
                    peak[0] = live.liveBytes();
                    peak[2] = gauges.residentBytes();
                    peak[3] = gauges.threads();
                    if (opts.containsKey("histogram")) {
                        System.out.println(live.top(Integer.parseInt(opts.get("histogram"))));
                    }
                    if (opts.containsKey("dump")) {
                        gauges.heapDump(Path.of(opts.get("dump")));
                        System.out.println("heap dump of the gateway at the peak: " + opts.get("dump"));
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, upstream);
            long cpu = gauges.cpuNanos() - cpuBefore;
            long invalid = p.outcomes().stream().filter(o -> o.body() != null)
                    .filter(o -> !Sse.check(o.body()).violations().isEmpty()).count();
            System.out.println("| streams | errors | invalid | open upstream at the peak | gateway live heap before MB | gateway live heap at the peak MB | RSS before MB | RSS at the peak MB | OS threads at the peak | gateway CPU s | wall s |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            System.out.printf(Locale.ROOT, "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %.1f | %.1f |%n", streams, p.errors(),
                    invalid, peak[1], before >> 20, peak[0] >> 20, rssBefore >> 20, peak[2] >> 20, peak[3], cpu / 1e9,
                    p.wallNanos() / 1e9);
            reportErrors(List.of(p));
            if (p.errors() > 0) {
                String log = gateway.log();
                System.out.println("gateway log tail:\n" + log.substring(Math.max(0, log.length() - 4000)));
            }
        }
    }

    /** A Claude Code session, turn by turn, through the gateway to the cache-charging upstream. */
    static void session(Map<String, String> opts) throws Exception {
        int pad = intOpt(opts, "pad", 40_000);
        double prefill = doubleOpt(opts, "prefill", 50);
        List<ObjectNode> turns = sessionTurns(pad);
        System.out.printf(Locale.ROOT, "## session: print-mode tools session, %d turns, first prompt padded by %d bytes, prefill %s µs per uncached token%n%n",
                turns.size(), pad, prefill);
        int tokens = intOpt(opts, "tokens", 32);
        try (BenchUpstream upstream = BenchUpstream.start(tokens, 0, prefill);
             BenchUpstream baseline = BenchUpstream.start(tokens, 0, prefill);
             GatewayServer gateway = GatewayServer.start(gatewayConfig(upstream.baseUrl()), Map.of());
             HttpClient client = httpClient()) {
            LoadBench bench = new LoadBench(client, upstream.baseUrl(), "http://127.0.0.1:" + gateway.port());
            LoadBench direct = new LoadBench(client, baseline.baseUrl(), null);
            // warm the code paths (JIT, connections) on other prompts, then empty both caches: turn 1 starts cold
            for (int i = 0; i < 50; i++) {
                bench.stream(true, Json.bytes(anthropic(i, false)), false);
                direct.stream(false, direct(anthropic(i, false)), false);
            }
            upstream.forget();
            baseline.forget();
            System.out.println("| turn | prompt tokens | cached tokens | cached | prefill ms | TTFT ms | total ms | direct: cached | direct: TTFT ms |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            List<Double> ttfts = new ArrayList<>();
            for (int i = 0; i < turns.size(); i++) {
                Outcome o = bench.stream(true, Json.bytes(turns.get(i)), false);
                BenchUpstream.Served s = upstream.served().getLast();
                Outcome d = direct.stream(false, direct(turns.get(i)), false);
                BenchUpstream.Served ds = baseline.served().getLast();
                ttfts.add(o.ttftNanos() / 1e6);
                System.out.printf(Locale.ROOT, "| %d | %d | %d | %.1f %% | %.1f | %.1f | %.1f | %.1f %% | %.1f |%s%n", i + 1,
                        s.promptTokens(), s.cachedTokens(), 100 * s.cachedShare(), s.prefillMicros() / 1000.0,
                        o.ttftNanos() / 1e6, o.totalNanos() / 1e6, 100 * ds.cachedShare(), d.ttftNanos() / 1e6,
                        o.ok() && d.ok() ? "" : " error: " + o.error() + " / " + d.error());
            }
            System.out.printf(Locale.ROOT, "%nturn 1 TTFT / turn 2 TTFT: %.1fx%n", ttfts.get(0) / ttfts.get(1));
        }
    }

    /** The print-mode session's turns, with {@code pad} bytes of an attached file in the first user message of every turn. */
    static List<ObjectNode> sessionTurns(int pad) {
        StringBuilder file = new StringBuilder("Contents of src/main/java/Big.java:\n");
        for (int i = 1; file.length() < pad; i++) {
            file.append(String.format(Locale.ROOT, "%5d\t    private static final String FIELD_%d = \"value %d\"; // padding line%n", i, i, i));
        }
        List<ObjectNode> turns = new ArrayList<>();
        for (ObjectNode turn : ClaudeCodeSessions.all().getFirst().turns()) {
            ObjectNode copy = turn.deepCopy();
            if (pad > 0) {
                ObjectNode first = (ObjectNode) copy.get("messages").get(0);
                JsonNode content = first.get("content");
                ArrayNode blocks = Json.array();
                ObjectNode attached = blocks.addObject();
                attached.put("type", "text");
                attached.put("text", file.toString());
                if (content.isString()) {
                    blocks.addObject().put("type", "text").put("text", content.stringValue());
                } else {
                    content.forEach(blocks::add);
                }
                first.set("content", blocks);
            }
            turns.add(copy);
        }
        return turns;
    }

    // ---------------------------------------------------------------------------------------------

    static long pct(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static int intOpt(Map<String, String> opts, String name, int fallback) {
        return opts.containsKey(name) ? Integer.parseInt(opts.get(name)) : fallback;
    }

    private static double doubleOpt(Map<String, String> opts, String name, double fallback) {
        return opts.containsKey(name) ? Double.parseDouble(opts.get(name)) : fallback;
    }

    /**
     * {@code LoadBench [load|heap|session|all] [name=value ...]}: options are {@code concurrency},
     * {@code streams}, {@code rounds}, {@code tokens}, {@code rate} (tokens/s per stream, 0 unpaced),
     * {@code warmup} (streams, half before each pass), {@code warmupTokens} (the warm-up's streams that many tokens
     * long and unpaced, so that more requests fit in it), {@code prefill} (µs per uncached token), {@code pad} (bytes added to the session's prompt),
     * {@code prompt=small} (a one-line prompt instead of capture 01), {@code arrivals=paced} (the load benchmark's
     * streams spread evenly in time instead of started in waves), {@code gateway=process} with {@code jar} (the
     * packaged gateway in its own JVM, {@code jvm} its options, comma-separated) and {@code compare} (a second jar
     * measured in the same run, interleaved; {@code compareJvm} its JVM options if they differ, so that one jar
     * can be compared with itself under other options), {@code floor} ({@code platform}, {@code virtual} or both,
     * comma-separated: the direct requests also sent through a {@link Forwarder} on such threads, the floor under
     * any gateway's added time).
     */
    public static void main(String[] args) throws Exception {
        String which = args.length > 0 && !args[0].contains("=") ? args[0] : "all";
        Map<String, String> opts = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                opts.put(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        var os = ManagementFactory.getOperatingSystemMXBean();
        System.out.printf(Locale.ROOT, "# anyclaude load benchmark: %d CPUs, load average %.2f, JDK %s, max heap %d MB%n%n",
                os.getAvailableProcessors(), os.getSystemLoadAverage(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        switch (which) {
            case "load" -> load(opts);
            case "heap" -> heap(opts);
            case "session" -> session(opts);
            case "all" -> {
                session(opts);
                System.out.println();
                load(opts);
                System.out.println();
                heap(Map.of());
            }
            default -> throw new IllegalArgumentException("unknown benchmark " + which + ": load, heap, session or all");
        }
        System.exit(0);
    }
}
