package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.anyclaude.toolcall.Qwen3CoderFormatTest.call;
import static dev.anyclaude.toolcall.Qwen3CoderFormatTest.p;
import static org.assertj.core.api.Assertions.assertThat;

class SeedOssFormatTest {

    private static final ToolCallFormat SEED = new SeedOssFormat();

    @Test
    void callWithValuesOnTheTagLines() {
        String block = "<seed:tool_call>\n<function=Read>\n<parameter=file_path>/repo/a.py</parameter>\n"
                + "<parameter=limit>50</parameter>\n</function>\n</seed:tool_call>";
        assertThat(ParserHarness.parse(SEED, "Let me look.\n" + block)).containsExactly(
                new Piece.Text("Let me look.\n"), call("Read", block, p("file_path", "/repo/a.py"), p("limit", "50")));
    }

    @Test
    void reasoningAndAnswerWithoutCalls() {
        assertThat(ParserHarness.parse(SEED, "<seed:think>I'm thinking about the answer</seed:think>\nHello, world!"))
                .containsExactly(new Piece.Thinking("I'm thinking about the answer"), new Piece.Text("Hello, world!"));
    }

    @Test
    void codeWithQuotesKeepsAllButOneTrailingNewline() {
        String old = "def foo(arg = \"14\"):\n    return arg + \"bar\"\n";
        String block = "<seed:tool_call>\n<function=Edit>\n<parameter=file_path>foo.py</parameter>\n<parameter=old_string>"
                + old + "\n</parameter>\n<parameter=new_string>def foo(): pass</parameter>\n</function>\n</seed:tool_call>";
        assertThat(ParserHarness.parse(SEED, block)).containsExactly(
                call("Edit", block, p("file_path", "foo.py"), p("old_string", old), p("new_string", "def foo(): pass")));
    }

    @Test
    void budgetReflectionIsThinkingInsideAndOutsideTheThinkBlock() {
        String block = "<seed:tool_call>\n<function=Bash>\n<parameter=command>ls</parameter>\n</function>\n</seed:tool_call>";
        String raw = "<seed:think>Plan the listing.\n<seed:cot_budget_reflect>I have used 129 tokens, and there are 383 "
                + "tokens remaining for use.</seed:cot_budget_reflect>\nMore.\n</seed:think>\n" + block
                + "Listed. <seed:cot_budget_reflect>Budget fine.</seed:cot_budget_reflect>Bye.";
        assertThat(ParserHarness.parse(SEED, raw)).containsExactly(
                new Piece.Thinking("Plan the listing.\nI have used 129 tokens, and there are 383 tokens remaining for use.\nMore.\n"),
                call("Bash", block, p("command", "ls")),
                new Piece.Text("Listed. "), new Piece.Thinking("Budget fine."), new Piece.Text("Bye."));
    }

    @Test
    void zeroBudgetAndUnbalancedReflectTags() {
        assertThat(ParserHarness.parse(SEED, "<seed:think><seed:cot_budget_reflect>The current thinking budget is 0, so I will "
                + "directly start answering the question.</seed:cot_budget_reflect>\n</seed:think>Four.")).containsExactly(
                new Piece.Thinking("The current thinking budget is 0, so I will directly start answering the question.\n"),
                new Piece.Text("Four."));
        assertThat(ParserHarness.parse(SEED, "<seed:think>The user's current thinking budget is 512.</seed:cot_budget_reflect>\n"
                + "Go.</seed:think>Done <seed:cot_budget_reflect>never closed")).containsExactly(
                new Piece.Thinking("The user's current thinking budget is 512.\nGo."),
                new Piece.Text("Done "), new Piece.Thinking("never closed"));
    }

    @Test
    void literalClosingTagsInAValueAndMissingClosesAtTheEnd() {
        String content = "a </parameter> b\n</seed:tool_call> c";
        String block = "<seed:tool_call>\n<function=Write>\n<parameter=file_path>x.txt</parameter>\n<parameter=content>"
                + content + "</parameter>\n";
        assertThat(ParserHarness.parse(SEED, block)).containsExactly(
                call("Write", block, p("file_path", "x.txt"), p("content", content)));
    }

    @Test
    void severalCallsAndAnUnknownTool() {
        String first = "<seed:tool_call>\n<function=get_weather>\n<parameter=location>Barcelona, Spain</parameter>\n</function>\n</seed:tool_call>";
        String second = "<seed:tool_call>\n<function=TodoWrite>\n<parameter=todos>[{\"content\": \"a\", \"status\": \"pending\", "
                + "\"activeForm\": \"A\"}]</parameter>\n</function>\n</seed:tool_call>";
        assertThat(ParserHarness.parse(SEED, first + second)).containsExactly(
                call("get_weather", first, p("location", "Barcelona, Spain")),
                call("TodoWrite", second, p("todos", "[{\"content\": \"a\", \"status\": \"pending\", \"activeForm\": \"A\"}]")));
    }

    @Test
    void markerInProseAndPlainQwenTagsAreText() {
        String prose = "Seed wraps calls in `<seed:tool_call>` and <seed:tool_call> is only a tag here.";
        assertThat(ParserHarness.parse(SEED, prose)).containsExactly(new Piece.Text(prose));
        String qwen = "<tool_call>\n<function=Read>\n<parameter=file_path>x</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(SEED, qwen)).containsExactly(new Piece.Text(qwen));
        assertThat(SEED.claims("<seed:tool_call>\n<function=Read>\n<parameter=")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(SEED.claims("<seed:tool_call>\n")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(SEED.claims("<seed:tool_call> is")).isEqualTo(ToolCallFormat.Claim.NO);
    }

    @Test
    void truncatedCallIsMalformed() {
        List<Piece> pieces = ParserHarness.parse(SEED, "<seed:tool_call>\n<function=Read>\n<parameter=file_");
        assertThat(pieces).singleElement().isInstanceOf(Piece.Malformed.class);
    }
}
