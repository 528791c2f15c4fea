package dev.anyclaude.backend;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.openai.OpenAiFlavor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Warm start: remembers the prompt prefix of the last main request sent to an OpenAI-compatible upstream (its
 * model, leading system messages and tools, exactly as sent) in {@code DIR/<sha256 of baseUrl and model>.json},
 * and primes a fresh upstream with it, so the first real turn of the next session finds the prefix in the
 * server's prompt cache.
 *
 * <p>Remembering never touches the request path beyond handing the body to one background writer with a short
 * queue (a full queue drops the oldest body: only the latest prefix matters). A file is rewritten only when its
 * prefix changed, and replaced atomically.
 */
public final class WarmStart implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WarmStart.class);
    /** Top-level fields that are not part of the prompt (or belong to one session only): not remembered. */
    private static final Set<String> NOT_PREFIX = Set.of("model", "messages", "tools", "max_tokens",
            "max_completion_tokens", "stream", "stream_options", "prompt_cache_key", "session_id", "response_format",
            "stop", "temperature", "top_p", "top_k");
    static final String PRIMING_TEXT = "Hi";

    private final Path directory;
    private final ThreadPoolExecutor writer;
    private final Map<String, String> written = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();
    private volatile CompletableFuture<?> priming;
    private volatile Thread primingThread;

    public WarmStart(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(8),
                Thread.ofPlatform().daemon().name("anyclaude-warm-start-writer").factory(),
                new ThreadPoolExecutor.DiscardOldestPolicy());
    }

    /** {@code HOME/.anyclaude/warm}, where the prefixes of an anyclaude home are kept. */
    public static Path directoryIn(Path anyclaudeHome) {
        return anyclaudeHome.resolve(".anyclaude").resolve("warm");
    }

    public Path directory() {
        return directory;
    }

    /** The file that holds the prefix last sent to {@code model} at {@code baseUrl}. */
    public Path file(String baseUrl, String model) {
        return directory.resolve(sha256((baseUrl + "\n" + model).getBytes(StandardCharsets.UTF_8)) + ".json");
    }

    /** Files written so far (unchanged prefixes are not written). */
    public int writes() {
        return writes.get();
    }

    /**
     * Remembers the prefix of {@code body}, a mapped Chat Completions request, in the background; a request
     * without tools (a title or other side request) is not Claude Code's main prompt and is ignored.
     */
    public void remember(String baseUrl, ObjectNode body) {
        if (!body.path("tools").isArray() || body.path("tools").isEmpty() || !body.path("model").isString()) {
            return;
        }
        try {
            writer.execute(() -> write(baseUrl, body));
        } catch (RuntimeException e) {
            // shut down: nothing more is remembered
        }
    }

    /** Waits until what was handed to the writer so far is on disk (or given up). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort
        }
    }

    private void write(String baseUrl, ObjectNode body) {
        try {
            ObjectNode prefix = prefix(baseUrl, body);
            byte[] bytes = Json.bytes(prefix);
            String model = body.get("model").asString();
            Path file = file(baseUrl, model);
            String hash = sha256(bytes);
            String key = file.getFileName().toString();
            String known = written.get(key);
            if (known == null) {
                known = onDisk(file);
            }
            if (hash.equals(known)) {
                written.put(key, hash);
                return;
            }
            Files.createDirectories(directory);
            Path temp = Files.createTempFile(directory, key, ".tmp");
            try {
                Files.write(temp, bytes);
                try {
                    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(temp);
            }
            written.put(key, hash);
            writes.incrementAndGet();
            LOG.debug("warm start: remembered the prompt prefix of {} at {} in {}", model, baseUrl, file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("warm start: cannot remember the prompt prefix: {}", e.toString());
        }
    }

    private static String onDisk(Path file) {
        try {
            return sha256(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** {@code baseUrl}, {@code model}, the leading system messages, {@code tools} and the fields that shape the prompt. */
    static ObjectNode prefix(String baseUrl, ObjectNode body) {
        ObjectNode prefix = Json.object();
        prefix.put("baseUrl", baseUrl);
        prefix.set("model", body.get("model"));
        ArrayNode system = prefix.putArray("system");
        for (JsonNode message : body.path("messages")) {
            if (!"system".equals(Json.text(message, "role")) && !"developer".equals(Json.text(message, "role"))) {
                break;
            }
            system.add(message);
        }
        prefix.set("tools", body.get("tools"));
        ObjectNode extras = prefix.putObject("extras");
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            if (!NOT_PREFIX.contains(field.getKey())) {
                extras.set(field.getKey(), field.getValue());
            }
        }
        return prefix;
    }

    /** The prefix remembered for {@code model} at {@code baseUrl}, if any. */
    public Optional<ObjectNode> recall(String baseUrl, String model) {
        Path file = file(baseUrl, model);
        try {
            JsonNode json = Json.parse(Files.readAllBytes(file));
            if (json instanceof ObjectNode prefix && baseUrl.equals(Json.text(prefix, "baseUrl"))
                    && model.equals(Json.text(prefix, "model")) && prefix.path("system").isArray()
                    && prefix.path("tools").isArray()) {
                return Optional.of(prefix);
            }
        } catch (IOException | JacksonException e) {
            // none, or unreadable: no warm start
        }
        return Optional.empty();
    }

    /**
     * The priming request: the remembered model, system messages, tools and prompt-shaping fields as they were
     * sent, one short user message, one output token, not streamed.
     */
    static ObjectNode primingBody(ObjectNode prefix, String maxTokensField) {
        ObjectNode body = Json.object();
        body.set("model", prefix.get("model"));
        ArrayNode messages = body.putArray("messages");
        prefix.get("system").forEach(messages::add);
        ObjectNode user = messages.addObject();
        user.put("role", "user");
        user.put("content", PRIMING_TEXT);
        body.set("tools", prefix.get("tools"));
        prefix.path("extras").properties().forEach(e -> body.set(e.getKey(), e.getValue()));
        body.put(maxTokensField, 1);
        body.put("stream", false);
        return body;
    }

    /**
     * Primes the upstream of {@code config} in the background with the prefix remembered for the model its main
     * turns most likely use (of the configured models, the one remembered last); nothing for an Anthropic
     * upstream or when nothing is remembered. Sent with the gateway's own client {@code http} (no client of its
     * own to set up, TLS only for an https upstream, whose connection it leaves in the pool for the first turn).
     * Bounded by {@code timeout}; {@link #close()} cancels it.
     */
    public void prime(GatewayConfig config, Map<String, String> env, Duration timeout, UpstreamHttp http) {
        if (config.protocol() != Protocol.OPENAI) {
            return;
        }
        String baseUrl = config.baseUrl();
        Set<String> models = new LinkedHashSet<>();
        for (String m : new String[] {config.model(), config.tiers().sonnet(), config.tiers().opus()}) {
            if (m != null) {
                models.add(m);
            }
        }
        ObjectNode prefix = null;
        long newest = Long.MIN_VALUE;
        for (String model : models) {
            Optional<ObjectNode> remembered = recall(baseUrl, model);
            if (remembered.isPresent()) {
                long modified = modified(file(baseUrl, model));
                if (prefix == null || modified > newest) {
                    prefix = remembered.get();
                    newest = modified;
                }
            }
        }
        if (prefix == null) {
            LOG.info("warm start: no prompt prefix remembered for {} at {}; nothing to prime", models, baseUrl);
            return;
        }
        String model = Json.text(prefix, "model");
        int tools = prefix.get("tools").size();
        byte[] body = Json.bytes(primingBody(prefix, OpenAiFlavor.resolve(config.flavor(), baseUrl).maxTokensField()));
        HttpRequest.Builder request = http.request(baseUrl + "/chat/completions")
                .timeout(timeout)
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .POST(UpstreamHttp.body(body));
        String key = config.apiKeyEnv() == null ? null : env.get(config.apiKeyEnv());
        if (key != null && !key.isEmpty()) {
            request.header("authorization", "Bearer " + key);
        }
        HttpRequest built = request.build();
        long start = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> sent = new CompletableFuture<>();
        // a virtual thread: an interrupt (close) ends its wait for the upstream by closing the socket
        Thread worker = Thread.ofVirtual().name("warm-start-priming").unstarted(() -> {
            try {
                sent.complete(http.sendSmall(built, "warm start"));
            } catch (RuntimeException e) {
                sent.completeExceptionally(e);
            }
        });
        primingThread = worker;
        priming = sent;
        sent.whenComplete((response, failure) -> {
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    if (failure == null) {
                        LOG.info("warm start: primed {} at {} with the last session's system prompt and {} tools in "
                                + "{} ms (HTTP {})", model, baseUrl, tools, ms, response.statusCode());
                    } else {
                        String reason = failure instanceof java.util.concurrent.CancellationException ? "cancelled"
                                : failure.getMessage();
                        LOG.info("warm start: priming {} at {} failed after {} ms ({}); the first turn starts cold",
                                model, baseUrl, ms, reason);
                    }
                });
        worker.start();
    }

    /** The priming request in flight, or done; null when none was sent. */
    public CompletableFuture<?> priming() {
        return priming;
    }

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Cancels a priming request in flight and writes what the writer still holds (for a few seconds at most). */
    @Override
    public void close() {
        CompletableFuture<?> inFlight = priming;
        if (inFlight != null) {
            inFlight.cancel(true);
        }
        Thread worker = primingThread;
        if (worker != null) {
            worker.interrupt();
        }
        writer.shutdown();
        try {
            writer.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
