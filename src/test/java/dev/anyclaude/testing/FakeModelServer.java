package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A fake local model server on a {@link FakeUpstream}: routes by method and path, 404 for anything else,
 * so it can play vLLM, llama.cpp, LM Studio or Ollama by the endpoints it answers.
 */
public final class FakeModelServer implements AutoCloseable {
    private final Map<String, Function<FakeUpstream.RecordedRequest, FakeUpstream.Reply>> routes =
            new ConcurrentHashMap<>();
    private final FakeUpstream upstream = FakeUpstream.start(this::route);

    public static FakeModelServer start() {
        return new FakeModelServer();
    }

    private FakeUpstream.Reply route(FakeUpstream.RecordedRequest request) {
        var handler = routes.get(request.method() + " " + request.path());
        return handler == null ? FakeUpstream.Reply.notFound(request) : handler.apply(request);
    }

    /** Answers {@code GET path} with this JSON. */
    public FakeModelServer get(String path, String json) {
        routes.put("GET " + path, request -> FakeUpstream.Reply.json(200, json));
        return this;
    }

    /** Answers {@code POST path} with this JSON. */
    public FakeModelServer post(String path, String json) {
        routes.put("POST " + path, request -> FakeUpstream.Reply.json(200, json));
        return this;
    }

    /** Answers {@code POST path} with this reply. */
    public FakeModelServer post(String path, FakeUpstream.Reply reply) {
        return on("POST", path, reply);
    }

    /** Answers {@code METHOD path} with this reply. */
    public FakeModelServer on(String method, String path, FakeUpstream.Reply reply) {
        routes.put(method + " " + path, request -> reply);
        return this;
    }

    /** An OpenAI {@code GET /v1/models} list of these ids. */
    public FakeModelServer models(String... ids) {
        ObjectNode list = Json.object();
        list.put("object", "list");
        ArrayNode data = list.putArray("data");
        for (String id : ids) {
            ObjectNode entry = data.addObject();
            entry.put("id", id);
            entry.put("object", "model");
            entry.put("created", 1_700_000_000L);
            entry.put("owned_by", "someone");
        }
        return get("/v1/models", Json.string(list));
    }

    /** {@code POST /v1/chat/completions} answers with this stream. */
    public FakeModelServer chat(OpenAiSse stream) {
        return post("/v1/chat/completions", stream.reply());
    }

    /** {@code http://127.0.0.1:PORT/v1}. */
    public String openAiUrl() {
        return upstream.baseUrl() + "/v1";
    }

    public String baseUrl() {
        return upstream.baseUrl();
    }

    /** The paths asked so far, as {@code METHOD /path}. */
    public List<String> asked() {
        return upstream.requests().stream().map(r -> r.method() + " " + r.path()).toList();
    }

    public List<FakeUpstream.RecordedRequest> requests(String path) {
        return upstream.requests(path);
    }

    @Override
    public void close() {
        upstream.close();
    }
}
