package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Claude Code sessions as the consecutive {@code /v1/messages} bodies Claude Code sends, for replaying
 * through the request mapping. Each starts from real captures; where no capture exists the next request
 * is derived from the previous one the way Claude Code builds it (claude-code-traffic.md §2.4–2.6, §3):
 * the cache breakpoint leaves the old last block and goes on the new last block, a message that was a
 * one-block list when last (a typed prompt, a {@code role:"system"} turn) becomes a plain string, the
 * assistant's output is appended with the tool results (in completion order for parallel calls), a
 * system turn may follow tool results, and a ToolSearch load inserts the tool into {@code tools[]} in
 * name order.
 */
public final class ClaudeCodeSessions {

    /** @param turns the request bodies, first to last */
    public record Session(String name, String description, List<ObjectNode> turns) {
    }

    private ClaudeCodeSessions() {
    }

    public static List<Session> all() {
        return List.of(printModeTools(), toolSearch(), interactive(), subagent());
    }

    /**
     * A {@code -p} tool session (SCN-MULTI): capture 01, capture 02, then the four requests up to capture 03
     * (its history cut back request by request), capture 03 itself, then a Read whose result is followed by a
     * {@code role:"system"} truncation notice (last, so a block list with the breakpoint), then one more tool
     * round after which that notice is a plain string.
     */
    static Session printModeTools() {
        List<ObjectNode> turns = new ArrayList<>();
        ObjectNode first = capture("captures/01-print-mode-first-request.json");
        ObjectNode second = capture("captures/02-print-mode-followup-after-tool-result.json");
        ObjectNode sixth = capture("captures/03-print-mode-parallel-tool-results.json");
        turns.add(first);
        turns.add(second);
        JsonNode history = sixth.get("messages");
        ObjectNode turn = second;
        for (int end = 6; end <= history.size(); end += 2) {
            turn = next(turn);
            messages(turn).add(normalised(history.get(end - 2)));
            messages(turn).add(normalised(history.get(end - 1)));
            turns.add(last(turn));
        }
        turns.set(turns.size() - 1, sixth);
        turn = next(sixth);
        messages(turn).add(assistant(toolUse("toolu_005_0", "Read", "{\"file_path\":\"/home/user/projects/p-multi/work/big.txt\"}")));
        messages(turn).add(user(toolResult("toolu_005_0", "1\tline one\n2\tline two\n3\tline three", null)));
        messages(turn).add(message("system", "[Truncated: PARTIAL view — /home/user/projects/p-multi/work/big.txt:"
                + " showing lines 1-1269 of 1501 total (25128 tokens, cap 25000). Read again with offset to see more.]"));
        turns.add(last(turn));
        turn = next(turn);
        messages(turn).add(assistant(text("Reading the rest."),
                toolUse("toolu_006_0", "Read", "{\"file_path\":\"/home/user/projects/p-multi/work/big.txt\",\"offset\":1270}")));
        messages(turn).add(user(toolResult("toolu_006_0", "1270\tline 1270\n1271\tline 1271", null)));
        turns.add(last(turn));
        return new Session("print-mode tools", "-p tool session: captures 01, 02, the history up to 03, 03, "
                + "then a tool result followed by a system turn", turns);
    }

    /**
     * ToolSearch loading deferred tools twice (SCN-TC): the request before capture 04 (no deferred tool
     * loaded), capture 04 (CronList and NotebookEdit loaded, inserted in name order), a CronList call, then a
     * second ToolSearch that loads CronCreate, which Claude Code inserts in front of CronList.
     */
    static Session toolSearch() {
        List<ObjectNode> turns = new ArrayList<>();
        ObjectNode loaded = capture("captures/04-toolsearch-followup.json");
        ObjectNode before = loaded.deepCopy();
        ArrayNode history = messages(before);
        while (history.size() > 2) {
            history.remove(history.size() - 1);
        }
        ArrayNode tools = (ArrayNode) before.get("tools");
        for (int i = tools.size() - 1; i >= 0; i--) {
            String name = tools.get(i).get("name").stringValue();
            if (name.equals("CronList") || name.equals("NotebookEdit")) {
                tools.remove(i);
            }
        }
        turns.add(last(before));
        turns.add(loaded);
        ObjectNode turn = next(loaded);
        messages(turn).add(assistant(toolUse("toolu_001_0", "CronList", "{}")));
        messages(turn).add(user(toolResult("toolu_001_0", "No scheduled jobs.", null)));
        turns.add(last(turn));
        turn = next(turn);
        messages(turn).add(assistant(toolUse("toolu_002_0", "ToolSearch",
                "{\"query\":\"select:CronCreate\",\"max_results\":5}")));
        messages(turn).add(user(toolResult("toolu_002_0", null, null, toolReference("CronCreate")), text("Tool loaded.")));
        loadTool(turn, cronCreate());
        turns.add(last(turn));
        turn = next(turn);
        messages(turn).add(assistant(toolUse("toolu_003_0", "CronCreate",
                "{\"cron\":\"0 9 * * *\",\"prompt\":\"check the build\",\"recurring\":true}")));
        messages(turn).add(user(toolResult("toolu_003_0", "Scheduled job cron_1 (0 9 * * *).", null)));
        turns.add(last(turn));
        return new Session("toolsearch", "ToolSearch loads CronList+NotebookEdit (capture 04), later CronCreate", turns);
    }

    /**
     * An interactive session of three prompts from capture 07: the first request (with the one-off
     * {@code safeguards}), then a thinking answer that runs Bash and a typed second prompt (a one-block list
     * with the breakpoint while last), then a third prompt, by which the second has become a plain string.
     */
    static Session interactive() {
        List<ObjectNode> turns = new ArrayList<>();
        ObjectNode first = capture("sessions/07-interactive-first-main-request.json");
        turns.add(first);
        ObjectNode turn = next(first);
        turn.remove("safeguards");
        messages(turn).add(assistant(thinking("The user wants the steps done; start by listing the directory."),
                text("Let me look at the directory first."),
                toolUse("toolu_01", "Bash", "{\"command\":\"ls -la\",\"description\":\"List files\"}")));
        messages(turn).add(user(toolResult("toolu_01", "total 0", false)));
        turns.add(last(turn));
        turn = next(turn);
        messages(turn).add(assistant(thinking("The directory is empty, nothing else to do."),
                text("The directory is empty, so there is nothing to do yet.")));
        messages(turn).add(user(text("Now a second question: what is in /etc/hostname?")));
        turns.add(last(turn));
        turn = next(turn);
        messages(turn).add(assistant(thinking("Read the file."), text("It holds the host name, `devbox`.")));
        messages(turn).add(user(text("Thanks. And a third one: which shell am I using?")));
        turns.add(last(turn));
        return new Session("interactive", "interactive session of three prompts from capture 07", turns);
    }

    /**
     * A subagent (capture 09 is its second request): the first request, capture 09 (a Bash result followed by
     * a {@code role:"system"} agent list, last), then a Read round after which that system turn is a string.
     */
    static Session subagent() {
        List<ObjectNode> turns = new ArrayList<>();
        ObjectNode second = capture("captures/09-subagent-request.json");
        ObjectNode first = second.deepCopy();
        ArrayNode history = messages(first);
        while (history.size() > 2) {
            history.remove(history.size() - 1);
        }
        turns.add(last(first));
        turns.add(second);
        ObjectNode turn = next(second);
        messages(turn).add(assistant(toolUse("toolu_002_0", "Read",
                "{\"file_path\":\"/home/user/projects/p-agent/work/README.md\"}")));
        messages(turn).add(user(toolResult("toolu_002_0", "1\t# p-agent", null)));
        turns.add(last(turn));
        return new Session("subagent", "subagent: its first request, capture 09, one more tool round", turns);
    }

    // ---------------------------------------------------------------------------------------------
    // how Claude Code turns one request into the next

    /**
     * The next request's starting point: the same body with every cache breakpoint on the messages removed
     * and every one-text-block user or system message turned into a plain string (Claude Code sends those as
     * block lists only while they are last).
     */
    static ObjectNode next(ObjectNode body) {
        ObjectNode copy = body.deepCopy();
        for (JsonNode message : messages(copy)) {
            ObjectNode m = (ObjectNode) message;
            JsonNode content = m.get("content");
            if (!content.isArray()) {
                continue;
            }
            for (JsonNode block : content) {
                ((ObjectNode) block).remove("cache_control");
            }
            String role = m.get("role").stringValue();
            if (!role.equals("assistant") && content.size() == 1 && "text".equals(Json.text(content.get(0), "type"))) {
                m.put("content", content.get(0).get("text").stringValue());
            }
        }
        return copy;
    }

    /** Claude Code's last breakpoint: on the last block of the last message, a string becoming a one-block list. */
    static ObjectNode last(ObjectNode body) {
        ObjectNode last = (ObjectNode) messages(body).get(messages(body).size() - 1);
        JsonNode content = last.get("content");
        if (content.isString()) {
            ArrayNode blocks = Json.array();
            blocks.add(text(content.stringValue()));
            last.set("content", blocks);
            content = blocks;
        }
        ((ObjectNode) content.get(content.size() - 1)).putObject("cache_control").put("type", "ephemeral");
        return body;
    }

    /** A history message as Claude Code sends it when it is no longer last. */
    private static ObjectNode normalised(JsonNode message) {
        ObjectNode wrapper = Json.object();
        wrapper.putArray("messages").add(message.deepCopy());
        return (ObjectNode) messages(next(wrapper)).get(0);
    }

    /** Claude Code's tool order: by name, with DeferredToolPlaceholder just before the last tool. */
    private static void loadTool(ObjectNode body, ObjectNode tool) {
        ArrayNode tools = (ArrayNode) body.get("tools");
        List<JsonNode> sorted = new ArrayList<>();
        JsonNode placeholder = null;
        for (JsonNode t : tools) {
            if (t.get("name").stringValue().equals("DeferredToolPlaceholder")) {
                placeholder = t;
            } else {
                sorted.add(t);
            }
        }
        sorted.add(tool);
        sorted.sort(Comparator.comparing(t -> t.get("name").stringValue()));
        if (placeholder != null) {
            sorted.add(sorted.size() - 1, placeholder);
        }
        tools.removeAll();
        sorted.forEach(tools::add);
    }

    private static ObjectNode cronCreate() {
        return (ObjectNode) Json.parse("""
                {"name":"CronCreate","description":"Schedule a prompt to run on a cron schedule, durable or session-only.",
                 "input_schema":{"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object",
                   "properties":{"cron":{"type":"string","description":"Five-field cron expression"},
                     "prompt":{"type":"string","description":"The prompt to run"},
                     "recurring":{"type":"boolean","default":true},"durable":{"type":"boolean","default":false}},
                   "required":["cron","prompt"],"additionalProperties":false},
                 "defer_loading":true}""");
    }

    // ---------------------------------------------------------------------------------------------
    // building blocks

    static ArrayNode messages(ObjectNode body) {
        return (ArrayNode) body.get("messages");
    }

    static ObjectNode message(String role, String text) {
        ObjectNode message = Json.object();
        message.put("role", role);
        message.put("content", text);
        return message;
    }

    static ObjectNode assistant(ObjectNode... blocks) {
        return withBlocks("assistant", blocks);
    }

    static ObjectNode user(ObjectNode... blocks) {
        return withBlocks("user", blocks);
    }

    private static ObjectNode withBlocks(String role, ObjectNode... blocks) {
        ObjectNode message = Json.object();
        message.put("role", role);
        ArrayNode content = message.putArray("content");
        for (ObjectNode block : blocks) {
            content.add(block);
        }
        return message;
    }

    static ObjectNode text(String text) {
        ObjectNode block = Json.object();
        block.put("type", "text");
        block.put("text", text);
        return block;
    }

    static ObjectNode thinking(String thinking) {
        ObjectNode block = Json.object();
        block.put("type", "thinking");
        block.put("thinking", thinking);
        block.put("signature", "");
        return block;
    }

    static ObjectNode toolUse(String id, String name, String inputJson) {
        ObjectNode block = Json.object();
        block.put("type", "tool_use");
        block.put("id", id);
        block.put("name", name);
        block.set("input", Json.parse(inputJson));
        return block;
    }

    /** Claude Code's key order for tool results; {@code isError} null leaves the field out. */
    static ObjectNode toolResult(String id, String content, Boolean isError, ObjectNode... blocks) {
        ObjectNode block = Json.object();
        block.put("tool_use_id", id);
        block.put("type", "tool_result");
        if (content != null) {
            block.put("content", content);
        } else {
            ArrayNode list = block.putArray("content");
            for (ObjectNode inner : blocks) {
                list.add(inner);
            }
        }
        if (isError != null) {
            block.put("is_error", isError.booleanValue());
        }
        return block;
    }

    static ObjectNode toolReference(String name) {
        ObjectNode block = Json.object();
        block.put("type", "tool_reference");
        block.put("tool_name", name);
        return block;
    }

    /** The body of a capture file from the test resources. */
    static ObjectNode capture(String resource) {
        try (InputStream in = ClaudeCodeSessions.class.getResourceAsStream("/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            JsonNode json = Json.parse(in.readAllBytes());
            return (ObjectNode) (json.has("body") ? json.get("body") : json).deepCopy();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
