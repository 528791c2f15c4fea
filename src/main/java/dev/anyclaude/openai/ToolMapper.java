package dev.anyclaude.openai;

import dev.anyclaude.api.BoundedMemo;
import dev.anyclaude.api.ContentBlock;
import dev.anyclaude.api.FrozenJson;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.Message;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.SameObjects;
import dev.anyclaude.api.Tool;
import dev.anyclaude.api.ToolChoice;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tools}, {@code tool_choice} and {@code parallel_tool_calls} for Chat Completions. */
final class ToolMapper {

    /** What to send; all three are null when no tool is sent (vLLM and OpenAI reject the others without tools). */
    record Result(ArrayNode tools, JsonNode toolChoice, Boolean parallelToolCalls) {
        static final Result NONE = new Result(null, null, null);
    }

    private ToolMapper() {
    }

    static Result map(MessagesRequest request, OpenAiFlavor flavor) {
        ToolChoice choice = request.toolChoice();
        // Ollama ignores tool_choice, so "none" can only be honoured by not offering tools.
        if (choice != null && "none".equals(choice.type()) && !flavor.acceptsToolChoice()) {
            return Result.NONE;
        }
        List<Tool> sent = sentTools(request);
        if (sent.isEmpty()) {
            return Result.NONE;
        }
        ArrayNode tools = Json.array();
        Set<String> names = new HashSet<>();
        for (Tool tool : sent) {
            tools.add(function(tool));
            names.add(tool.name());
        }
        JsonNode toolChoice = flavor.acceptsToolChoice() ? toolChoice(choice, names) : null;
        boolean parallel = choice == null || !choice.disableParallelToolUse();
        return new Result(tools, toolChoice, parallel);
    }

    /**
     * Client tools that belong in the prompt. Server and versioned Anthropic tools have nobody to run them
     * here. A {@code defer_loading} tool enters the prompt only once a {@code tool_reference} in the
     * history loaded it, as on the Anthropic API. Claude Code inserts a loaded tool into {@code tools[]} in
     * name order, which changes the middle of the tool list; here loaded tools go after the eager ones, in
     * the order the history first references them, so each load only appends to the tool list and the
     * rendered prompt before it stays cached. The order follows from the request alone: Claude Code keeps
     * the whole history, so no session state is needed.
     */
    static List<Tool> sentTools(MessagesRequest request) {
        Map<String, Tool> deferred = new LinkedHashMap<>();
        List<Tool> sent = new ArrayList<>();
        for (Tool tool : request.tools()) {
            if (!tool.isCustom()) {
                continue;
            }
            if (!tool.deferLoading()) {
                sent.add(tool);
            } else {
                deferred.putIfAbsent(tool.name(), tool);
            }
        }
        for (String name : referencedToolNames(request.messages())) {
            Tool tool = deferred.get(name);
            if (tool != null) {
                sent.add(tool);
            }
        }
        return sent;
    }

    /** Tool names of the {@code tool_reference} blocks in the history, each once, in order of first mention. */
    static Set<String> referencedToolNames(List<Message> messages) {
        Set<String> names = new LinkedHashSet<>();
        for (Message message : messages) {
            collectReferences(message.content(), names);
        }
        return names;
    }

    private static void collectReferences(List<ContentBlock> blocks, Set<String> names) {
        for (ContentBlock block : blocks) {
            if (block instanceof ContentBlock.ToolReference reference) {
                names.add(reference.toolName());
            } else if (block instanceof ContentBlock.ToolResult result) {
                collectReferences(result.content(), names);
            }
        }
    }

    /**
     * Distinct tools whose entries are kept (a Claude Code version sends a few dozen, MCP servers add theirs); each
     * entry holds its tree and its JSON text, a few KB.
     */
    static final int FUNCTIONS_KEPT = 1024;
    private static final BoundedMemo<SameObjects, ObjectNode> FUNCTIONS = new BoundedMemo<>(FUNCTIONS_KEPT);

    /**
     * The tool's entry, made once per tool and shared ({@link FrozenJson}): the parse memo gives every request of
     * a session the same tool instances, found here by identity, and each request copied every schema and wrote
     * its many small nodes again.
     */
    private static ObjectNode function(Tool tool) {
        return FUNCTIONS.get(SameObjects.of(tool.name(), tool.description(), tool.inputSchema()),
                key -> FrozenJson.object(newFunction(tool)));
    }

    private static ObjectNode newFunction(Tool tool) {
        ObjectNode entry = Json.object();
        entry.put("type", "function");
        ObjectNode function = entry.putObject("function");
        function.put("name", tool.name());
        if (tool.description() != null) {
            function.put("description", tool.description());
        }
        function.set("parameters", parameters(tool.inputSchema()));
        return entry;
    }

    /** A copy of the schema without {@code $schema}: grammar-based tool parsers choke on the draft URI. */
    private static ObjectNode parameters(JsonNode inputSchema) {
        if (!(inputSchema instanceof ObjectNode schema)) {
            ObjectNode empty = Json.object();
            empty.put("type", "object");
            empty.putObject("properties");
            return empty;
        }
        ObjectNode copy = schema.deepCopy();
        copy.remove("$schema");
        return copy;
    }

    /** null when nothing should be sent: no choice given, or it names a tool that is not offered. */
    private static JsonNode toolChoice(ToolChoice choice, Set<String> offered) {
        if (choice == null) {
            return null;
        }
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (choice.type()) {
            case "auto" -> nodes.stringNode("auto");
            case "any" -> nodes.stringNode("required");
            case "none" -> nodes.stringNode("none");
            case "tool" -> {
                if (!offered.contains(choice.name())) {
                    yield null;
                }
                ObjectNode named = Json.object();
                named.put("type", "function");
                named.putObject("function").put("name", choice.name());
                yield named;
            }
            default -> null;
        };
    }
}
