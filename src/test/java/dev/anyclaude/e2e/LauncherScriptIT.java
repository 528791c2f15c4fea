package dev.anyclaude.e2e;

import dev.anyclaude.testing.FakeUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command is the {@code ./anyclaude} script, not the jar: it finds a JDK 21+, builds the jar
 * when it is missing or stale, makes the start-up cache once per jar and starts java with it. Run here as a user
 * runs it, from the project directory, with the cache made afresh and then used.
 */
class LauncherScriptIT {
    private static final Duration BOUND = Duration.ofMinutes(2);
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @TempDir
    Path home;

    private record Run(int status, String out, String err) {
    }

    private ProcessBuilder script(String... args) {
        ProcessBuilder builder = new ProcessBuilder(
                java.util.stream.Stream.concat(java.util.stream.Stream.of("./anyclaude"), java.util.Arrays.stream(args))
                        .toList());
        builder.environment().put("HOME", home.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return builder;
    }

    private Run run(String... args) throws Exception {
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = script(args).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./anyclaude " + String.join(" ", args) + " did not end within " + BOUND);
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theScriptStartsTheJarWithTheStartUpCacheItMade() throws Exception {
        Path cache = Path.of("target", "anyclaude.aot");
        Files.deleteIfExists(cache);

        Run first = run("--version");
        assertThat(first.status()).as(first.err()).isZero();
        assertThat(first.out()).startsWith("anyclaude ");
        if (Runtime.version().feature() >= 25) {
            assertThat(cache).as("made on first use (JDK 25+): " + first.err()).exists();
        }

        Run second = run("--version");
        assertThat(second.status()).as(second.err()).isZero();
        assertThat(second.out()).isEqualTo(first.out());
        assertThat(second.err()).as("nothing from the JVM about its cache").isEmpty();

        try (FakeUpstream upstream = FakeUpstream.start(FakeUpstream.Reply::notFound)) {
            Process serve = script("serve", "--host", "127.0.0.1", "--port", "0", "--base-url",
                    upstream.baseUrl() + "/v1", "--model", "m").redirectErrorStream(true).start();
            try {
                CompletableFuture<Integer> port = new CompletableFuture<>();
                StringBuilder log = new StringBuilder();
                Thread.ofVirtual().start(() -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(serve.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String line; (line = in.readLine()) != null; ) {
                            synchronized (log) {
                                log.append(line).append('\n');
                            }
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                port.complete(Integer.parseInt(m.group(1)));
                            }
                        }
                        port.completeExceptionally(new AssertionError("serve ended before listening: " + log));
                    } catch (IOException e) {
                        port.completeExceptionally(e);
                    }
                });
                int listening = port.get(BOUND.toSeconds(), TimeUnit.SECONDS);
                try (HttpClient client = HttpClient.newHttpClient()) {
                    HttpResponse<String> health = client.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + listening + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(health.statusCode()).isEqualTo(200);
                }
                synchronized (log) {
                    assertThat(List.of(log.toString().split("\n"))).noneMatch(line -> line.contains("[aot"));
                }
            } finally {
                serve.destroy();
                if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                    serve.destroyForcibly();
                }
            }
        }
    }
}
