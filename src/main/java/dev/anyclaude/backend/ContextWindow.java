package dev.anyclaude.backend;

import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.openai.OpenAiFlavor;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model's context window, read from the server where it tells it. Each server kind has its own place:
 * <ul>
 *   <li>vLLM: {@code max_model_len} in {@code GET /v1/models};</li>
 *   <li>OpenRouter (and other hosted lists): {@code context_length} in {@code GET /models};</li>
 *   <li>llama.cpp: {@code default_generation_settings.n_ctx} in {@code GET /props} (the model's trained
 *       length is {@code meta.n_ctx_train} in {@code /v1/models});</li>
 *   <li>LM Studio: {@code GET /api/v1/models} ({@code loaded_instances[].config.context_length},
 *       {@code max_context_length}), or the older {@code GET /api/v0/models} ({@code loaded_context_length},
 *       {@code max_context_length});</li>
 *   <li>Ollama: {@code GET /api/ps} ({@code context_length} of a loaded model), else {@code num_ctx} in the
 *       model's parameters from {@code POST /api/show}, whose {@code model_info.*.context_length} is the
 *       model's own maximum. Without either, Ollama runs the model with its small server default.</li>
 * </ul>
 * With {@code --flavor auto} on a local server the kind is unknown, so the server's endpoints are tried
 * in turn; the first that answers in its own shape identifies the server. Every question is a small GET
 * or POST with a short timeout; one that fails means "this server does not say", never an error.
 */
public final class ContextWindow {
    /** Claude Code's system prompt and tool definitions alone take about this many tokens. */
    public static final long CLAUDE_CODE_PROMPT_TOKENS = 20_000;
    /** Below this the prompt leaves no room for a conversation, an answer and compaction. */
    public static final long MINIMUM_FOR_CLAUDE_CODE = 32_768;
    /** What local-model guides recommend for Claude Code (Ollama's and LM Studio's included). */
    public static final long RECOMMENDED_FOR_CLAUDE_CODE = 65_536;

    private static final Duration ASK_TIMEOUT = Duration.ofSeconds(10);
    private static final Pattern NUM_CTX = Pattern.compile("(?m)^\\s*num_ctx\\s+(\\d+)");

    private ContextWindow() {
    }

    /**
     * The number of tokens a request to {@code model} may hold on this server now, when the server tells
     * it; empty when it does not (or when only the model's maximum is known, not what the server runs it
     * with: an Ollama model without {@code num_ctx}, an LM Studio model that is not loaded).
     *
     * @param model the upstream model name; null picks a server's only model
     */
    public static OptionalLong discover(GatewayConfig config, String model, UpstreamHttp http,
                                        Map<String, String> env) {
        return inspect(config, model, http, env).window();
    }

    /** Everything the server said: its kind, the window, the model's maximum, tool support, and notes. */
    public static Report inspect(GatewayConfig config, String model, UpstreamHttp http, Map<String, String> env) {
        return new Inspection(config, model, new Asker(config, http, env)).run();
    }

    /**
     * @param server       the kind of server, as configured or as its endpoints showed it
     * @param window       what a request may hold now (see {@link #discover}), when the server says
     * @param modelMaximum the longest context the model supports, when the server says
     * @param source       where the window (or, without one, the maximum) was read, for people; null when nowhere
     * @param toolSupport  whether the server says the model (its template) handles tools, when it says
     * @param notes        what the user should know about this server's context handling
     */
    public record Report(ServerKind server, OptionalLong window, OptionalLong modelMaximum, String source,
                         Optional<Boolean> toolSupport, List<String> notes) {
        public Report {
            notes = List.copyOf(notes);
        }
    }

    /** One inspection: the facts found so far. */
    private static final class Inspection {
        private final GatewayConfig config;
        private final String model;
        private final Asker ask;
        private final String root;
        private ServerKind server;
        private OptionalLong window = OptionalLong.empty();
        private OptionalLong maximum = OptionalLong.empty();
        private String source;
        private Optional<Boolean> tools = Optional.empty();
        private final List<String> notes = new ArrayList<>();

        Inspection(GatewayConfig config, String model, Asker ask) {
            this.config = config;
            this.model = model;
            this.ask = ask;
            this.root = config.protocol() == Protocol.OPENAI ? OpenAiBackend.serverRoot(config.baseUrl())
                    : config.baseUrl();
            this.server = configuredKind(config);
        }

        Report run() {
            ServerKind hint = modelList();
            boolean hosted = server == ServerKind.OPENAI || server == ServerKind.OPENROUTER
                    || server == ServerKind.ANTHROPIC;
            if (!hosted && !(window.isPresent() && server != ServerKind.UNKNOWN)) {
                for (ServerKind kind : candidates(hint)) {
                    if (ask(kind)) {
                        server = kind;
                        break;
                    }
                }
            }
            if (server == ServerKind.OLLAMA
                    && (window.isEmpty() || window.getAsLong() < RECOMMENDED_FOR_CLAUDE_CODE)) {
                notes.add("Ollama runs a model with a small context unless told otherwise (4096 tokens by default; "
                        + "recent versions size it by free memory) and silently cuts longer prompts: set "
                        + "OLLAMA_CONTEXT_LENGTH=65536 in the Ollama server's environment, or PARAMETER num_ctx "
                        + "65536 in a Modelfile");
            }
            return new Report(server, window, maximum, source, tools, notes);
        }

        /** The kinds to try, the one the model list hinted at first; a configured kind alone. */
        private List<ServerKind> candidates(ServerKind hint) {
            if (server != ServerKind.UNKNOWN) {
                return List.of(server);
            }
            List<ServerKind> order = new ArrayList<>(List.of(ServerKind.LLAMACPP, ServerKind.LMSTUDIO,
                    ServerKind.OLLAMA));
            if (order.remove(hint)) {
                order.addFirst(hint);
            }
            return order;
        }

        private boolean ask(ServerKind kind) {
            return switch (kind) {
                case LLAMACPP -> llamaCpp();
                case LMSTUDIO -> lmStudio();
                case OLLAMA -> ollama();
                default -> false;
            };
        }

        /** The OpenAI (or Anthropic) model list: vLLM, hosted lists and llama.cpp's trained length. */
        private ServerKind modelList() {
            String url = config.protocol() == Protocol.OPENAI ? config.baseUrl() + "/models"
                    : config.baseUrl() + "/v1/models";
            JsonNode entry = entry(ask.get(url), model);
            if (entry == null) {
                return ServerKind.UNKNOWN;
            }
            if (positive(entry.get("max_model_len"))) {
                found(entry.get("max_model_len").asLong(), "max_model_len in GET /v1/models");
                maximum = window;
                server = ServerKind.VLLM;
                return server;
            }
            for (String field : List.of("context_length", "context_window", "max_input_tokens")) {
                if (positive(entry.get(field))) {
                    return hosted(entry, entry.get(field).asLong(), field);
                }
            }
            if (positive(entry.path("top_provider").get("context_length"))) {
                return hosted(entry, entry.path("top_provider").get("context_length").asLong(),
                        "top_provider.context_length");
            }
            if (positive(entry.path("meta").get("n_ctx_train"))) {
                maximum(entry.path("meta").get("n_ctx_train").asLong(), "meta.n_ctx_train in llama.cpp's GET /v1/models");
                return ServerKind.LLAMACPP;
            }
            return switch (String.valueOf(Json.text(entry, "owned_by")).toLowerCase(Locale.ROOT)) {
                case "llamacpp" -> ServerKind.LLAMACPP;
                case "ollama", "library" -> ServerKind.OLLAMA;
                case "organization_owner" -> ServerKind.LMSTUDIO;
                default -> ServerKind.UNKNOWN;
            };
        }

        /** A list that gives each model's context (OpenRouter and other hosted services). */
        private ServerKind hosted(JsonNode entry, long tokens, String field) {
            found(tokens, field + " in GET /models");
            maximum = window;
            JsonNode supported = entry.get("supported_parameters");
            if (supported != null && supported.isArray()) {
                tools = Optional.of(contains(supported, "tools"));
            }
            return server;
        }

        private boolean llamaCpp() {
            JsonNode props = ask.get(root + "/props");
            if (props == null || !props.isObject()
                    || !(props.has("default_generation_settings") || props.has("n_ctx") || props.has("chat_template"))) {
                return false;
            }
            JsonNode nCtx = first(props.path("default_generation_settings").get("n_ctx"), props.get("n_ctx"));
            if (nCtx != null) {
                found(nCtx.asLong(), "n_ctx in llama.cpp's GET /props");
            }
            JsonNode caps = props.path("chat_template_caps");
            JsonNode supports = caps.has("supports_tool_calls") ? caps.get("supports_tool_calls") : caps.get("supports_tools");
            if (supports != null && supports.isBoolean()) {
                tools = Optional.of(supports.booleanValue());
            }
            return true;
        }

        private boolean lmStudio() {
            JsonNode v1 = ask.get(root + "/api/v1/models");
            JsonNode models = v1 == null ? null : v1.get("models");
            if (models != null && models.isArray() && (models.isEmpty() || models.get(0).has("key"))) {
                JsonNode entry = null;
                for (JsonNode candidate : models) {
                    if (matches(Json.text(candidate, "key")) || anyInstance(candidate)) {
                        entry = candidate;
                        break;
                    }
                }
                if (entry == null) {
                    notes.add("LM Studio does not list the model " + describe(model));
                    return true;
                }
                if (positive(entry.get("max_context_length"))) {
                    maximum(entry.get("max_context_length").asLong(), "max_context_length in LM Studio's GET /api/v1/models");
                }
                JsonNode loaded = entry.path("loaded_instances");
                JsonNode length = loaded.isArray() && !loaded.isEmpty()
                        ? loaded.get(0).path("config").get("context_length") : null;
                if (positive(length)) {
                    found(length.asLong(), "the loaded instance's context_length in LM Studio's GET /api/v1/models");
                } else {
                    notLoadedInLmStudio();
                }
                JsonNode trained = entry.path("capabilities").get("trained_for_tool_use");
                if (trained != null && trained.isBoolean()) {
                    tools = Optional.of(trained.booleanValue());
                }
                return true;
            }
            JsonNode v0 = ask.get(root + "/api/v0/models");
            JsonNode data = v0 == null ? null : v0.get("data");
            if (data == null || !data.isArray()
                    || !(data.isEmpty() || data.get(0).has("max_context_length") || data.get(0).has("state"))) {
                return false;
            }
            for (JsonNode entry : data) {
                if (!matches(Json.text(entry, "id"))) {
                    continue;
                }
                if (positive(entry.get("max_context_length"))) {
                    maximum(entry.get("max_context_length").asLong(), "max_context_length in LM Studio's GET /api/v0/models");
                }
                if (positive(entry.get("loaded_context_length"))) {
                    found(entry.get("loaded_context_length").asLong(),
                            "loaded_context_length in LM Studio's GET /api/v0/models");
                } else {
                    notLoadedInLmStudio();
                }
                return true;
            }
            notes.add("LM Studio does not list the model " + describe(model));
            return true;
        }

        private void notLoadedInLmStudio() {
            notes.add("the model is not loaded: LM Studio loads it on the first request with the context length "
                    + "set in its model settings (load it with lms load MODEL --context-length 65536 to be sure)");
        }

        private boolean anyInstance(JsonNode entry) {
            for (JsonNode instance : entry.path("loaded_instances")) {
                if (matches(Json.text(instance, "id"))) {
                    return true;
                }
            }
            return false;
        }

        private boolean ollama() {
            JsonNode ps = ask.get(root + "/api/ps");
            JsonNode running = ps == null ? null : ps.get("models");
            boolean identified = running != null && running.isArray();
            if (identified) {
                for (JsonNode entry : running) {
                    if ((ollamaMatches(Json.text(entry, "name")) || ollamaMatches(Json.text(entry, "model")))
                            && positive(entry.get("context_length"))) {
                        found(entry.get("context_length").asLong(), "the loaded model's context_length in Ollama's GET /api/ps");
                    }
                }
            }
            if (model == null) {
                return identified;
            }
            ObjectNode body = Json.object();
            body.put("model", model);
            JsonNode show = ask.post(root + "/api/show", body);
            if (show == null || !show.isObject() || !(show.has("model_info") || show.has("modelfile")
                    || show.has("parameters"))) {
                return identified;
            }
            for (var property : show.path("model_info").properties()) {
                if (property.getKey().endsWith(".context_length") && positive(property.getValue())) {
                    maximum(property.getValue().asLong(), "model_info " + property.getKey() + " in Ollama's POST /api/show");
                }
            }
            String parameters = Json.text(show, "parameters");
            Matcher numCtx = NUM_CTX.matcher(parameters == null ? "" : parameters);
            if (window.isEmpty() && numCtx.find()) {
                found(Long.parseLong(numCtx.group(1)), "the num_ctx parameter in Ollama's POST /api/show");
            }
            JsonNode capabilities = show.get("capabilities");
            if (capabilities != null && capabilities.isArray()) {
                tools = Optional.of(contains(capabilities, "tools"));
            }
            return true;
        }

        private void found(long tokens, String where) {
            window = OptionalLong.of(tokens);
            source = where;
        }

        /** The model's maximum; it names the source only while no window is known. */
        private void maximum(long tokens, String where) {
            maximum = OptionalLong.of(tokens);
            if (window.isEmpty()) {
                source = where;
            }
        }

        private boolean matches(String id) {
            return id != null && model != null && id.equalsIgnoreCase(model);
        }

        /** Ollama names without a tag mean {@code :latest}. */
        private boolean ollamaMatches(String name) {
            return name != null && model != null && withTag(name).equalsIgnoreCase(withTag(model));
        }

        private static String withTag(String name) {
            return name.contains(":") ? name : name + ":latest";
        }

        /** The list entry for the model; with no model named, a list's only entry. */
        private static JsonNode entry(JsonNode list, String model) {
            JsonNode data = list == null ? null : list.get("data");
            if (data == null || !data.isArray()) {
                return null;
            }
            if (model == null) {
                return data.size() == 1 ? data.get(0) : null;
            }
            JsonNode loose = null;
            for (JsonNode entry : data) {
                String id = Json.text(entry, "id");
                if (model.equals(id)) {
                    return entry;
                }
                if (loose == null && id != null && id.equalsIgnoreCase(model)) {
                    loose = entry;
                }
            }
            return loose;
        }
    }

    /** The kind the configuration names: a flavor, or Anthropic's own host. */
    static ServerKind configuredKind(GatewayConfig config) {
        if (config.protocol() == Protocol.ANTHROPIC) {
            return AnthropicBackend.isAnthropicHost(config.upstreamHost()) ? ServerKind.ANTHROPIC : ServerKind.UNKNOWN;
        }
        try {
            return ServerKind.of(OpenAiFlavor.resolve(config.flavor(), config.baseUrl()));
        } catch (IllegalArgumentException unknownFlavor) {
            return ServerKind.UNKNOWN;
        }
    }

    private static boolean positive(JsonNode node) {
        return node != null && node.isIntegralNumber() && node.asLong() > 0;
    }

    private static JsonNode first(JsonNode... nodes) {
        for (JsonNode node : nodes) {
            if (positive(node)) {
                return node;
            }
        }
        return null;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.isString() && value.equals(item.stringValue())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(String model) {
        return model == null ? "(none named)" : model;
    }

    /** Small questions to the server; any failure is "no answer". */
    private static final class Asker {
        private final UpstreamHttp http;
        private final Duration timeout;
        private final String key;
        private final boolean bearer;
        private final boolean anthropic;

        Asker(GatewayConfig config, UpstreamHttp http, Map<String, String> env) {
            this.http = http;
            this.timeout = config.headersTimeout().compareTo(ASK_TIMEOUT) < 0 ? config.headersTimeout() : ASK_TIMEOUT;
            String value = config.apiKeyEnv() == null ? null : env.get(config.apiKeyEnv());
            this.key = value == null || value.isBlank() ? null : value;
            this.anthropic = config.protocol() == Protocol.ANTHROPIC;
            // Anthropic's own API reads a bearer token as OAuth; local servers only know bearer tokens
            this.bearer = !anthropic || !AnthropicBackend.isAnthropicHost(config.upstreamHost());
        }

        JsonNode get(String url) {
            return answer(builder(url).GET());
        }

        JsonNode post(String url, ObjectNode body) {
            return answer(builder(url).header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(body))));
        }

        private HttpRequest.Builder builder(String url) {
            HttpRequest.Builder builder = http.request(url).timeout(timeout).header("accept", "application/json");
            if (anthropic) {
                builder.header("anthropic-version", AnthropicBackend.DEFAULT_VERSION);
                if (key != null) {
                    builder.header("x-api-key", key);
                }
            }
            if (bearer && key != null) {
                builder.header("authorization", "Bearer " + key);
            }
            return builder;
        }

        private JsonNode answer(HttpRequest.Builder builder) {
            HttpResponse<byte[]> response;
            try {
                response = http.sendSmall(builder.build(), "context discovery");
            } catch (ApiException | IllegalArgumentException e) {
                return null;
            }
            return UpstreamHttp.jsonIfOk(response);
        }
    }
}
