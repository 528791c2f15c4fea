package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.Tool;
import dev.anyclaude.config.Deadlines;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.TextToolCallFilter;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.ToolCallFormat;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One small tool-calling request through a real backend and the gateway's own text tool-call recovery:
 * a {@code get_weather(city)} tool and a question only it can answer. What comes back says how this
 * server and model handle tools: calls the server parsed into structured tool calls, calls the model
 * wrote as text that the gateway recovers (and in which format), or no call at all.
 */
public final class ToolCallProbe {
    public static final String TOOL = "get_weather";
    /** Room for a reasoning model to think before it calls; small enough to stay quick. */
    public static final int MAX_TOKENS = 1024;
    private static final int MAX_KEPT_OUTPUT = 4096;
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(100);

    private ToolCallProbe() {
    }

    /** How tool calls came back. */
    public enum Outcome {
        /** The server parsed the calls: OpenAI {@code tool_calls} or Anthropic {@code tool_use}. */
        STRUCTURED,
        /** The model wrote the calls as text and the gateway recovers them. */
        TEXT,
        /** No call came back: prose, an unrecognised format, or a call cut off. */
        NONE,
        /** The request failed. */
        FAILED
    }

    /**
     * @param outcome          how the calls came back
     * @param format           the text format the calls were recovered from ({@link Outcome#TEXT}), else null
     * @param calls            the calls, as the gateway would hand them to the client
     * @param text             the visible text the upstream sent (calls written as text included), cut to a few KB
     * @param reasoning        the reasoning the upstream sent apart from the text, cut likewise
     * @param stopReason       how the turn ended, or null when it failed
     * @param error            why the request failed ({@link Outcome#FAILED}), else null
     * @param recoverableAs    for {@link Outcome#NONE}: a format that would have recovered a call from the
     *                         text (the configured {@code --tool-format} did not), else null
     * @param firstToken       from sending to the first content, or null when none came
     * @param total            from sending to the end of the response
     */
    public record Result(Outcome outcome, String format, List<ModelEvent.ToolCall> calls, String text,
                         String reasoning, StopReason stopReason, ApiError error, String recoverableAs,
                         Duration firstToken, Duration total) {
        public Result {
            calls = List.copyOf(calls);
        }
    }

    /** The probe request: one tool, a system prompt that invites its use, and a question that needs it. */
    public static MessagesRequest request(String model) {
        ObjectNode body = Json.object();
        body.put("model", model);
        body.put("max_tokens", MAX_TOKENS);
        body.put("stream", true);
        body.put("system", "You are a helpful assistant with access to tools. When a tool can answer the "
                + "user's question, call it instead of answering from memory.");
        ObjectNode message = body.putArray("messages").addObject();
        message.put("role", "user");
        message.put("content", "What is the weather in Paris right now? Use the " + TOOL + " tool.");
        ObjectNode tool = body.putArray("tools").addObject();
        tool.put("name", TOOL);
        tool.put("description", "Get the current weather for a city.");
        ObjectNode schema = tool.putObject("input_schema");
        schema.put("type", "object");
        ObjectNode city = schema.putObject("properties").putObject("city");
        city.put("type", "string");
        city.put("description", "The city, e.g. Paris");
        ArrayNode required = schema.putArray("required");
        required.add("city");
        return RequestParser.parseMessages(Json.bytes(body));
    }

    /** {@link #run(Backend, String, String, Deadlines, Duration, Ticker)} on the system clock. */
    public static Result run(Backend backend, String model, String toolFormat, Deadlines deadlines,
                             Duration headersTimeout) {
        return run(backend, model, toolFormat, deadlines, headersTimeout, Ticker.system());
    }

    /**
     * Sends the probe and reads the whole answer, within the given deadlines.
     *
     * @param model      the upstream model
     * @param toolFormat the configured {@code --tool-format} ({@code auto}, {@code none} or a format name)
     * @throws IllegalArgumentException for a tool format that does not exist
     */
    public static Result run(Backend backend, String model, String toolFormat, Deadlines deadlines,
                             Duration headersTimeout, Ticker ticker) {
        MessagesRequest request = request(model);
        ToolCallFormat format = FormatRegistry.choose(toolFormat, model);
        List<ModelEvent> upstream = new ArrayList<>();
        List<ModelEvent> delivered = new ArrayList<>();
        int[] ids = {0};
        ModelEventSink recovery = format == FormatRegistry.none() ? delivered::add
                : new TextToolCallFilter(format, request.tools(), () -> "toolu_probe_" + ++ids[0], delivered::add);
        long start = ticker.nanos();
        long[] firstAt = {-1};
        ModelEventSink sink = event -> {
            if (firstAt[0] < 0 && isContent(event)) {
                firstAt[0] = ticker.nanos();
            }
            upstream.add(event);
            recovery.accept(event);
        };
        try (Watchdog watchdog = Watchdog.start(WATCHDOG_PERIOD);
             CallControl control = watchdog.open(deadlines, headersTimeout)) {
            UpstreamReply reply = backend.send(new BackendCall(request, model, ClientHeaders.EMPTY, control));
            switch (reply) {
                case UpstreamReply.Events events -> {
                    try (events) {
                        events.pump(sink);
                    }
                }
                case UpstreamReply.Relay relay -> {
                    relay.close();
                    throw new IllegalStateException("the probe needs a decoding backend, not a byte relay");
                }
            }
        } catch (ApiException e) {
            return failed(e.error(), upstream, since(start, ticker), firstAt[0] < 0 ? null : between(start, firstAt[0]));
        }
        Duration total = since(start, ticker);
        Duration first = firstAt[0] < 0 ? null : between(start, firstAt[0]);
        return classify(format, request.tools(), upstream, delivered, first, total);
    }

    /** The outcome of a finished probe, from what the upstream sent and what recovery made of it. */
    static Result classify(ToolCallFormat format, List<Tool> tools, List<ModelEvent> upstream,
                           List<ModelEvent> delivered, Duration firstToken, Duration total) {
        StopReason stop = null;
        for (ModelEvent event : upstream) {
            switch (event) {
                case ModelEvent.Failure failure -> {
                    return failed(failure.error(), upstream, total, firstToken);
                }
                case ModelEvent.Finish finish -> stop = finish.reason();
                default -> {
                }
            }
        }
        List<ModelEvent.ToolCall> structured = calls(upstream);
        List<ModelEvent.ToolCall> recovered = calls(delivered);
        String text = text(upstream, false);
        String reasoning = text(upstream, true);
        if (!structured.isEmpty()) {
            return new Result(Outcome.STRUCTURED, null, structured, text, reasoning, stop, null, null, firstToken, total);
        }
        if (!recovered.isEmpty()) {
            String name = format == FormatRegistry.auto() ? recognisedBy(upstream, tools).orElse(format.name())
                    : format.name();
            return new Result(Outcome.TEXT, name, recovered, text, reasoning, stop, null, null, firstToken, total);
        }
        String recoverable = recognisedBy(upstream, tools).orElse(null);
        return new Result(Outcome.NONE, null, List.of(), text, reasoning, stop, null, recoverable, firstToken, total);
    }

    /** The first family format, in the registry's order, that recovers a call from the output. */
    static Optional<String> recognisedBy(List<ModelEvent> upstream, List<Tool> tools) {
        for (ToolCallFormat format : FormatRegistry.formats()) {
            List<ModelEvent> out = new ArrayList<>();
            TextToolCallFilter filter = new TextToolCallFilter(format, tools, () -> "toolu_replay", out::add);
            for (ModelEvent event : upstream) {
                if (event instanceof ModelEvent.TextDelta || event instanceof ModelEvent.ThinkingDelta) {
                    filter.accept(event);
                }
            }
            filter.accept(new ModelEvent.Finish(StopReason.END_TURN, null));
            if (!calls(out).isEmpty()) {
                return Optional.of(format.name());
            }
        }
        return Optional.empty();
    }

    private static Result failed(ApiError error, List<ModelEvent> upstream, Duration total, Duration firstToken) {
        return new Result(Outcome.FAILED, null, List.of(), text(upstream, false), text(upstream, true), null, error,
                null, firstToken, total);
    }

    private static List<ModelEvent.ToolCall> calls(List<ModelEvent> events) {
        List<ModelEvent.ToolCall> calls = new ArrayList<>();
        for (ModelEvent event : events) {
            if (event instanceof ModelEvent.ToolCall call) {
                calls.add(call);
            }
        }
        return calls;
    }

    private static String text(List<ModelEvent> events, boolean reasoning) {
        StringBuilder out = new StringBuilder();
        for (ModelEvent event : events) {
            String piece = switch (event) {
                case ModelEvent.TextDelta text when !reasoning -> text.text();
                case ModelEvent.ThinkingDelta thinking when reasoning -> thinking.text();
                default -> "";
            };
            out.append(piece, 0, Math.min(piece.length(), MAX_KEPT_OUTPUT - out.length()));
            if (out.length() >= MAX_KEPT_OUTPUT) {
                break;
            }
        }
        return out.toString();
    }

    private static boolean isContent(ModelEvent event) {
        return event instanceof ModelEvent.TextDelta text && !text.text().isEmpty()
                || event instanceof ModelEvent.ThinkingDelta thinking && !thinking.text().isEmpty()
                || event instanceof ModelEvent.ToolCall || event instanceof ModelEvent.RedactedThinking;
    }

    private static Duration since(long start, Ticker ticker) {
        return between(start, ticker.nanos());
    }

    private static Duration between(long start, long end) {
        return Duration.ofNanos(end - start);
    }
}
