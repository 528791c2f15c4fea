package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static dev.anyclaude.toolcall.BlockHarness.CLAUDE_CODE_TOOLS;
import static dev.anyclaude.toolcall.BlockHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code auto} over the registered families: the shared {@code <tool_call>} opener goes to the family
 * whose grammar follows it (reference §0), and other families' openers to theirs, at the block level and
 * under every chunking.
 */
class AutoSniffingTest {

    private static final ToolCallFormat AUTO = FormatRegistry.auto();
    private static final JsonNode READ = json("""
            [{"type":"text","text":"Reading."},
             {"type":"tool_use","name":"Read","input":{"file_path":"/a.txt","limit":5}}]""");

    @Test
    void hermesJsonAfterTheSharedOpener() {
        assertThat(BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS,
                "Reading.\n<tool_call>\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/a.txt\", \"limit\": 5}}\n</tool_call>"))
                .isEqualTo(withNewline(READ));
    }

    @Test
    void qwen3CoderXmlAfterTheSharedOpener() {
        assertThat(BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS, """
                Reading.
                <tool_call>
                <function=Read>
                <parameter=file_path>
                /a.txt
                </parameter>
                <parameter=limit>
                5
                </parameter>
                </function>
                </tool_call>""")).isEqualTo(withNewline(READ));
    }

    @Test
    void glmArgumentTagsAfterTheSharedOpener() {
        assertThat(BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS,
                "Reading.\n<tool_call>Read\n<arg_key>file_path</arg_key>\n<arg_value>/a.txt</arg_value>\n"
                        + "<arg_key>limit</arg_key>\n<arg_value>5</arg_value>\n</tool_call>"))
                .isEqualTo(withNewline(READ));
    }

    @Test
    void miniMaxInvokes() {
        assertThat(BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS, """
                Reading.
                <minimax:tool_call>
                <invoke name="Read">
                <parameter name="file_path">/a.txt</parameter>
                <parameter name="limit">5</parameter>
                </invoke>
                </minimax:tool_call>""")).isEqualTo(withNewline(READ));
    }

    @Test
    void reasoningBeforeTheFirstCallIsSplitByAutoItself() {
        JsonNode blocks = BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS, "<think>Need the file.</think>\n\nReading.\n"
                + "<tool_call>\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"/a.txt\", \"limit\": 5}}\n</tool_call>");
        assertThat(blocks.get(0)).isEqualTo(json("{\"type\":\"thinking\",\"thinking\":\"Need the file.\"}"));
        assertThat(blocks.get(2).get("name").asString()).isEqualTo("Read");
    }

    @Test
    void aSharedOpenerFollowedByProseIsText() {
        String raw = "Models write <tool_call> then a JSON object.";
        assertThat(BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS, raw)).isEqualTo(
                json("[{\"type\":\"text\",\"text\":\"Models write <tool_call> then a JSON object.\"}]"));
    }

    private static JsonNode withNewline(JsonNode blocks) {
        JsonNode copy = blocks.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) copy.get(0)).put("text", "Reading.\n");
        return copy;
    }
}
