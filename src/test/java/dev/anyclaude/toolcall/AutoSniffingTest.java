package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import java.util.stream.Stream;

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

    private static final String ARGS = "{\"file_path\": \"/a.txt\", \"limit\": 5}";
    private static final String BAR = "\uFF5C";
    private static final String LOW = "\u2581";

    /** One {@code Read} call in each family's own syntax. */
    static Stream<Arguments> oneCallPerFamily() {
        return Stream.of(
                Arguments.of("kimi-k2", "<|tool_calls_section_begin|><|tool_call_begin|>functions.Read:0"
                        + "<|tool_call_argument_begin|>" + ARGS + "<|tool_call_end|><|tool_calls_section_end|>"),
                Arguments.of("deepseek-v31", "<" + BAR + "tool" + LOW + "calls" + LOW + "begin" + BAR + "><" + BAR + "tool"
                        + LOW + "call" + LOW + "begin" + BAR + ">Read<" + BAR + "tool" + LOW + "sep" + BAR + ">" + ARGS
                        + "<" + BAR + "tool" + LOW + "call" + LOW + "end" + BAR + "><" + BAR + "tool" + LOW + "calls" + LOW
                        + "end" + BAR + ">"),
                Arguments.of("deepseek-v3", "<" + BAR + "tool" + LOW + "calls" + LOW + "begin" + BAR + "><" + BAR + "tool"
                        + LOW + "call" + LOW + "begin" + BAR + ">function<" + BAR + "tool" + LOW + "sep" + BAR
                        + ">Read\n```json\n" + ARGS + "\n```<" + BAR + "tool" + LOW + "call" + LOW + "end" + BAR + "><"
                        + BAR + "tool" + LOW + "calls" + LOW + "end" + BAR + ">"),
                Arguments.of("deepseek-v32", "<" + BAR + "DSML" + BAR + "function_calls>\n<" + BAR + "DSML" + BAR
                        + "invoke name=\"Read\">\n<" + BAR + "DSML" + BAR + "parameter name=\"file_path\" string=\"true\">"
                        + "/a.txt</" + BAR + "DSML" + BAR + "parameter>\n<" + BAR + "DSML" + BAR
                        + "parameter name=\"limit\" string=\"false\">5</" + BAR + "DSML" + BAR + "parameter>\n</" + BAR
                        + "DSML" + BAR + "invoke>\n</" + BAR + "DSML" + BAR + "function_calls>"),
                Arguments.of("mistral", "[TOOL_CALLS]Read[ARGS]" + ARGS),
                Arguments.of("harmony", "<|start|>assistant<|channel|>commentary to=functions.Read <|constrain|>json"
                        + "<|message|>" + ARGS + "<|call|>"),
                Arguments.of("llama3-json", "<|python_tag|>{\"name\": \"Read\", \"parameters\": " + ARGS + "}"),
                Arguments.of("pythonic", "<|python_start|>[Read(file_path=\"/a.txt\", limit=5)]<|python_end|>"),
                Arguments.of("lfm2", "<|tool_call_start|>[Read(file_path=\"/a.txt\", limit=5)]<|tool_call_end|>"),
                Arguments.of("nemotron", "<TOOLCALL>[{\"name\": \"Read\", \"arguments\": " + ARGS + "}]</TOOLCALL>"),
                Arguments.of("tool-calls-array", "<tool_calls>[{\"name\": \"Read\", \"arguments\": " + ARGS
                        + "}]</tool_calls>"),
                Arguments.of("command", "<|START_ACTION|>[{\"tool_call_id\": \"0\", \"tool_name\": \"Read\", "
                        + "\"parameters\": " + ARGS + "}]<|END_ACTION|>"),
                Arguments.of("granite", "<|tool_call|>[{\"name\": \"Read\", \"arguments\": " + ARGS + "}]"),
                Arguments.of("phi4-mini", "functools[{\"name\": \"Read\", \"arguments\": " + ARGS + "}]"),
                Arguments.of("seed-oss", "<seed:tool_call>\n<function=Read>\n<parameter=file_path>/a.txt</parameter>\n"
                        + "<parameter=limit>5</parameter>\n</function>\n</seed:tool_call>"),
                Arguments.of("gemma4", "<|tool_call>call:Read{file_path:<|\"|>/a.txt<|\"|>,limit:5}<tool_call|>"),
                Arguments.of("functiongemma",
                        "<start_function_call>call:Read{file_path:<escape>/a.txt<escape>,limit:5}<end_function_call>"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("oneCallPerFamily")
    void eachFamilysCallIsRecognisedAndReadAsItsOwnFormatReadsIt(String family, String raw) {
        JsonNode expected = json("""
                [{"type":"tool_use","name":"Read","input":{"file_path":"/a.txt","limit":5}}]""");
        ToolCallFormat own = FormatRegistry.byName(family).orElseThrow();
        assertThat(BlockHarness.blocks(own, CLAUDE_CODE_TOOLS, raw)).as("%s itself", family).isEqualTo(expected);
        assertThat(BlockHarness.blocks(AUTO, CLAUDE_CODE_TOOLS, raw)).as("auto").isEqualTo(expected);
    }

    private static JsonNode withNewline(JsonNode blocks) {
        JsonNode copy = blocks.deepCopy();
        ((tools.jackson.databind.node.ObjectNode) copy.get(0)).put("text", "Reading.\n");
        return copy;
    }
}
