package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.config.GatewayConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An upstream that speaks the Anthropic Messages protocol. Two modes:
 * <ul>
 *   <li><b>relay</b> (the real Anthropic API): the response bytes go back to the client untouched,
 *       errors included, because Claude Code's recovery matches on Anthropic's own wording;</li>
 *   <li><b>decode</b> (llama.cpp, Ollama, LM Studio, vLLM): the event stream is decoded into model
 *       events, so the gateway's assembler repairs whatever these servers get wrong.</li>
 * </ul>
 */
public final class AnthropicBackend implements Backend {

    private static final Logger LOG = LoggerFactory.getLogger(AnthropicBackend.class);
    static final String DEFAULT_VERSION = "2023-06-01";

    /**
     * Client headers sent on as they came. An allow-list, so hop-by-hop headers, {@code host},
     * {@code content-length} and {@code accept-encoding} (we could not decode a compressed body) never pass.
     */
    private static final List<String> FORWARDED = List.of("accept", "user-agent", "x-app",
            "x-claude-code-session-id", "x-claude-code-agent-id", "x-client-request-id",
            "anthropic-dangerous-direct-browser-access", "anthropic-workspace-id");

    /** Response headers the client's SDK acts on (request id, retry hints, rate-limit state). */
    private static final Set<String> RELAYED_RESPONSE = Set.of("content-type", "request-id", "retry-after",
            "retry-after-ms", "x-should-retry", "anthropic-organization-id");
    private static final String RATELIMIT_PREFIX = "anthropic-ratelimit-";

    private final GatewayConfig config;
    private final UpstreamHttp http;
    private final String apiKey;
    private final boolean relay;

    public AnthropicBackend(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
        this.config = config;
        this.http = http;
        String key = config.apiKeyEnv() == null ? null : env.get(config.apiKeyEnv());
        if (config.apiKeyEnv() != null && (key == null || key.isBlank())) {
            LOG.warn("environment variable {} is not set; the client's own credentials go upstream",
                    config.apiKeyEnv());
            key = null;
        }
        this.apiKey = key;
        this.relay = config.relay() != null ? config.relay() : isAnthropicHost(config.upstreamHost());
    }

    static boolean isAnthropicHost(String host) {
        return host.equals("anthropic.com") || host.endsWith(".anthropic.com");
    }

    @Override
    public String name() {
        return "anthropic";
    }

    /** True when responses are relayed byte for byte, false when they are decoded into model events. */
    @Override
    public boolean relays() {
        return relay;
    }

    @Override
    public UpstreamReply send(BackendCall call) {
        Integer maxTokens = call.request().maxTokens();
        String clientModel = call.request().model();
        // Decode mode always streams upstream: the gateway builds a non-streaming answer from the events itself.
        HttpRequest upstream = UpstreamHttp.headers(http.request(config.baseUrl() + "/v1/messages"),
                        requestHeaders(call.headers(), !relay))
                .POST(UpstreamHttp.body(body(call, !relay)))
                .build();
        LOG.debug("{} POST {} model={} ({} mode)", name(), upstream.uri(), call.upstreamModel(),
                relay ? "relay" : "decode");
        CallControl control = call.control();
        HttpResponse<InputStream> response = http.send(upstream, name(), control);
        int status = response.statusCode();
        if (relay) {
            // relayed bytes are not decoded, so the first-token deadline cannot see content: the idle
            // deadline watches the relay instead
            control.contentStarted();
            return relayReply(response);
        }
        if (status < 200 || status >= 300) {
            byte[] error = UpstreamHttp.readErrorBody(response.body());
            control.attemptEnded();
            throw UpstreamErrors.failure(status, response.headers(), error, name(), maxTokens, clientModel);
        }
        String contentType = response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (contentType.contains("html")) {
            ApiError error = UpstreamErrors.webPage(name(), contentType, UpstreamHttp.readErrorBody(response.body()));
            LOG.warn("{}", error.message());
            throw new ApiException(error);
        }
        boolean json = contentType.contains("json");
        return new AnthropicEventStream(response.body(), json, name(), maxTokens, clientModel, control, http);
    }

    @Override
    public OptionalLong countTokens(BackendCall call) {
        HttpRequest upstream = UpstreamHttp.headers(http.request(config.baseUrl() + "/v1/messages/count_tokens"),
                        requestHeaders(call.headers(), false))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(call, false)))
                .build();
        HttpResponse<byte[]> response = http.sendSmall(upstream, name());
        int status = response.statusCode();
        if (status == 404 || status == 405 || status == 501) {
            LOG.debug("{} upstream has no count_tokens endpoint (HTTP {})", name(), status);
            return OptionalLong.empty();
        }
        if (status < 200 || status >= 300) {
            throw new ApiException(UpstreamErrors.map(status, response.headers(), response.body(), name(), null,
                    call.request().model()));
        }
        JsonNode tokens = parseOrNull(response.body());
        JsonNode count = tokens == null ? null : tokens.get("input_tokens");
        if (count == null || !count.isIntegralNumber() || !count.canConvertToLong()) {
            // Not fatal: the gateway falls back to its own estimate.
            LOG.warn("{} count_tokens answer has no input_tokens", name());
            return OptionalLong.empty();
        }
        return OptionalLong.of(count.asLong());
    }

    @Override
    public List<ObjectNode> models() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("anthropic-version", DEFAULT_VERSION);
        headers.put("accept", "application/json");
        if (apiKey != null) {
            headers.put("x-api-key", apiKey);
        }
        HttpRequest upstream = UpstreamHttp.headers(http.request(config.baseUrl() + "/v1/models?limit=1000"), headers)
                .GET()
                .build();
        HttpResponse<byte[]> response = http.sendSmall(upstream, name());
        if (response.statusCode() < 200 || response.statusCode() >= 300) {
            throw new ApiException(UpstreamErrors.map(response.statusCode(), response.headers(), response.body(),
                    name(), null, null));
        }
        JsonNode list = parseOrNull(response.body());
        JsonNode data = list == null ? null : list.get("data");
        if (data == null || !data.isArray()) {
            throw new ApiException(ApiError.apiError(name() + " upstream's model list has no data array"));
        }
        List<ObjectNode> models = new ArrayList<>();
        for (JsonNode item : data) {
            ObjectNode info = modelInfo(item);
            if (info != null) {
                models.add(info);
            }
        }
        return models;
    }

    /**
     * One model as an Anthropic {@code ModelInfo}. Anthropic's own entries keep every field; OpenAI-style
     * entries ({@code id, created, owned_by}) from local servers are converted.
     */
    static ObjectNode modelInfo(JsonNode item) {
        String id = Json.text(item, "id");
        if (id == null || id.isEmpty()) {
            return null;
        }
        boolean anthropic = "model".equals(Json.text(item, "type")) && item instanceof ObjectNode;
        ObjectNode info = anthropic ? ((ObjectNode) item).deepCopy() : Json.object();
        info.put("type", "model");
        info.put("id", id);
        if (Json.text(item, "display_name") == null) {
            info.put("display_name", id);
        }
        if (Json.text(item, "created_at") == null) {
            JsonNode created = item.get("created");
            info.put("created_at", created != null && created.isIntegralNumber() && created.canConvertToLong()
                    && Math.abs(created.asLong()) < 1L << 40
                    ? Instant.ofEpochSecond(created.asLong()).toString() : "1970-01-01T00:00:00Z");
        }
        return info;
    }

    /**
     * The upstream body. Unchanged requests go out as parsed (the tree keeps every field and their
     * order); the model is replaced only when the upstream name differs.
     */
    byte[] body(BackendCall call, boolean forceStream) {
        MessagesRequest request = call.request();
        boolean rename = call.upstreamModel() != null && !call.upstreamModel().equals(request.model());
        ObjectNode tree = rename ? request.withModel(call.upstreamModel()).raw() : request.raw();
        JsonNode stream = tree.get("stream");
        if (forceStream && !(stream != null && stream.isBoolean() && stream.booleanValue())) {
            tree = rename ? tree : tree.deepCopy();
            tree.put("stream", true);
        }
        return Json.bytes(tree);
    }

    /** Request headers: the allow-list, the protocol version, the betas, and the credentials. */
    Map<String, String> requestHeaders(ClientHeaders client, boolean streamAccept) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        String version = client.first("anthropic-version");
        headers.put("anthropic-version", version == null || version.isBlank() ? DEFAULT_VERSION : version);
        List<String> betas = client.values().get("anthropic-beta");
        if (betas != null && !betas.isEmpty()) {
            headers.put("anthropic-beta", String.join(",", betas));
        }
        for (String name : FORWARDED) {
            String value = client.first(name);
            if (value != null) {
                headers.put(name, value);
            }
        }
        if (streamAccept) {
            headers.put("accept", "text/event-stream");
        }
        if (apiKey != null) {
            headers.put("x-api-key", apiKey);
        } else {
            headers.put("x-api-key", client.first("x-api-key"));
            headers.put("authorization", client.first("authorization"));
        }
        headers.values().removeIf(Objects::isNull);
        return headers;
    }

    private UpstreamReply.Relay relayReply(HttpResponse<InputStream> response) {
        HttpHeaders upstreamHeaders = response.headers();
        Map<String, List<String>> forwarded = new TreeMap<>();
        upstreamHeaders.map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (RELAYED_RESPONSE.contains(lower) || lower.startsWith(RATELIMIT_PREFIX)) {
                forwarded.put(lower, List.copyOf(values));
            }
        });
        InputStream body = response.body();
        AtomicBoolean closed = new AtomicBoolean();
        Runnable onClose = () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    body.close();
                } catch (IOException e) {
                    LOG.debug("closing the {} relay body failed", name(), e);
                }
            }
        };
        AnthropicRelayTap tap = new AnthropicRelayTap(name(), response.statusCode(),
                upstreamHeaders.firstValue("content-type").orElse(null));
        return new UpstreamReply.Relay(response.statusCode(), Map.copyOf(forwarded), body, tap, onClose);
    }

    private static JsonNode parseOrNull(byte[] body) {
        try {
            return Json.parse(body);
        } catch (JacksonException e) {
            return null;
        }
    }
}
