package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.toolcall.Qwen3CoderFormatTest.call;
import static dev.anyclaude.toolcall.Qwen3CoderFormatTest.p;
import static org.assertj.core.api.Assertions.assertThat;

/** GLM-4.5 / 4.6 ({@code glm45}) and GLM-4.7 / 5 ({@code glm47}). */
class GlmFormatTest {

    private static final ToolCallFormat GLM45 = new Glm45Format();
    private static final ToolCallFormat GLM47 = new Glm47Format();

    @Test
    void glm45CallWithNewlinesAfterReasoningAndText() {
        String block = "<tool_call>Bash\n<arg_key>command</arg_key>\n<arg_value>ls -la</arg_value>\n"
                + "<arg_key>timeout</arg_key>\n<arg_value>60000</arg_value>\n</tool_call>";
        assertThat(ParserHarness.parse(GLM45, "<think>List the files.</think>\nSure.\n" + block + "\n")).containsExactly(
                new Piece.Thinking("List the files."), new Piece.Text("Sure.\n"),
                call("Bash", block, p("command", "ls -la"), p("timeout", "60000")));
    }

    @Test
    void severalCallsWithCjkValues() {
        String first = "<tool_call>get_weather\n<arg_key>city</arg_key>\n<arg_value>北京</arg_value>\n"
                + "<arg_key>date</arg_key>\n<arg_value>2024-06-27</arg_value>\n</tool_call>";
        String second = first.replace("北京", "上海");
        assertThat(ParserHarness.parse(GLM45, first + "\n" + second)).containsExactly(
                call("get_weather", first, p("city", "北京"), p("date", "2024-06-27")),
                call("get_weather", second, p("city", "上海"), p("date", "2024-06-27")));
    }

    @Test
    void jsonValuesAndMultiLineCodeAreKeptExactlyAsWritten() {
        String todos = "[{\"content\": \"Run tests\", \"status\": \"pending\", \"activeForm\": \"Running tests\"}]";
        String code = "\nint main() {\n    return a < b;\n}\n";
        String block = "<tool_call>Write\n<arg_key>file_path</arg_key>\n<arg_value>123</arg_value>\n"
                + "<arg_key>content</arg_key>\n<arg_value>" + code + "</arg_value>\n"
                + "<arg_key>todos</arg_key>\n<arg_value>" + todos + "</arg_value>\n</tool_call>";
        assertThat(ParserHarness.parse(GLM45, block)).containsExactly(
                call("Write", block, p("file_path", "123"), p("content", code), p("todos", todos)));
    }

    @Test
    void glmValueContainingClosingTagsStaysInsideTheValue() {
        String value = "x = \"</arg_value>\"\ny = '</tool_call>' + z";
        String block = "<tool_call>Edit<arg_key>new_string</arg_key><arg_value>" + value + "</arg_value>"
                + "<arg_key>replace_all</arg_key><arg_value>true</arg_value></tool_call>";
        assertThat(ParserHarness.parse(GLM45, block)).containsExactly(
                call("Edit", block, p("new_string", value), p("replace_all", "true")));
    }

    @Test
    void literalBackslashNBetweenTagsIsASeparator() {
        String block = "<tool_call>Read\\n<arg_key>file_path</arg_key>\\n<arg_value>/etc/hosts</arg_value>\\n</tool_call>";
        assertThat(ParserHarness.parse(GLM45, block)).containsExactly(call("Read", block, p("file_path", "/etc/hosts")));
    }

    @Test
    void zeroArgumentCallsAndUnknownNames() {
        assertThat(ParserHarness.parse(GLM45, "<tool_call>get_time</tool_call>")).containsExactly(
                call("get_time", "<tool_call>get_time</tool_call>"));
        assertThat(ParserHarness.parse(GLM45, "<tool_call>get_time\n</tool_call>")).containsExactly(
                call("get_time", "<tool_call>get_time\n</tool_call>"));
    }

    @Test
    void missingCloseTagsAtTheEnd() {
        String noClose = "<tool_call>Read\n<arg_key>file_path</arg_key>\n<arg_value>a.txt</arg_value>\n";
        assertThat(ParserHarness.parse(GLM45, noClose)).containsExactly(call("Read", noClose, p("file_path", "a.txt")));
        // Without </arg_value>, </tool_call> ends the value when the next call or the end follows it.
        String noValueClose = "<tool_call>Read<arg_key>file_path</arg_key><arg_value>b.txt</tool_call>";
        assertThat(ParserHarness.parse(GLM45, noValueClose + "\n" + noValueClose)).containsExactly(
                call("Read", noValueClose, p("file_path", "b.txt")), call("Read", noValueClose, p("file_path", "b.txt")));
    }

    @Test
    void cutOffInAnArgumentNameIsMalformed() {
        String cut = "<tool_call>Read\n<arg_key>file_pa";
        assertThat(ParserHarness.parse(GLM45, cut)).singleElement().isInstanceOfSatisfying(Piece.Malformed.class,
                malformed -> assertThat(malformed.raw()).isEqualTo(cut));
    }

    @Test
    void markerInProseIsText() {
        String prose = "GLM wraps calls in <tool_call> tags; `<tool_call>Read</tool_call>` is one.";
        assertThat(ParserHarness.parse(GLM45, prose)).containsExactly(new Piece.Text(prose));
        String json = "<tool_call>{\"name\": \"Read\"}</tool_call>";
        assertThat(ParserHarness.parse(GLM45, json)).containsExactly(new Piece.Text(json));
    }

    @Test
    void glm47StartsInsideReasoningAndWritesNoNewlines() {
        String first = "<tool_call>special_function<arg_key>arg1</arg_key><arg_value>1</arg_value></tool_call>";
        String second = "<tool_call>Grep<arg_key>pattern</arg_key><arg_value>TODO</arg_value><arg_key>-n</arg_key>"
                + "<arg_value>true</arg_value></tool_call>";
        assertThat(ParserHarness.parse(GLM47, "I'm\nthinking</think>" + first + second)).containsExactly(
                new Piece.Thinking("I'm\nthinking"),
                call("special_function", first, p("arg1", "1")),
                call("Grep", second, p("pattern", "TODO"), p("-n", "true")));
    }

    @Test
    void glm47LeadingThinkMarkerIsDroppedAndAnswerFollows() {
        assertThat(ParserHarness.parse(GLM47, "\n<think>Short plan.</think>\nThe answer is 4.")).containsExactly(
                new Piece.Thinking("Short plan."), new Piece.Text("The answer is 4."));
        // reasoning the template opened but the model never closed was its answer
        assertThat(ParserHarness.parse(GLM47, "<thin")).containsExactly(new Piece.Text("<thin"));
    }

    @Test
    void glm47CallBeforeTheReasoningIsClosedIsStillACall() {
        String block = "<tool_call>Read<arg_key>file_path</arg_key><arg_value>x</arg_value></tool_call>";
        assertThat(ParserHarness.parse(GLM47, "Read it first." + block + "Then answer.")).containsExactly(
                new Piece.Thinking("Read it first."), call("Read", block, p("file_path", "x")), new Piece.Text("Then answer."));
    }

    @Test
    void claimsNeedANameFollowedByArgumentsOrTheClose() {
        assertThat(GLM45.claims("<tool_call>get_weather\n<arg_key>")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(GLM45.claims("<tool_call>get_weather\\n<arg_k")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(GLM45.claims("<tool_call>get_time</tool_call>")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(GLM45.claims("<tool_call>get_weat")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(GLM45.claims("<tool_call>get the weather")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(GLM45.claims("<tool_call>\n{\"name\"")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(GLM45.claims("<tool_call>\n<function=Read>")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(new HermesFormat().claims("<tool_call>get_time</tool_call>")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(new Qwen3CoderFormat().claims("<tool_call>get_time</tool_call>")).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    @Timeout(10)
    void aLargeWriteFedInSmallChunksIsNotQuadratic() {
        StringBuilder content = new StringBuilder();
        while (content.length() < 20_000) {
            content.append("<div class=\"row\"></arg_value> text </div>\n");
        }
        String block = "<tool_call>Write<arg_key>file_path</arg_key><arg_value>index.html</arg_value><arg_key>content</arg_key>"
                + "<arg_value>" + content + "</arg_value></tool_call>";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < block.length(); i += 3) {
            chunks.add(block.substring(i, Math.min(block.length(), i + 3)));
        }
        assertThat(ParserHarness.run(new Glm45Format(), chunks)).containsExactly(
                call("Write", block, p("file_path", "index.html"), p("content", content.toString())));
    }
}
