package dev.anyclaude.testing;

import com.anthropic.core.RequestOptions;
import com.anthropic.core.http.Headers;
import com.anthropic.core.http.HttpClient;
import com.anthropic.core.http.HttpRequest;
import com.anthropic.core.http.HttpResponse;
import com.anthropic.core.http.Interceptor;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.StreamValidator;
import dev.anyclaude.api.SseParser;
import tools.jackson.databind.JsonNode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Every Anthropic event stream a test sees goes through here: the bytes are parsed with the gateway's
 * {@link SseParser} and each event is fed to the strict {@link StreamValidator}; any violation fails the test
 * with the whole transcript. For the official SDK, {@link Recorder} does the same to the bytes the SDK reads.
 */
public final class Sse {

    private Sse() {
    }

    /** One parsed event; {@code name} is null when the frame had no {@code event:} line. */
    public record Event(String name, String data) {
        public JsonNode json() {
            return Json.parse(data);
        }

        @Override
        public String toString() {
            return "event: " + name + "\ndata: " + data;
        }
    }

    /** The events of one stream and what the validator said about them. */
    public record Result(List<Event> events, List<String> violations, boolean errored, String stopReason) {

        public boolean valid() {
            return violations.isEmpty();
        }

        /** Throws an {@link AssertionError} naming each violation and showing the transcript. */
        public Result assertValid() {
            if (!violations.isEmpty()) {
                throw new AssertionError("invalid Anthropic event stream:\n  " + String.join("\n  ", violations)
                        + "\n--- transcript ---\n" + transcript());
            }
            return this;
        }

        public List<Event> named(String name) {
            return events.stream().filter(e -> name.equals(e.name())).toList();
        }

        public String transcript() {
            StringBuilder out = new StringBuilder();
            events.forEach(e -> out.append(e).append("\n\n"));
            return out.toString();
        }
    }

    /** Parses and validates a complete SSE body; fails the test on any violation. */
    public static Result validate(byte[] body) {
        return check(body).assertValid();
    }

    /** Parses and validates a complete SSE body without failing. */
    public static Result check(byte[] body) {
        Checker checker = new Checker();
        checker.feed(body, 0, body.length);
        return checker.finish();
    }

    /** Reads a stream to its end and validates it; fails the test on any violation. */
    public static Result validate(InputStream in) throws IOException {
        return validate(in.readAllBytes());
    }

    /** The events of an SSE body, not validated (for upstream transcripts, which need not be Anthropic). */
    public static List<Event> parse(byte[] body) {
        List<Event> events = new ArrayList<>();
        SseParser parser = new SseParser((name, data) -> events.add(new Event(name, data)));
        parser.feed(body);
        parser.end();
        return events;
    }

    /** Feeds bytes, in any split, through the parser into a validator. */
    private static final class Checker {
        private final List<Event> events = new ArrayList<>();
        private final StreamValidator validator = new StreamValidator();
        private final SseParser parser = new SseParser((name, data) -> {
            events.add(new Event(name, data));
            validator.accept(name == null ? "(no event line)" : name, data);
        });
        private Result result;

        void feed(byte[] bytes, int offset, int length) {
            parser.feed(bytes, offset, length);
        }

        Result finish() {
            if (result == null) {
                parser.end();
                List<String> violations = validator.finish();
                result = new Result(List.copyOf(events), violations, validator.errored(), validator.stopReason());
            }
            return result;
        }
    }

    /** A recorder for SDK clients: {@code AnthropicOkHttpClient.builder().addInterceptor(recorder)}. */
    public static Recorder recorder() {
        return new Recorder();
    }

    /**
     * An SDK interceptor that tees every {@code text/event-stream} response body through the validator while
     * the SDK reads it. When the SDK closes the body early, the rest is drained so the whole stream is judged.
     */
    public static final class Recorder implements Interceptor {
        private final List<Result> results = Collections.synchronizedList(new ArrayList<>());
        private final List<String> open = Collections.synchronizedList(new ArrayList<>());

        @Override
        public HttpClient intercept(HttpClient delegate) {
            return new HttpClient() {
                @Override
                public HttpResponse execute(HttpRequest request, RequestOptions options) {
                    return wrap(request, delegate.execute(request, options));
                }

                @Override
                public CompletableFuture<HttpResponse> executeAsync(HttpRequest request, RequestOptions options) {
                    return delegate.executeAsync(request, options).thenApply(response -> wrap(request, response));
                }

                @Override
                public void close() {
                    delegate.close();
                }
            };
        }

        /** The streams seen so far, each validated to its end. */
        public List<Result> streams() {
            synchronized (results) {
                return List.copyOf(results);
            }
        }

        /** The last stream seen; fails when there was none. */
        public Result last() {
            List<Result> all = streams();
            if (all.isEmpty()) {
                throw new AssertionError("the SDK read no event stream" + (open.isEmpty() ? "" : " to its end: " + open));
            }
            return all.get(all.size() - 1);
        }

        /** Fails unless every stream was read to its end and was valid. */
        public void assertAllValid() {
            if (!open.isEmpty()) {
                throw new AssertionError("event streams not read to their end: " + open);
            }
            for (Result result : streams()) {
                result.assertValid();
            }
        }

        public void clear() {
            results.clear();
            open.clear();
        }

        private HttpResponse wrap(HttpRequest request, HttpResponse response) {
            List<String> types = response.headers().values("Content-Type");
            boolean sse = types.stream().anyMatch(t -> t.toLowerCase().startsWith("text/event-stream"));
            if (!sse) {
                return response;
            }
            String label = request.method() + " " + request.url();
            open.add(label);
            return new HttpResponse() {
                private InputStream body;

                @Override
                public int statusCode() {
                    return response.statusCode();
                }

                @Override
                public Headers headers() {
                    return response.headers();
                }

                @Override
                public synchronized InputStream body() {
                    if (body == null) {
                        body = new Tee(response.body(), label);
                    }
                    return body;
                }

                @Override
                public void close() {
                    try {
                        InputStream in = body();
                        in.close();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } finally {
                        response.close();
                    }
                }
            };
        }

        private final class Tee extends FilterInputStream {
            private final Checker checker = new Checker();
            private final String label;
            private boolean done;

            Tee(InputStream in, String label) {
                super(in);
                this.label = label;
            }

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b < 0) {
                    end();
                } else {
                    checker.feed(new byte[]{(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n < 0) {
                    end();
                } else {
                    checker.feed(buffer, offset, n);
                }
                return n;
            }

            @Override
            public void close() throws IOException {
                if (!done) {
                    byte[] buffer = new byte[8192];
                    try {
                        while (read(buffer, 0, buffer.length) >= 0) {
                            // drain so the validator judges the whole stream
                        }
                    } catch (IOException e) {
                        end();
                    }
                }
                super.close();
            }

            private void end() {
                if (!done) {
                    done = true;
                    results.add(checker.finish());
                    open.remove(label);
                }
            }
        }
    }
}
