package dev.anyclaude.server;

import dev.anyclaude.api.Ids;
import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessageBuilder;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.api.StreamEvent;
import dev.anyclaude.api.StreamEventSink;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.route.Route;
import dev.anyclaude.route.Router;
import dev.anyclaude.stream.DownstreamGoneException;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.ResponseAssembler;
import dev.anyclaude.stream.TextToolCallFilter;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.ToolCallFormat;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.ToLongFunction;

/**
 * {@code POST /v1/messages}: parse, route, call the backend, and answer as a stream or as one
 * message. Runs on the request's virtual thread, straight through; the upstream connection is
 * released in every outcome.
 */
final class MessagesHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MessagesHandler.class);

    private final Router router;
    private final ToLongFunction<MessagesRequest> estimator;
    private final GatewayMetrics metrics;
    private final long maxBodyBytes;
    private final Duration pingInterval;
    private final String toolFormat;

    /** @param toolFormat a tool-call format name, {@code auto} or {@code none} (see {@link FormatRegistry#choose}) */
    MessagesHandler(Router router, ToLongFunction<MessagesRequest> estimator, GatewayMetrics metrics,
                    long maxBodyBytes, Duration pingInterval, String toolFormat) {
        this.pingInterval = pingInterval;
        this.toolFormat = toolFormat;
        this.router = router;
        this.estimator = estimator;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    void handle(ServerRequest req, ServerResponse res) {
        String requestId = Ids.next("req_");
        MDC.put("req", requestId);
        long startNanos = System.nanoTime();
        Outcome outcome = new Outcome();
        try {
            MessagesRequest request = RequestParser.parseMessages(Bodies.read(req, maxBodyBytes));
            outcome.model = request.model();
            Route route = router.route(request);
            outcome.upstreamModel = route.upstreamModel();
            BackendCall call = new BackendCall(request, route.upstreamModel(), Bodies.headers(req));
            try (UpstreamReply reply = route.backend().send(call)) {
                switch (reply) {
                    case UpstreamReply.Relay relay -> relay(relay, res, requestId, outcome);
                    case UpstreamReply.Events events -> {
                        ToolCallFormat format = FormatRegistry.choose(toolFormat, route.upstreamModel());
                        LOG.debug("tool-call format {} for upstream model {}", format.name(), route.upstreamModel());
                        if (request.stream()) {
                            stream(request, events, format, res, requestId, outcome);
                        } else {
                            whole(request, events, format, res, requestId, outcome);
                        }
                    }
                }
            }
        } catch (ApiException e) {
            outcome.status = e.error().status();
            outcome.error = e.error().type() + ": " + e.error().message();
            HttpErrors.send(res, e.error(), requestId);
        } catch (DownstreamGoneException e) {
            outcome.error = "client closed the connection";
        } catch (RuntimeException e) {
            LOG.error("unexpected failure", e);
            outcome.status = 500;
            outcome.error = e.toString();
            if (!res.isSent()) {
                HttpErrors.send(res, ApiError.apiError("internal error in anyclaude (request " + requestId
                        + "); see the gateway log"), requestId);
            }
        } finally {
            long millis = (System.nanoTime() - startNanos) / 1_000_000;
            metrics.request("messages", outcome.status, millis);
            LOG.info("POST /v1/messages model={} upstream={} status={} {}{}ms", outcome.model, outcome.upstreamModel,
                    outcome.status, outcome.summary == null ? "" : outcome.summary + " ",
                    millis);
            if (outcome.error != null) {
                LOG.info("request ended with: {}", outcome.error);
            }
            MDC.remove("req");
        }
    }

    private void stream(MessagesRequest request, UpstreamReply.Events events, ToolCallFormat format,
                        ServerResponse res, String requestId, Outcome outcome) {
        SseResponse sse = new SseResponse(res, requestId);
        Tracking tracking = new Tracking(sse);
        ResponseAssembler assembler = new ResponseAssembler(tracking, Ids.next("msg_"), request.model(),
                estimator.applyAsLong(request));
        try (Heartbeat heartbeat = Heartbeat.start(sse, pingInterval, events::close)) {
            events.pump(recovering(format, request, assembler));
            if (!assembler.ended()) {
                assembler.fail(ApiError.apiError("upstream response ended without a result"));
            }
        } catch (DownstreamGoneException gone) {
            events.close();
            throw gone;
        } finally {
            sse.close();
        }
        outcome.status = tracking.httpError != null ? tracking.httpError.status() : 200;
        outcome.summary = tracking.summary(assembler);
    }

    private void whole(MessagesRequest request, UpstreamReply.Events events, ToolCallFormat format,
                       ServerResponse res, String requestId, Outcome outcome) {
        MessageBuilder builder = new MessageBuilder();
        Tracking tracking = new Tracking(builder);
        ResponseAssembler assembler = new ResponseAssembler(tracking, Ids.next("msg_"), request.model(),
                estimator.applyAsLong(request));
        events.pump(recovering(format, request, assembler));
        if (!assembler.ended()) {
            assembler.fail(ApiError.apiError("upstream response ended without a result"));
        }
        byte[] body = Json.bytes(builder.message());
        outcome.status = 200;
        outcome.summary = tracking.summary(assembler);
        res.status(200);
        res.header("content-type", "application/json");
        res.header("request-id", requestId);
        res.send(body);
    }

    /** Decoded upstream events pass tool-call recovery on their way to the assembler ({@code none}: they do not). */
    private static ModelEventSink recovering(ToolCallFormat format, MessagesRequest request, ResponseAssembler assembler) {
        if (format == FormatRegistry.none()) {
            return assembler;
        }
        return new TextToolCallFilter(format, request.tools(), assembler);
    }

    private static void relay(UpstreamReply.Relay relay, ServerResponse res, String requestId, Outcome outcome) {
        outcome.status = relay.status();
        res.status(relay.status());
        relay.headers().forEach((name, values) -> res.header(name, values.toArray(String[]::new)));
        if (relay.headers().keySet().stream().noneMatch("request-id"::equalsIgnoreCase)) {
            res.header("request-id", requestId);
        }
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = relay.body()) {
            OutputStream out;
            try {
                out = res.outputStream();
            } catch (RuntimeException e) {
                throw new DownstreamGoneException(e);
            }
            int n;
            while ((n = in.read(buffer)) >= 0) {
                relay.tap().bytes(buffer, 0, n);
                try {
                    out.write(buffer, 0, n);
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    throw new DownstreamGoneException(e);
                }
            }
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                throw new DownstreamGoneException(e);
            }
        } catch (IOException e) {
            // The upstream broke mid-body: the bytes already sent are all the client can get.
            outcome.error = "upstream connection lost during relay: " + e;
        } finally {
            relay.tap().end();
        }
    }

    /** What the access log line reports. */
    private static final class Outcome {
        String model;
        String upstreamModel;
        int status;
        String summary;
        String error;
    }

    /** Passes events on and remembers what the log needs (stop reason, an error that became the reply). */
    private static final class Tracking implements StreamEventSink {
        private final StreamEventSink next;
        private String stopReason;
        private ApiError httpError;
        private ApiError streamError;
        private boolean anyEvent;

        Tracking(StreamEventSink next) {
            this.next = next;
        }

        @Override
        public void accept(StreamEvent event) {
            switch (event) {
                case StreamEvent.MessageDelta delta -> stopReason = delta.stopReason().wire();
                case StreamEvent.Error error -> {
                    if (anyEvent) {
                        streamError = error.error();
                    } else {
                        httpError = error.error();
                    }
                }
                default -> {
                }
            }
            anyEvent = true;
            next.accept(event);
        }

        String summary(ResponseAssembler assembler) {
            if (httpError != null) {
                return "error=" + httpError.type() + " (" + httpError.message() + ")";
            }
            if (streamError != null) {
                return "stream-error=" + streamError.type() + " (" + streamError.message() + ")";
            }
            var usage = assembler.usage();
            return "stop=" + stopReason + " in=" + usage.inputTokens() + " cache_read=" + usage.cacheReadInputTokens()
                    + " out=" + usage.outputTokens();
        }
    }
}
