package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.Tool;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.RawOutput;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a model's raw output through the gateway's own pipeline (text deltas → {@code TextToolCallFilter} →
 * {@code ResponseAssembler} → {@code MessageBuilder}, the same as {@code anyclaude parse}) under every
 * chunking of {@link ParserHarness#chunkings}, checks that all give the same content blocks and stop
 * reason, and returns them. Tool ids are removed from the blocks: they are random in the gateway.
 *
 * <pre>{@code
 * assertThat(BlockHarness.blocks(format, BlockHarness.CLAUDE_CODE_TOOLS, raw)).isEqualTo(BlockHarness.json("""
 *     [{"type":"text","text":"Let me look."},
 *      {"type":"tool_use","name":"Read","input":{"file_path":"/tmp/a.txt"}}]"""));
 * }</pre>
 */
public final class BlockHarness {

    /** Approximations of Claude Code's own tools (reference §6), enough to type arguments by. */
    public static final List<Tool> CLAUDE_CODE_TOOLS = List.of(
            tool("Bash", """
                    {"type":"object","properties":{"command":{"type":"string"},"timeout":{"type":"number"},
                     "description":{"type":"string"},"run_in_background":{"type":"boolean"}},"required":["command"]}"""),
            tool("Read", """
                    {"type":"object","properties":{"file_path":{"type":"string"},"offset":{"type":"number"},
                     "limit":{"type":"number"}},"required":["file_path"]}"""),
            tool("Edit", """
                    {"type":"object","properties":{"file_path":{"type":"string"},"old_string":{"type":"string"},
                     "new_string":{"type":"string"},"replace_all":{"type":"boolean"}},
                     "required":["file_path","old_string","new_string"]}"""),
            tool("Write", """
                    {"type":"object","properties":{"file_path":{"type":"string"},"content":{"type":"string"}},
                     "required":["file_path","content"]}"""),
            tool("TodoWrite", """
                    {"type":"object","properties":{"todos":{"type":"array","items":{"type":"object","properties":{
                     "content":{"type":"string"},"status":{"type":"string","enum":["pending","in_progress","completed"]},
                     "activeForm":{"type":"string"}}}}},"required":["todos"]}"""),
            tool("Grep", """
                    {"type":"object","properties":{"pattern":{"type":"string"},"path":{"type":"string"},
                     "glob":{"type":"string"},"output_mode":{"type":"string","enum":["content","files_with_matches","count"]},
                     "-i":{"type":"boolean"},"-n":{"type":"boolean"},"head_limit":{"type":"number"}},"required":["pattern"]}"""),
            tool("mcp__chrome-devtools__new_page", """
                    {"type":"object","properties":{"url":{"type":"string"}},"required":["url"]}"""));

    private BlockHarness() {
    }

    /** A custom tool with the given {@code input_schema}. */
    public static Tool tool(String name, String inputSchemaJson) {
        ObjectNode raw = Json.object();
        raw.put("name", name);
        JsonNode schema = Json.parse(inputSchemaJson);
        raw.set("input_schema", schema);
        return new Tool(name, null, schema, null, false, raw);
    }

    /** JSON text as a tree, for expected blocks. */
    public static JsonNode json(String text) {
        return Json.parse(text);
    }

    /** The content blocks for {@code raw} ending normally, checked under every chunking. */
    public static ArrayNode blocks(ToolCallFormat format, List<Tool> tools, String raw) {
        return (ArrayNode) message(format, tools, raw, StopReason.END_TURN).get("content");
    }

    /**
     * The message ({@code content} without tool ids, {@code stop_reason}) for {@code raw} ending with
     * {@code reason}, checked to be the same under every chunking.
     *
     * @param tools the tools offered, or null to accept any name
     */
    public static ObjectNode message(ToolCallFormat format, List<Tool> tools, String raw, StopReason reason) {
        ObjectNode expected = null;
        for (List<String> chunks : ParserHarness.chunkings(raw, format.openers())) {
            List<ModelEvent> events = new ArrayList<>();
            chunks.forEach(chunk -> events.add(new ModelEvent.TextDelta(chunk)));
            events.add(new ModelEvent.Finish(reason, null));
            ObjectNode message = run(format, tools, events);
            if (expected == null) {
                expected = message;
            } else {
                assertThat(message).as("blocks for chunks %s", chunks).isEqualTo(expected);
            }
        }
        return expected;
    }

    /** One run over the given events: {@code content} (tool ids removed) and {@code stop_reason}. */
    public static ObjectNode run(ToolCallFormat format, List<Tool> tools, List<ModelEvent> events) {
        ObjectNode message = RawOutput.message(format, tools, () -> "toolu_test", events);
        ObjectNode result = Json.object();
        ArrayNode content = result.putArray("content");
        for (JsonNode block : message.get("content")) {
            ObjectNode copy = (ObjectNode) block.deepCopy();
            if ("tool_use".equals(Json.text(copy, "type"))) {
                assertThat(Json.text(copy, "id")).matches("[a-zA-Z0-9_-]+");
                copy.remove("id");
            }
            if ("thinking".equals(Json.text(copy, "type")) && "".equals(Json.text(copy, "signature"))) {
                copy.remove("signature");
            }
            content.add(copy);
        }
        result.put("stop_reason", Json.text(message, "stop_reason"));
        return result;
    }
}
