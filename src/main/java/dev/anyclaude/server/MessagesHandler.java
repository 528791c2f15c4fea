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
import dev.anyclaude.api.Tool;
import dev.anyclaude.backend.BackendCall;
import dev.anyclaude.backend.CallControl;
import dev.anyclaude.backend.Watchdog;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Guards;
import dev.anyclaude.stream.LoopGuard;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.backend.UpstreamReply;
import dev.anyclaude.route.Route;
import dev.anyclaude.route.Router;
import dev.anyclaude.stream.DownstreamGoneException;
import dev.anyclaude.stream.ModelEventSink;
import dev.anyclaude.stream.ResponseAssembler;
import dev.anyclaude.stream.SharedTools;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * {@code POST /v1/messages}: parse, route, call the backend, and answer as a stream or as one
 * message. Runs on the request's virtual thread, straight through; the upstream connection is
 * released in every outcome.
 */
final class MessagesHandler {
    private static final Logger LOG = LoggerFactory.getLogger(MessagesHandler.class);

    private static final ApiError CLIENT_GONE = ApiError.apiError("the client closed the connection");
    private static final ApiError LOOP_GUARD = ApiError.apiError("the loop guard ended the response");

    private final Router router;
    private final ToLongFunction<MessagesRequest> estimator;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final Watchdog watchdog;
    private final Heartbeats heartbeats;

    MessagesHandler(Router router, ToLongFunction<MessagesRequest> estimator, GatewayMetrics metrics,
                    GatewayConfig config, Watchdog watchdog, Heartbeats heartbeats) {
        this.router = router;
        this.heartbeats = heartbeats;
        this.estimator = estimator;
        this.metrics = metrics;
        this.config = config;
        this.watchdog = watchdog;
    }

    void handle(ServerRequest req, ServerResponse res) {
        String requestId = Ids.next("req_");
        MDC.put("req", requestId);
        long startNanos = System.nanoTime();
        Outcome outcome = new Outcome();
        metrics.requestStarted();
        try (CallControl control = watchdog.open(config.deadlines(), config.headersTimeout())) {
            Routed routed = parse(req, control, outcome);
            BackendCall call = routed.call();
            Route route = routed.route();
            if (routed.stream() && !route.backend().relays()) {
                stream(call, routed.asked(), route, res, requestId, outcome, null);
            } else {
                try (UpstreamReply reply = route.backend().send(call)) {
                    switch (reply) {
                        case UpstreamReply.Relay relay -> {
                            call.release(); // relayed bytes cannot be taken back: nothing sends the request again
                            relay(relay, control, res, requestId, outcome);
                        }
                        case UpstreamReply.Events events -> answer(call, routed, events, res, requestId, outcome);
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
            metrics.requestEnded();
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

    /**
     * A request parsed and routed: the call to make, where to, whether the client asked for a stream, and what
     * a decoded answer needs of the request (null for a relaying backend, whose bytes need none of it).
     */
    private record Routed(BackendCall call, Route route, boolean stream, Asked asked) {
    }

    /**
     * What a decoded answer needs of the request, taken before the call is sent: the client's model name, whether
     * it asked for a stream, its {@code max_tokens}, its tools (names and schemas, shared with other requests that
     * offer the same), and the local token estimate, worked out while the upstream works.
     */
    private record Asked(String model, boolean stream, Integer maxTokens, List<Tool> tools, Estimate estimate) {
    }

    private Asked asked(MessagesRequest request) {
        return new Asked(request.model(), request.stream(), request.maxTokens(), SharedTools.of(request.tools()),
                new Estimate(request));
    }

    /**
     * Parses and routes the request. The parsed request lives on only in the call, which sets it aside while
     * the upstream works and lets go of it once the answer begins; no frame of this handler keeps it.
     */
    private Routed parse(ServerRequest req, CallControl control, Outcome outcome) {
        byte[] body = Bodies.read(req, config.guards().maxBodyBytes());
        MessagesRequest request = RequestParser.parseMessages(body);
        outcome.model = request.model();
        Route route = router.route(request);
        outcome.upstreamModel = route.upstreamModel();
        Asked asked = route.backend().relays() ? null : asked(request);
        BackendCall call = new BackendCall(request, body, route.upstreamModel(), Bodies.headers(req), control);
        control.whileWaiting(() -> {
            if (asked != null) {
                asked.estimate().run();
            }
            call.setAside();
        });
        return new Routed(call, route, request.stream(), asked);
    }

    /** The answer, streamed or whole, to a request whose reply is in as decoded events. */
    private void answer(BackendCall call, Routed routed, UpstreamReply.Events events, ServerResponse res,
                        String requestId, Outcome outcome) {
        // a relaying backend that answered with events: the request, set aside while the upstream worked, is
        // parsed again for what the answer needs, then let go
        Asked asked = routed.asked() != null ? routed.asked() : asked(call.request());
        if (asked.stream()) {
            stream(call, asked, routed.route(), res, requestId, outcome, events);
        } else {
            whole(call, asked, routed.route(), events, res, requestId, outcome);
        }
    }

    /**
     * A streaming answer. The stream starts with the first output, or once the upstream has kept the
     * client waiting for {@code commitAfter}; pings follow whenever it is silent, and a client that has
     * gone cancels the upstream. Everything that fails before the start is still an HTTP error.
     *
     * @param received the upstream's reply when it is already in, else null: it is asked for here
     */
    private void stream(BackendCall call, Asked asked, Route route, ServerResponse res, String requestId,
                        Outcome outcome, UpstreamReply.Events received) {
        CallControl control = call.control();
        SseResponse sse = new SseResponse(res, requestId);
        Tracking tracking = new Tracking(sse);
        Serialised out = new Serialised(new ResponseAssembler(tracking, Ids.next("msg_"), asked.model(),
                asked.estimate()), sse);
        Duration commitAfter = config.deadlines().commitAfter();
        try (Heartbeats.Beat heartbeat = heartbeats.watch(sse, () -> control.waitingLongerThan(commitAfter),
                out::commit, () -> control.abort(CLIENT_GONE))) {
            UpstreamReply.Events events = received;
            try {
                UpstreamReply reply = received != null ? received : route.backend().send(call);
                if (!(reply instanceof UpstreamReply.Events decoded)) {
                    reply.close();
                    throw new ApiException(ApiError.apiError("the backend relayed a response the gateway had started"));
                }
                events = decoded;
            } catch (ApiException e) {
                out.accept(new ModelEvent.Failure(e.error()));
            }
            if (events != null) {
                try (UpstreamReply.Events reply = events) {
                    reply.pump(pipeline(call, asked, route, reply, out));
                } finally {
                    call.release();
                }
                out.endIfOpen();
            }
        } catch (DownstreamGoneException gone) {
            control.abort(CLIENT_GONE);
            throw gone;
        } finally {
            sse.close();
        }
        outcome.status = tracking.httpError != null ? tracking.httpError.status() : 200;
        outcome.summary = tracking.summary(out.assembler);
    }

    private void whole(BackendCall call, Asked asked, Route route, UpstreamReply.Events events, ServerResponse res,
                       String requestId, Outcome outcome) {
        MessageBuilder builder = new MessageBuilder();
        Tracking tracking = new Tracking(builder);
        ResponseAssembler assembler = new ResponseAssembler(tracking, Ids.next("msg_"), asked.model(),
                asked.estimate());
        try {
            events.pump(pipeline(call, asked, route, events, assembler));
        } finally {
            call.release();
        }
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

    /**
     * The filters decoded events pass on their way to {@code out}: tool-call recovery for the model that
     * answered (a fallback may have), then the loop guard, which cancels the upstream when it ends a turn.
     * In front of them, the call lets go of its request with the first event that begins the answer (a
     * retry before it still needs the request).
     */
    private ModelEventSink pipeline(BackendCall call, Asked asked, Route route, UpstreamReply.Events events,
                                    ModelEventSink out) {
        String model = events.upstreamModel() != null ? events.upstreamModel() : route.upstreamModel();
        ToolCallFormat format = FormatRegistry.choose(config.toolFormat(), model);
        LOG.debug("tool-call format {} for upstream model {}", format.name(), model);
        return releasing(call, recovering(format, asked.tools(), guarded(asked.maxTokens(), call.control(), out)));
    }

    /** Passes events on; the first that begins the answer releases the call's request. */
    private static ModelEventSink releasing(BackendCall call, ModelEventSink next) {
        return new ModelEventSink() {
            private boolean begun;

            @Override
            public void accept(ModelEvent event) {
                if (!begun && ModelEvent.beginsAnswer(event)) {
                    begun = true;
                    call.release();
                }
                next.accept(event);
            }
        };
    }

    private ModelEventSink guarded(Integer maxTokens, CallControl control, ModelEventSink out) {
        Guards guards = config.guards();
        if (!guards.loopGuard()) {
            return out;
        }
        LoopGuard.Limits limits = new LoopGuard.Limits(guards.minRepeats(), guards.minRepeatChars(),
                guards.maxIdenticalToolCalls(), Math.max(LoopGuard.Limits.DEFAULTS.windowChars(), guards.minRepeatChars()));
        // a floor, so a tiny max_tokens (a probe, or 0 sent on as 1) cannot make ordinary output "endless"
        Long budget = maxTokens == null ? null : (long) Math.max(maxTokens, 128) * guards.outputCharsPerToken();
        return new LoopGuard(limits, budget, () -> control.abort(LOOP_GUARD), out);
    }

    /**
     * The local token estimate of a request, for {@code message_start}: worked out on the request's thread
     * while the upstream works on the request (see {@link CallControl#whileWaiting}), or when first asked for
     * if no request went out. About 0.15 ms for a Claude Code prompt whose texts an earlier turn counted, 2 ms
     * for one never seen (docs/TOKEN_ESTIMATE.md).
     */
    private final class Estimate implements LongSupplier {
        private final java.util.concurrent.FutureTask<Long> task;

        Estimate(MessagesRequest request) {
            task = new java.util.concurrent.FutureTask<>(() -> estimator.applyAsLong(request));
        }

        /** Works the estimate out now, unless it was; the task lets go of the request when done. */
        void run() {
            task.run();
        }

        @Override
        public long getAsLong() {
            task.run();
            try {
                return task.get();
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.warn("the token estimate failed: {}", e.getCause().toString());
                return 0L;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0L;
            }
        }
    }

    /**
     * The assembler behind one lock: the request thread feeds it, the heartbeat may start the stream. The client
     * events that one upstream event becomes are written together (see {@link SseResponse#hold}).
     */
    private static final class Serialised implements ModelEventSink {
        private final ResponseAssembler assembler;
        private final SseResponse sse;
        private final ReentrantLock lock = new ReentrantLock();

        Serialised(ResponseAssembler assembler, SseResponse sse) {
            this.assembler = assembler;
            this.sse = sse;
        }

        @Override
        public void accept(ModelEvent event) {
            enter();
            try {
                assembler.accept(event);
            } finally {
                exit();
            }
        }

        /** Starts the stream; true once it is started. */
        boolean commit() {
            enter();
            try {
                assembler.commit();
                return assembler.started();
            } finally {
                exit();
            }
        }

        void endIfOpen() {
            enter();
            try {
                if (!assembler.ended()) {
                    assembler.fail(ApiError.apiError("upstream response ended without a result"));
                }
            } finally {
                exit();
            }
        }

        /** Takes the lock; the client events made until {@link #exit} are held for one write. */
        private void enter() {
            lock.lock();
            sse.hold();
        }

        /** Writes what was held and lets go of the lock, even when the write fails (the client has gone). */
        private void exit() {
            try {
                sse.release();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Decoded upstream events pass tool-call recovery on their way to the assembler ({@code none}: they do not). */
    private static ModelEventSink recovering(ToolCallFormat format, List<Tool> tools, ModelEventSink next) {
        if (format == FormatRegistry.none()) {
            return next;
        }
        return new TextToolCallFilter(format, tools, next);
    }

    /**
     * Copies a relayed response to the client as it arrives. An event stream gets pings while the
     * upstream is silent (a client that left cancels the upstream), and one cut short by a deadline ends
     * with an {@code error} event that says why.
     */
    private void relay(UpstreamReply.Relay relay, CallControl control, ServerResponse res, String requestId,
                       Outcome outcome) {
        outcome.status = relay.status();
        res.status(relay.status());
        relay.headers().forEach((name, values) -> res.header(name, values.toArray(String[]::new)));
        if (relay.headers().keySet().stream().noneMatch("request-id"::equalsIgnoreCase)) {
            res.header("request-id", requestId);
        }
        RelayedStream out;
        try {
            out = new RelayedStream(res.outputStream(), relay.status() == 200 && isEventStream(relay));
        } catch (RuntimeException e) {
            throw new DownstreamGoneException(e);
        }
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = relay.body();
             Heartbeats.Beat heartbeat = heartbeats.watch(out, () -> false, () -> false,
                     () -> control.abort(CLIENT_GONE))) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                relay.tap().bytes(buffer, 0, n);
                out.write(buffer, 0, n);
            }
            out.close();
        } catch (IOException e) {
            // The upstream broke mid-body: the bytes already sent are all the client can get, and if the
            // call was aborted (a deadline) an error event that says why.
            outcome.error = control.aborted() ? control.abortError().message()
                    : "upstream connection lost during relay: " + e;
            out.fail(control.aborted() ? control.abortError()
                    : ApiError.overloaded("the upstream connection was lost mid-response"));
        } catch (DownstreamGoneException gone) {
            control.abort(CLIENT_GONE);
            throw gone;
        } finally {
            relay.tap().end();
        }
    }

    private static boolean isEventStream(UpstreamReply.Relay relay) {
        return relay.headers().entrySet().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("content-type")
                && h.getValue().stream().anyMatch(v -> v.contains("event-stream")));
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
