package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * An OpenAI-compatible model, scripted for Claude Code: a prompt that names the target file gets a streamed
 * {@code Write} tool call that creates it with {@link #GREETING}; the turn that carries the tool's result gets
 * {@link #FINAL_TEXT}; any other prompt gets {@link #REPLY} and the request's number. {@code GET /v1/models} lists
 * one model, as local servers do once they are up.
 */
public final class ScriptedConversation implements Function<RecordedRequest, Reply> {

    public static final String MODEL = "fake-coder";
    public static final String GREETING = "Hello from anyclaude!\nHave a good day.\n";
    public static final String FINAL_TEXT = "I created hello.txt with a greeting.";
    public static final String REPLY = "Scripted upstream reply";
    public static final String CALL_ID = "call_write_1";

    private final Path target;

    /** A conversation that writes {@code target} (an absolute path, as the Write tool wants). */
    public ScriptedConversation(Path target) {
        this.target = target.toAbsolutePath();
    }

    /** The prompt that makes the model write the file. */
    public String writePrompt() {
        return "Create the file " + target.getFileName() + " with a greeting";
    }

    @Override
    public Reply apply(RecordedRequest request) {
        if (request.method().equals("GET") && request.path().equals("/v1/models")) {
            ObjectNode list = Json.object();
            list.put("object", "list");
            ObjectNode model = list.putArray("data").addObject();
            model.put("id", MODEL);
            model.put("object", "model");
            return Reply.json(200, list);
        }
        if (!request.method().equals("POST") || !request.path().equals("/v1/chat/completions")) {
            return Reply.notFound(request);
        }
        OpenAiSse turn = OpenAiSse.chat(MODEL).role();
        if (toolResult(request) != null) {
            turn.text(FINAL_TEXT).finish("stop").usage(2100, 12, 1900);
        } else if (lastUserText(request).contains(target.getFileName().toString())) {
            turn.text("I'll create the file.").toolCall(0, CALL_ID, "Write", fragments(writeArguments()))
                    .finish("tool_calls").usage(2000, 60, 0);
        } else {
            turn.text(REPLY + " #" + request.sequence() + ".").finish("stop").usage(1000, 8, 0);
        }
        turn.done();
        Reply reply = request.wantsStream() ? turn.reply() : Reply.json(200, turn.completion());
        return reply.withChunking(Chunking.random(request.sequence(), 17));
    }

    private String writeArguments() {
        ObjectNode arguments = Json.object();
        arguments.put("file_path", target.toString());
        arguments.put("content", GREETING);
        return Json.string(arguments);
    }

    private static String[] fragments(String json) {
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < json.length(); i += 9) {
            pieces.add(json.substring(i, Math.min(json.length(), i + 9)));
        }
        return pieces.toArray(String[]::new);
    }

    /** The {@code role: tool} message of an OpenAI request, or null. */
    public static JsonNode toolResult(RecordedRequest request) {
        for (JsonNode message : request.json().path("messages")) {
            if ("tool".equals(message.path("role").asString(""))) {
                return message;
            }
        }
        return null;
    }

    /** The text of the last user message (string content or text parts). */
    static String lastUserText(RecordedRequest request) {
        String last = "";
        for (JsonNode message : request.json().path("messages")) {
            if (!"user".equals(message.path("role").asString(""))) {
                continue;
            }
            JsonNode content = message.path("content");
            if (content.isString()) {
                last = content.asString();
            } else {
                StringBuilder text = new StringBuilder();
                for (JsonNode part : content) {
                    text.append(part.path("text").asString("")).append('\n');
                }
                last = text.toString();
            }
        }
        return last;
    }
}
