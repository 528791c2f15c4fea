package dev.anyclaude.cli;

import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.backend.Backend;
import dev.anyclaude.backend.ContextWindow;
import dev.anyclaude.backend.ServerKind;
import dev.anyclaude.backend.ToolCallProbe;
import dev.anyclaude.backend.UpstreamException;
import dev.anyclaude.backend.UpstreamHttp;
import dev.anyclaude.cli.DoctorReport.Status;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.openai.OpenAiFlavor;
import dev.anyclaude.route.Backends;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.toolcall.FormatRegistry;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * {@code anyclaude doctor}: checks that the configured upstream can serve Claude Code — the settings, the
 * server and its models, the model's context window, and whether tool calls come back structured, as text
 * the gateway recovers, or not at all — and says what to change when they do not.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {
                "Check the upstream the gateway would use, with the same flags as `serve`: the settings, that the "
                        + "server answers and serves the model, the model's context window, and a small "
                        + "tool-calling request (get_weather) through the real backend and the gateway's own "
                        + "tool-call recovery. Prints a checklist (✓ fine, ! worth a look, ✗ a problem) with the "
                        + "fixes to try."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:all is well (warnings allowed)", "1:something is wrong (server down, no tool calls, ...)",
                "2:bad options"})
final class DoctorCommand implements Callable<Integer> {
    /** Models listed in the checklist; the rest are counted. */
    private static final int LISTED_MODELS = 10;
    private static final int EXCERPT = 200;
    /** How long the model list may take: servers answer it at once, busy or not. */
    private static final Duration LIST_TIMEOUT = Duration.ofSeconds(30);

    @Option(names = "--json", description = "Print the checks and their facts as one JSON object.")
    boolean json;

    @CommandLine.Mixin
    GatewayOptions gateway = new GatewayOptions();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The environment the API key is read from; a test sets its own. */
    Map<String, String> env = System.getenv();

    /** Whether the output can show ✓ and ✗; a test sets it. */
    boolean unicode = System.out.charset().newEncoder().canEncode("✓✗");

    @Override
    public Integer call() {
        GatewayConfig config = configuration();
        DoctorReport report = new DoctorReport("anyclaude doctor: " + config.baseUrl() + " (" + protocol(config) + ")");
        try (QuietLogs ignored = QuietLogs.unless(env.containsKey("ANYCLAUDE_LOG_LEVEL"))) {
            new Run(config, report).checks();
        }
        if (json) {
            report.printJson(spec.commandLine().getOut());
        } else {
            report.printText(spec.commandLine().getOut(), unicode);
        }
        return report.exitCode();
    }

    /** The settings, or a usage error (exit 2) for flags that make none. */
    private GatewayConfig configuration() {
        try {
            GatewayConfig config = gateway.toConfig(0);
            if (config.protocol() == Protocol.OPENAI) {
                OpenAiFlavor.resolve(config.flavor(), config.baseUrl());
            }
            if (FormatRegistry.byName(config.toolFormat()).isEmpty()) {
                throw new IllegalArgumentException("unknown tool-call format '" + config.toolFormat() + "'; known: "
                        + String.join(", ", FormatRegistry.names()));
            }
            // the probe reads events; a byte relay would hand back bytes it cannot judge
            return config.withRelay(false);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private static String protocol(GatewayConfig config) {
        return config.protocol().name().toLowerCase(Locale.ROOT);
    }

    /** One run of the checks, in order; a check that cannot run for want of an earlier one is skipped. */
    private final class Run {
        private final GatewayConfig config;
        private final DoctorReport report;
        private ServerKind server;
        /** The model the checks use: --model, else the server's first. */
        private String model;

        Run(GatewayConfig config, DoctorReport report) {
            this.config = config;
            this.report = report;
        }

        void checks() {
            configurationCheck();
            apiKeyCheck();
            List<String> models = modelsCheck();
            replicasCheck();
            if (models == null) {
                skip("the backend did not answer", "model", "context_window", "tool_calls");
                return;
            }
            model = modelCheck(models);
            if (model == null) {
                skip("no model to check with", "context_window", "tool_calls");
                return;
            }
            try (UpstreamHttp http = new UpstreamHttp(config.connectTimeout(), config.headersTimeout())) {
                ContextWindow.Report context = ContextWindow.inspect(config, model, http, env);
                server = context.server();
                serverCheck(context);
                contextCheck(context);
                probe(Backends.single(config, http, env), model, context);
            }
        }

        private void configurationCheck() {
            ObjectNode upstream = report.facts.putObject("upstream");
            upstream.put("base_url", config.baseUrl());
            upstream.put("protocol", protocol(config));
            upstream.put("model", config.model());
            upstream.put("tool_format", config.toolFormat());
            StringBuilder summary = new StringBuilder(protocol(config) + " protocol, " + config.baseUrl());
            if (config.protocol() == Protocol.OPENAI) {
                OpenAiFlavor flavor = OpenAiFlavor.resolve(config.flavor(), config.baseUrl());
                String resolved = flavor.name().toLowerCase(Locale.ROOT);
                upstream.put("flavor", resolved);
                summary.append(", flavor ").append(config.flavor().equals("auto") ? "auto (" + resolved + ")" : resolved);
            }
            summary.append(", tool format ").append(config.toolFormat());
            int fallbacks = config.resilience().fallbacks().size();
            report.add("config", "configuration", Status.OK, summary.toString(), fallbacks == 0 ? List.of()
                    : List.of(fallbacks + (fallbacks == 1 ? " fallback" : " fallbacks")
                    + " configured; doctor checks the primary upstream only"));
        }

        private void apiKeyCheck() {
            ObjectNode upstream = (ObjectNode) report.facts.get("upstream");
            String variable = config.apiKeyEnv();
            upstream.put("api_key_env", variable);
            if (variable != null) {
                String value = env.get(variable);
                boolean set = value != null && !value.isBlank();
                upstream.put("api_key_set", set);
                if (set) {
                    report.add("api_key", "API key", Status.OK, "$" + variable + " is set");
                } else {
                    report.add("api_key", "API key", Status.WARN, "$" + variable
                            + " is not set; requests go upstream without a key");
                }
                return;
            }
            upstream.put("api_key_set", false);
            if (config.protocol() == Protocol.ANTHROPIC && config.upstreamHost().endsWith("anthropic.com")) {
                report.add("api_key", "API key", Status.WARN, "none configured: the gateway passes on the client's "
                        + "own key, and doctor has none, so its requests go without one (pass --api-key-env VAR)");
                return;
            }
            ServerKind configured = ServerKind.of(config.protocol() == Protocol.OPENAI
                    ? OpenAiFlavor.resolve(config.flavor(), config.baseUrl()) : OpenAiFlavor.GENERIC);
            if (configured == ServerKind.OPENROUTER || configured == ServerKind.OPENAI) {
                report.add("api_key", "API key", Status.WARN, "none configured, and " + configured.displayName()
                        + " needs one: put it in an environment variable and pass --api-key-env VAR");
            } else {
                report.add("api_key", "API key", Status.OK, "none configured (a local server needs none)");
            }
        }

        /**
         * The server's model ids; null when the server cannot be reached (nothing else can be checked). A list
         * is quick to make, so a server that sits on the question is not waited for as long as on a prefill.
         */
        private List<String> modelsCheck() {
            String url = config.protocol() == Protocol.OPENAI ? config.baseUrl() + "/models"
                    : config.baseUrl() + "/v1/models";
            long start = System.nanoTime();
            List<String> ids;
            try (UpstreamHttp http = listHttp()) {
                ids = modelIds(config, http);
            } catch (UpstreamException e) {
                if (e.kind() == UpstreamException.Kind.CONNECT || e.kind() == UpstreamException.Kind.IO) {
                    report.facts.putNull("models");
                    report.add("backend", "backend", Status.FAIL, e.getMessage(), List.of(
                            "is the server running? Start it, or check --base-url (default ports: Ollama 11434, "
                                    + "LM Studio 1234, llama.cpp 8080, vLLM 8000)"));
                    return null;
                }
                if (e.kind() == UpstreamException.Kind.TIMEOUT) {
                    report.facts.putNull("models");
                    report.add("backend", "backend", Status.FAIL, e.getMessage(), List.of(
                            "the server took the connection but did not answer GET " + url + ": busy with another "
                                    + "request (single-request servers such as mlx_lm.server), loading a model, or stuck"));
                    return null;
                }
                return listFailed(url, e);
            } catch (ApiException | JacksonException e) {
                return listFailed(url, e);
            }
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            ArrayNode listed = report.facts.putArray("models");
            ids.forEach(listed::add);
            List<String> details = new ArrayList<>();
            for (int i = 0; i < ids.size() && i < LISTED_MODELS; i++) {
                details.add(modelLine(ids.get(i)));
            }
            if (ids.size() > LISTED_MODELS) {
                int configured = config.model() == null ? -1 : ids.indexOf(config.model());
                if (configured >= LISTED_MODELS) {
                    details.add(modelLine(ids.get(configured)));
                }
                details.add("... and " + (ids.size() - details.size()) + " more");
            }
            report.add("backend", "backend", Status.OK, "GET " + url + " answered in " + millis + " ms with "
                    + ids.size() + (ids.size() == 1 ? " model" : " models"), details);
            return ids;
        }

        /**
         * With {@code --replica}: whether every other replica answers its model list too, and lists the configured
         * model. A replica that is down is a warning, not a problem: the gateway passes its sessions to the others.
         */
        private void replicasCheck() {
            List<String> others = config.baseUrls().stream().filter(url -> !url.equals(config.baseUrl())).toList();
            if (others.isEmpty()) {
                return;
            }
            ArrayNode facts = report.facts.putArray("replicas");
            List<String> details = new ArrayList<>();
            int answering = 0;
            boolean missingModel = false;
            try (UpstreamHttp http = listHttp()) {
                for (String url : others) {
                    ObjectNode fact = facts.addObject().put("base_url", url);
                    long start = System.nanoTime();
                    try {
                        List<String> ids = modelIds(config.withBaseUrl(url), http);
                        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
                        answering++;
                        fact.put("answers", true).put("models", ids.size());
                        boolean lacks = config.model() != null && !ids.isEmpty() && !ids.contains(config.model());
                        missingModel |= lacks;
                        details.add(url + ": answered in " + millis + " ms, " + ids.size()
                                + (ids.size() == 1 ? " model" : " models")
                                + (lacks ? "; " + config.model() + " is not among them" : ""));
                    } catch (ApiException | JacksonException e) {
                        fact.put("answers", false).put("error", e.getMessage());
                        details.add(url + ": " + e.getMessage());
                    }
                }
            }
            int total = others.size();
            boolean allWell = answering == total && !missingModel;
            report.add("replicas", "replicas", allWell ? Status.OK : Status.WARN,
                    answering + " of " + total + (total == 1 ? " other replica answers" : " other replicas answer")
                            + (allWell ? "" : missingModel ? "; not all of them serve the model"
                            : "; the sessions of a replica that is down go to the others"), details);
        }

        /** A client for model lists: quick to make, so a server that sits on one is not waited for as long as on a prefill. */
        private UpstreamHttp listHttp() {
            Duration headers = config.headersTimeout().compareTo(LIST_TIMEOUT) < 0 ? config.headersTimeout() : LIST_TIMEOUT;
            return new UpstreamHttp(config.connectTimeout(), headers);
        }

        /** The model ids the server at {@code server}'s base URL lists. */
        private List<String> modelIds(GatewayConfig server, UpstreamHttp http) {
            List<String> ids = new ArrayList<>();
            Backends.single(server, http, env).models().forEach(model -> ids.add(model.get("id").asString()));
            return ids;
        }

        private List<String> listFailed(String url, RuntimeException e) {
            report.facts.putNull("models");
            boolean missing = e instanceof ApiException api && api.error().status() == 404;
            report.add("backend", "backend", missing ? Status.WARN : Status.FAIL,
                    "GET " + url + " failed: " + e.getMessage(),
                    missing ? List.of("the server has no model list; the checks below go on without it") : List.of());
            return List.of();
        }

        private String modelLine(String id) {
            return (id.equals(config.model()) ? "* " : "  ") + id + (id.equals(config.model()) ? "   (--model)" : "");
        }

        /** The model to check with: the configured one, else the server's first. */
        private String modelCheck(List<String> models) {
            ObjectNode upstream = (ObjectNode) report.facts.get("upstream");
            String model = config.model();
            if (model == null) {
                if (models.isEmpty()) {
                    report.add("model", "model", Status.FAIL, "no --model given and the server lists none to check with",
                            List.of("pass --model NAME"));
                    return null;
                }
                model = models.getFirst();
                upstream.put("model_checked", model);
                if (config.protocol() == Protocol.OPENAI) {
                    report.add("model", "model", Status.WARN, "no --model given: the gateway would forward the "
                            + "client's model names (claude-...), which this server may not know; checking with "
                            + model + ", the first it lists", List.of("pass --model NAME to choose"));
                } else {
                    report.add("model", "model", Status.OK, "no --model given: the client's model names are "
                            + "forwarded; checking with " + model + ", the first the server lists");
                }
                return model;
            }
            upstream.put("model_checked", model);
            if (models.isEmpty()) {
                return model;
            }
            if (models.contains(model)) {
                report.add("model", "model", Status.OK, model + " is served");
            } else {
                String near = near(model, models);
                report.add("model", "model", Status.WARN, model + " is not among the server's models",
                        near == null ? List.of("the tool-call check below shows whether the server takes it anyway")
                                : List.of("did you mean " + near + "?"));
            }
            return model;
        }

        /** A listed model that differs only in case or in Ollama's {@code :latest} tag. */
        private static String near(String model, List<String> models) {
            for (String id : models) {
                if (id.equalsIgnoreCase(model) || id.equalsIgnoreCase(model + ":latest")
                        || (id + ":latest").equalsIgnoreCase(model)) {
                    return id;
                }
            }
            return null;
        }

        private void serverCheck(ContextWindow.Report context) {
            ServerKind kind = context.server();
            report.facts.put("server", kind == ServerKind.UNKNOWN ? null : kind.displayName());
            if (kind == ServerKind.UNKNOWN) {
                return;
            }
            if (config.protocol() == Protocol.OPENAI && kind.flavor() != null) {
                OpenAiFlavor configured = OpenAiFlavor.resolve(config.flavor(), config.baseUrl());
                if (configured == OpenAiFlavor.GENERIC && kind.flavor() != OpenAiFlavor.GENERIC) {
                    String name = kind.flavor().name().toLowerCase(Locale.ROOT);
                    report.add("server", "server", Status.WARN, kind.displayName() + ", by its endpoints",
                            List.of("pass --flavor " + name + " so requests use its dialect (reasoning controls, "
                                    + "extra fields)"));
                    return;
                }
            }
            report.add("server", "server", Status.OK, kind.displayName());
        }

        private void contextCheck(ContextWindow.Report context) {
            ObjectNode facts = report.facts.putObject("context_window");
            putLong(facts, "tokens", context.window());
            putLong(facts, "model_max", context.modelMaximum());
            facts.put("source", context.source());
            if (context.toolSupport().isPresent()) {
                facts.put("tool_support", context.toolSupport().get());
            } else {
                facts.putNull("tool_support");
            }
            ArrayNode notes = facts.putArray("notes");
            context.notes().forEach(notes::add);
            List<String> details = new ArrayList<>();
            OptionalLong max = context.modelMaximum();
            String maximum = max.isPresent() && (context.window().isEmpty() || max.getAsLong() != context.window().getAsLong())
                    ? "the model supports up to " + tokens(max.getAsLong()) : null;
            if (context.window().isEmpty()) {
                if (maximum != null) {
                    details.add(maximum + (context.source() == null ? "" : " (" + context.source() + ")"));
                }
                details.addAll(context.notes());
                facts.put("verdict", "unknown");
                report.add("context_window", "context window", Status.WARN,
                        "unknown: the server does not say how much context requests get", details);
                return;
            }
            long window = context.window().getAsLong();
            if (maximum != null) {
                details.add(maximum);
            }
            details.addAll(context.notes());
            String summary = tokens(window) + " (" + context.source() + ")";
            if (window < ContextWindow.MINIMUM_FOR_CLAUDE_CODE) {
                facts.put("verdict", "too_small");
                details.addFirst("Claude Code's system prompt and tools alone take about "
                        + tokens(ContextWindow.CLAUDE_CODE_PROMPT_TOKENS) + ", which leaves no room for the conversation, "
                        + "the answer and compaction; " + tokens(ContextWindow.RECOMMENDED_FOR_CLAUDE_CODE)
                        + " or more is recommended");
                addContextFix(details);
                report.add("context_window", "context window", Status.FAIL, summary + ": too small for Claude Code", details);
            } else if (window < ContextWindow.RECOMMENDED_FOR_CLAUDE_CODE) {
                facts.put("verdict", "small");
                details.addFirst("enough for Claude Code's ~" + tokens(ContextWindow.CLAUDE_CODE_PROMPT_TOKENS)
                        + " prompt, but it will compact often; " + tokens(ContextWindow.RECOMMENDED_FOR_CLAUDE_CODE)
                        + " or more is recommended");
                addContextFix(details);
                report.add("context_window", "context window", Status.WARN, summary, details);
            } else {
                facts.put("verdict", "ok");
                report.add("context_window", "context window", Status.OK, summary, details);
            }
        }

        private void addContextFix(List<String> details) {
            // the Ollama note already says how
            if (server != ServerKind.OLLAMA) {
                details.add(DoctorAdvice.biggerContext(server));
            }
        }

        private void probe(Backend backend, String model, ContextWindow.Report context) {
            ToolCallProbe.Result result;
            try {
                result = ToolCallProbe.run(backend, model, config.toolFormat(), config.deadlines(),
                        config.headersTimeout());
            } catch (RuntimeException e) {
                report.add("tool_calls", "tool calls", Status.FAIL, "the probe itself failed: " + e);
                return;
            }
            ObjectNode facts = report.facts.putObject("tool_calls");
            facts.put("result", switch (result.outcome()) {
                case STRUCTURED -> "structured";
                case TEXT -> "text";
                case NONE -> "none";
                case FAILED -> "failed";
            });
            facts.put("format", result.format());
            ArrayNode calls = facts.putArray("calls");
            for (ModelEvent.ToolCall call : result.calls()) {
                ObjectNode item = calls.addObject();
                item.put("name", call.name());
                item.set("input", Json.parse(call.inputJson()));
            }
            facts.put("output_excerpt", excerpt(result));
            facts.put("stop_reason", result.stopReason() == null ? null : result.stopReason().wire());
            facts.put("error", result.error() == null ? null : result.error().message());
            facts.put("recoverable_as", result.recoverableAs());
            List<String> fixes = new ArrayList<>();
            switch (result.outcome()) {
                case STRUCTURED -> report.add("tool_calls", "tool calls", Status.OK,
                        "structured: the server parsed the model's call " + describe(result.calls()));
                case TEXT -> {
                    fixes.addAll(context.server().local() || context.server() == ServerKind.UNKNOWN
                            ? DoctorAdvice.serverToolParsing(context.server(), result.format()) : List.of());
                    List<String> details = new ArrayList<>();
                    details.add("this works: anyclaude recovers them while streaming. The server's own parser is "
                            + "faster and sturdier" + (fixes.isEmpty() ? "." : ":"));
                    fixes.forEach(fix -> details.add("- " + fix));
                    report.add("tool_calls", "tool calls", Status.WARN, "written as text in the " + result.format()
                            + " format, recovered by anyclaude: " + describe(result.calls()), details);
                }
                case NONE -> {
                    fixes.addAll(noCallFixes(result, context));
                    List<String> details = new ArrayList<>();
                    String excerpt = excerpt(result);
                    details.add(excerpt.isEmpty() ? "the model sent no text at all"
                            : "the model wrote" + (result.text().isBlank() ? " (reasoning only)" : "") + ": " + quote(excerpt));
                    details.add("try:");
                    fixes.forEach(fix -> details.add("- " + fix));
                    report.add("tool_calls", "tool calls", Status.FAIL, "none: the model answered without calling "
                            + ToolCallProbe.TOOL + (result.stopReason() == StopReason.MAX_TOKENS
                            ? " (cut off at " + ToolCallProbe.MAX_TOKENS + " tokens)" : ""), details);
                }
                case FAILED -> {
                    fixes.addAll(DoctorAdvice.forError(result.error().message(), context.server()));
                    List<String> details = new ArrayList<>();
                    if (!fixes.isEmpty()) {
                        details.add("try:");
                        fixes.forEach(fix -> details.add("- " + fix));
                    }
                    report.add("tool_calls", "tool calls", Status.FAIL, "the request failed: "
                            + result.error().message(), details);
                }
            }
            ArrayNode fixList = facts.putArray("fixes");
            fixes.forEach(fixList::add);
            timing(result);
        }

        private void timing(ToolCallProbe.Result result) {
            ObjectNode facts = report.facts.putObject("timing");
            if (result.firstToken() == null) {
                facts.putNull("first_token_ms");
            } else {
                facts.put("first_token_ms", result.firstToken().toMillis());
            }
            facts.put("total_ms", result.total().toMillis());
            if (result.firstToken() == null) {
                return; // nothing came back to time
            }
            report.add("timing", "timing", Status.OK, "first token after " + seconds(result.firstToken())
                    + ", whole answer in " + seconds(result.total()));
        }

        private List<String> noCallFixes(ToolCallProbe.Result result, ContextWindow.Report context) {
            List<String> fixes = new ArrayList<>();
            if (result.recoverableAs() != null) {
                fixes.add("--tool-format " + result.recoverableAs() + ": the answer holds a call in that format, which "
                        + "the configured format (" + FormatRegistry.choose(config.toolFormat(), model).name()
                        + ") does not read");
            }
            if (result.stopReason() == StopReason.MAX_TOKENS) {
                fixes.add("the answer was cut off before any call; a reasoning model may think for longer than the "
                        + "probe allows, which is fine in real use if it calls tools in the end");
            }
            if (context.toolSupport().isPresent() && !context.toolSupport().get()) {
                fixes.add("the server says this model's template has no tool support: use a model that has it");
            }
            fixes.add("a model trained for tool calling (Qwen3-Coder, Qwen3, GLM-4.5 or later, gpt-oss, Devstral, "
                    + "Llama 3.1 or later, ...)" + (context.toolSupport().orElse(false)
                    ? "; the server says this one handles tools, so it chose prose: small models often do" : ""));
            fixes.addAll(DoctorAdvice.serverToolParsing(context.server(), null));
            if (result.recoverableAs() == null) {
                fixes.add("--tool-format NAME if the model writes its calls in a format anyclaude knows under "
                        + "another name (`anyclaude parse --help` lists them; try the output with `anyclaude parse`)");
            }
            return fixes;
        }

        private void skip(String why, String... ids) {
            for (String id : ids) {
                report.add(id, id.replace('_', ' '), Status.SKIPPED, "skipped: " + why);
            }
        }
    }

    /**
     * Keeps the gateway's own warnings (a call delivered as text, an aborted upstream call) off the terminal
     * while the checks run: the checklist reports what they would, in words meant for the user.
     */
    private static final class QuietLogs implements AutoCloseable {
        private final ch.qos.logback.classic.Logger logger;
        private final ch.qos.logback.classic.Level before;

        private QuietLogs(ch.qos.logback.classic.Logger logger) {
            this.logger = logger;
            this.before = logger == null ? null : logger.getLevel();
            if (logger != null) {
                logger.setLevel(ch.qos.logback.classic.Level.ERROR);
            }
        }

        /** Quiets the {@code dev.anyclaude} loggers unless the user asked for a log level. */
        static QuietLogs unless(boolean asked) {
            return new QuietLogs(!asked && LoggerFactory.getLogger("dev.anyclaude")
                    instanceof ch.qos.logback.classic.Logger logback ? logback : null);
        }

        @Override
        public void close() {
            if (logger != null) {
                logger.setLevel(before);
            }
        }
    }

    private static String describe(List<ModelEvent.ToolCall> calls) {
        List<String> parts = new ArrayList<>();
        for (ModelEvent.ToolCall call : calls) {
            parts.add(call.name() + " " + call.inputJson());
        }
        return String.join(", ", parts);
    }

    /** The first {@value #EXCERPT} characters of the answer: its text, else its reasoning. */
    private static String excerpt(ToolCallProbe.Result result) {
        String text = result.text().isBlank() ? result.reasoning() : result.text();
        text = text.strip();
        return text.length() <= EXCERPT ? text : text.substring(0, EXCERPT) + "...";
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\"", "\\\"") + "\"";
    }

    private static void putLong(ObjectNode node, String field, OptionalLong value) {
        if (value.isPresent()) {
            node.put(field, value.getAsLong());
        } else {
            node.putNull(field);
        }
    }

    private static String tokens(long n) {
        return String.format(Locale.ROOT, "%,d tokens", n);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.2f s", duration.toMillis() / 1000.0);
    }
}
