package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Ids;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RepeatedStrings;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.openai.ChatChunkDecoder;
import dev.anyclaude.openai.ChatCompletionDecoder;
import dev.anyclaude.openai.ChatRequestMapper;
import dev.anyclaude.openai.OpenAiFlavor;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An OpenAI-compatible upstream (OpenRouter, OpenAI, vLLM, llama.cpp, Ollama, LM Studio, MLX servers):
 * the request is mapped to Chat Completions, always streamed, and the chunks are decoded into model
 * events. A server that answers with a whole JSON completion instead is decoded too.
 */
public final class OpenAiBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiBackend.class);
    /** The long strings of upstream bodies, quoted once: each request repeats most of the previous one's. */
    private static final RepeatedStrings BODY_STRINGS = new RepeatedStrings();
    /** A whole JSON completion; far above any real answer, it only bounds memory. */
    private static final int MAX_JSON = 64 * 1024 * 1024;

    private final GatewayConfig config;
    private final UpstreamHttp http;
    private final OpenAiFlavor flavor;
    private final String apiKey;
    private final String name;
    private final TokenCounter counter;
    private final WarmStart warmStart;
    private final String chatCompletionsUrl;

    public OpenAiBackend(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
        this(config, http, env, null);
    }

    /** @param warmStart where main requests' prompt prefixes are remembered, or null to remember none */
    public OpenAiBackend(GatewayConfig config, UpstreamHttp http, Map<String, String> env, WarmStart warmStart) {
        this.config = config;
        this.warmStart = warmStart;
        this.http = http;
        this.chatCompletionsUrl = config.baseUrl() + "/chat/completions";
        this.flavor = OpenAiFlavor.resolve(config.flavor(), config.baseUrl());
        this.apiKey = config.apiKeyEnv() == null ? null : env.get(config.apiKeyEnv());
        this.name = "openai-compatible (" + flavor.name().toLowerCase(java.util.Locale.ROOT) + ")";
        this.counter = new TokenCounter(http, serverRoot(config.baseUrl()), name, this::authorize);
    }

    @Override
    public String name() {
        return name;
    }

    /** The upstream request built from a call, and what its errors are reported with. */
    private record Outgoing(HttpRequest request, Integer sentMaxTokens, String clientModel) {
    }

    @Override
    public UpstreamReply send(BackendCall call) {
        CallControl control = call.control();
        Outgoing outgoing;
        HttpResponse<InputStream> response;
        // the connection opens while the request is mapped and written
        try (UpstreamHttp.EarlyConnection early = http.connectEarly(chatCompletionsUrl)) {
            outgoing = outgoing(call);
            response = http.send(outgoing.request(), name, control, early);
        }
        if (response.statusCode() >= 400) {
            byte[] error = UpstreamHttp.readErrorBody(response.body());
            control.attemptEnded();
            throw UpstreamErrors.failure(response.statusCode(), response.headers(), error, name,
                    outgoing.sentMaxTokens(), outgoing.clientModel());
        }
        String contentType = response.headers().firstValue("content-type").orElse("").toLowerCase(java.util.Locale.ROOT);
        if (contentType.contains("html")) {
            ApiError error = UpstreamErrors.webPage(name, contentType, UpstreamHttp.readErrorBody(response.body()));
            LOG.warn("{}", error.message());
            control.attemptEnded();
            throw new ApiException(error);
        }
        if (contentType.contains("json") && !contentType.contains("event-stream")) {
            return new WholeCompletion(response.body(), control);
        }
        return new ChunkStream(response.body(), control);
    }

    private Outgoing outgoing(BackendCall call) {
        MessagesRequest request = call.request();
        ObjectNode body = ChatRequestMapper.map(request, new ChatRequestMapper.Options(flavor, call.upstreamModel(),
                config.maxOutputTokens(), call.headers().sessionId()));
        Integer sentMaxTokens = body.has("max_tokens") ? Integer.valueOf(body.get("max_tokens").asInt())
                : body.has("max_completion_tokens") ? Integer.valueOf(body.get("max_completion_tokens").asInt()) : null;
        HttpRequest.Builder builder = http.request(chatCompletionsUrl)
                .header("content-type", "application/json")
                .header("accept", "text/event-stream")
                .POST(UpstreamHttp.body(BODY_STRINGS.bytes(body)));
        authorize(builder);
        if (warmStart != null) {
            warmStart.remember(config.baseUrl(), body);
        }
        return new Outgoing(builder.build(), sentMaxTokens, request.model());
    }

    @Override
    public OptionalLong countTokens(BackendCall call) {
        if (flavor == OpenAiFlavor.OPENAI || flavor == OpenAiFlavor.OPENROUTER || flavor == OpenAiFlavor.OLLAMA
                || flavor == OpenAiFlavor.LMSTUDIO || flavor == OpenAiFlavor.MLX) {
            return OptionalLong.empty();
        }
        ObjectNode chat = ChatRequestMapper.map(call.request(), new ChatRequestMapper.Options(flavor,
                call.upstreamModel(), null, null));
        return counter.count(chat);
    }

    @Override
    public List<ObjectNode> models() {
        HttpRequest.Builder builder = http.request(config.baseUrl() + "/models").GET();
        authorize(builder);
        HttpResponse<byte[]> response = http.sendSmall(builder.build(), name);
        if (response.statusCode() >= 400) {
            throw new ApiException(UpstreamErrors.map(response.statusCode(), response.headers(), response.body(),
                    name, null, null));
        }
        JsonNode json;
        try {
            json = Json.parse(response.body());
        } catch (JacksonException e) {
            throw new ApiException(ApiError.apiError(name + " upstream sent a model list that is not JSON"));
        }
        List<ObjectNode> models = new ArrayList<>();
        JsonNode data = json.path("data");
        if (data.isArray()) {
            for (JsonNode entry : data) {
                String id = Json.text(entry, "id");
                if (id == null) {
                    continue;
                }
                ObjectNode model = Json.object();
                model.put("type", "model");
                model.put("id", id);
                model.put("display_name", id);
                long created = entry.path("created").asLong(0);
                // seconds since 1970; anything past year 36812 is garbage that Instant would refuse
                model.put("created_at", Instant.ofEpochSecond(Math.abs(created) < 1L << 40 ? created : 0).toString());
                models.add(model);
            }
        }
        return models;
    }

    private void authorize(HttpRequest.Builder builder) {
        if (apiKey != null && !apiKey.isEmpty()) {
            builder.header("authorization", "Bearer " + apiKey);
        }
    }

    /** The server root for non-OpenAI endpoints such as {@code /tokenize}: the base URL without {@code /v1}. */
    static String serverRoot(String baseUrl) {
        return baseUrl.endsWith("/v1") ? baseUrl.substring(0, baseUrl.length() - 3) : baseUrl;
    }


    /** An SSE response read on the caller's thread. */
    private final class ChunkStream implements UpstreamReply.Events {
        private final StreamBody body;
        private final CallControl control;

        ChunkStream(InputStream body, CallControl control) {
            this.body = new StreamBody(body);
            this.control = control;
        }

        @Override
        public void pump(ModelEventSink sink) {
            try {
                ChatChunkDecoder decoder = new ChatChunkDecoder(control.observing(sink), Ids::toolUse);
                SseBody.pump(body.in(), decoder, name, control);
                if (decoder.completed() && !control.aborted()) {
                    body.answerComplete(http); // the end of a kept connection's body follows [DONE]
                }
            } finally {
                control.attemptEnded();
                close();
            }
        }

        @Override
        public void close() {
            body.close();
        }
    }

    /** A JSON completion from a server that ignored {@code stream:true}. */
    private final class WholeCompletion implements UpstreamReply.Events {
        private final InputStream body;
        private final CallControl control;

        WholeCompletion(InputStream body, CallControl control) {
            this.body = body;
            this.control = control;
        }

        @Override
        public void pump(ModelEventSink sink) {
            JsonNode json;
            try (body) {
                byte[] bytes = body.readNBytes(MAX_JSON);
                if (bytes.length == 0) {
                    fail(sink, ApiError.apiError(name + " upstream answered HTTP 200 with an empty body"));
                    return;
                }
                json = Json.parse(bytes);
            } catch (JacksonException e) {
                fail(sink, ApiError.apiError(name + " upstream sent a response body that is not valid JSON"));
                return;
            } catch (IOException e) {
                fail(sink, control.aborted() ? control.abortError()
                        : ApiError.overloaded(name + " upstream connection was lost: " + UpstreamHttp.reason(e)));
                return;
            } finally {
                control.attemptEnded();
            }
            // The decoder ends the flow with a Finish or a Failure, whatever the body holds.
            ChatCompletionDecoder.decode(json, control.observing(sink), Ids::toolUse);
        }

        private static void fail(ModelEventSink sink, ApiError error) {
            LOG.warn("{}", error.message());
            sink.accept(new ModelEvent.Failure(error));
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
        }
    }

}
