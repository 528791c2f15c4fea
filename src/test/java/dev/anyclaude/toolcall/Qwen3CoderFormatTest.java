package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class Qwen3CoderFormatTest {

    private static final ToolCallFormat QWEN = new Qwen3CoderFormat();

    static Arguments.Param p(String name, String value) {
        return new Arguments.Param(name, value, Arguments.ValueKind.UNTYPED);
    }

    static Piece.Call call(String name, String raw, Arguments.Param... params) {
        return new Piece.Call(name, new Arguments.Params(List.of(params)), raw);
    }

    @Test
    void canonicalCallAfterTextWithOneNewlineDroppedAtEachEndOfAValue() {
        String block = "<tool_call>\n<function=Write>\n<parameter=file_path>\n/tmp/a.txt\n</parameter>\n"
                + "<parameter=content>\n\n    indented\nline 2\n\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, "I'll create it.\n\n" + block + "\n")).containsExactly(
                new Piece.Text("I'll create it.\n\n"),
                call("Write", block, p("file_path", "/tmp/a.txt"), p("content", "\n    indented\nline 2\n")));
    }

    @Test
    void qwenCoderValueContainingClosingTagStaysInsideTheParameter() {
        String content = "echo \"</parameter>\" > tags.txt\nprintf '</function>' # </tool_call> not yet\ndone";
        String block = "<tool_call>\n<function=Bash>\n<parameter=command>\n" + content + "\n</parameter>\n"
                + "<parameter=description>\nWrite tags\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, block)).containsExactly(
                call("Bash", block, p("command", content), p("description", "Write tags")));
    }

    @Test
    void aWholeExampleCallInsideAValueIsPartOfTheValue() {
        String example = "Example: <tool_call>\n<function=Read>\n<parameter=file_path>\nx\n</parameter>\n"
                + "<parameter=limit>\n5\n</parameter>\n</function>\n</tool_call>\ndone";
        String block = "<tool_call>\n<function=Write>\n<parameter=file_path>\n/home/user/example.md\n</parameter>\n"
                + "<parameter=content>\n" + example + "\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, block + "\nWritten.")).containsExactly(
                call("Write", block, p("file_path", "/home/user/example.md"), p("content", example)),
                new Piece.Text("Written."));
    }

    @Test
    void missingParameterCloseIsImpliedByTheNextParameterOnANewLine() {
        String block = "<tool_call>\n<function=Bash>\n<parameter=command>\nls -la\n<parameter=description>\nList files\n"
                + "</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, block)).containsExactly(
                call("Bash", block, p("command", "ls -la"), p("description", "List files")));
    }

    @Test
    void missingClosingTagsAtTheEndStillGiveTheCall() {
        String noCloses = "<tool_call>\n<function=Read>\n<parameter=file_path>\n/repo/README.md\n";
        assertThat(ParserHarness.parse(QWEN, "Reading.\n" + noCloses)).containsExactly(
                new Piece.Text("Reading.\n"), call("Read", noCloses, p("file_path", "/repo/README.md")));
        String noFunctionClose = "<tool_call>\n<function=Read>\n<parameter=file_path>\n/a\n</parameter>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, noFunctionClose + "\nok")).containsExactly(
                call("Read", noFunctionClose, p("file_path", "/a")), new Piece.Text("ok"));
        String functionCloseEndsValue = "<tool_call>\n<function=Read>\n<parameter=file_path>\n/b\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, functionCloseEndsValue)).containsExactly(
                call("Read", functionCloseEndsValue, p("file_path", "/b")));
    }

    @Test
    void bareFunctionWithoutToolCallWrapperIsACall() {
        String bare = "<function=Grep>\n<parameter=pattern>\nTODO\n</parameter>\n<parameter=-i>\ntrue\n</parameter>\n</function>";
        assertThat(ParserHarness.parse(QWEN, "Searching.\n" + bare + "\n")).containsExactly(
                new Piece.Text("Searching.\n"), call("Grep", bare + "\n", p("pattern", "TODO"), p("-i", "true")));
        // The tokenizer dropped only the opening <tool_call>: the stray close belongs to the call.
        String strayClose = bare + "\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, strayClose + "\nDone")).containsExactly(
                call("Grep", strayClose, p("pattern", "TODO"), p("-i", "true")), new Piece.Text("Done"));
    }

    @Test
    void severalCallsInARowAndInOneDelta() {
        String first = "<tool_call>\n<function=Read>\n<parameter=file_path>\nA.java\n</parameter>\n</function>\n</tool_call>";
        String second = "<tool_call>\n<function=mcp__chrome-devtools__new_page>\n<parameter=url>\nhttps://example.org/?a=1&b=<2>\n"
                + "</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, "Two things.\n\n" + first + "\n" + second + "\n")).containsExactly(
                new Piece.Text("Two things.\n\n"),
                call("Read", first, p("file_path", "A.java")),
                call("mcp__chrome-devtools__new_page", second, p("url", "https://example.org/?a=1&b=<2>")));
    }

    @Test
    void twoFunctionsInOneWrapperAreTwoCalls() {
        String first = "<tool_call>\n<function=Read>\n<parameter=file_path>\na\n</parameter>\n</function>";
        String second = "<function=Read>\n<parameter=file_path>\nb\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, first + "\n" + second)).containsExactly(
                call("Read", first, p("file_path", "a")), call("Read", second, p("file_path", "b")));
    }

    @Test
    void valuesWithoutInnerNewlinesAndZeroParameterCalls() {
        String inline = "<tool_call><function=Bash><parameter=command>git log -1</parameter><parameter=timeout>60000</parameter>"
                + "</function></tool_call>";
        assertThat(ParserHarness.parse(QWEN, inline)).containsExactly(
                call("Bash", inline, p("command", "git log -1"), p("timeout", "60000")));
        String empty = "<tool_call>\n<function=get_time>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, empty)).containsExactly(call("get_time", empty));
    }

    @Test
    void unicodeAndJsonValuesAreKeptAsWritten() {
        String todos = "[{\"content\": \"Écrire les tests 格\", \"status\": \"pending\", \"activeForm\": \"Writing 🧪\"}]";
        String block = "<tool_call>\n<function=TodoWrite>\n<parameter=todos>\n" + todos + "\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, block)).containsExactly(call("TodoWrite", block, p("todos", todos)));
    }

    @Test
    void phantomTemplateNamesAndProseAreText() {
        String phantom = "The template writes <function={{ tc.name }}>\n<parameter={{ k }}>\n{{ v }}\n</parameter>\n</function> for each call.";
        assertThat(ParserHarness.parse(QWEN, phantom)).containsExactly(new Piece.Text(phantom));
        String prose = "Use <tool_call> tags, or <function=Read> with a path; `<function=Read>` too.";
        assertThat(ParserHarness.parse(QWEN, prose)).containsExactly(new Piece.Text(prose));
        String fenced = "```xml\n<tool_call>\n<function=Read>\n<parameter=file_path>\nx\n</parameter>\n</function>\n</tool_call>\n```";
        assertThat(ParserHarness.parse(QWEN, fenced)).containsExactly(new Piece.Text(fenced));
    }

    @Test
    void truncatedInTheFunctionNameIsMalformed() {
        List<Piece> pieces = ParserHarness.parse(QWEN, "Now:\n<tool_call>\n<function=Wri");
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("Now:\n"));
        assertThat(pieces.get(1)).isInstanceOfSatisfying(Piece.Malformed.class,
                malformed -> assertThat(malformed.raw()).isEqualTo("<tool_call>\n<function=Wri"));
    }

    @Test
    void reasoningThenCall() {
        String block = "<tool_call>\n<function=Glob>\n<parameter=pattern>\n*.md\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(QWEN, "<think>\nLook for docs.\n</think>\n\n" + block)).containsExactly(
                new Piece.Thinking("\nLook for docs.\n"), call("Glob", block, p("pattern", "*.md")));
    }

    @Test
    void qwen35CallInsideUnclosedReasoningIsACallAndEndsTheReasoning() {
        ToolCallFormat forcedOpen = new Qwen3CoderFormat(true);
        String block = "<tool_call>\n<function=Glob>\n<parameter=pattern>\n*.md\n</parameter>\n</function>\n</tool_call>";
        assertThat(ParserHarness.parse(forcedOpen, "The user wants X.\n" + block + "\nFound them.")).containsExactly(
                new Piece.Thinking("The user wants X.\n"), call("Glob", block, p("pattern", "*.md")),
                new Piece.Text("Found them."));
        assertThat(ParserHarness.parse(forcedOpen, "I could use <tool_call> tags here.</think>Done.")).containsExactly(
                new Piece.Thinking("I could use <tool_call> tags here."), new Piece.Text("Done."));
    }

    @Test
    void callsInReasoningSeparatedByTheServerAreFound() {
        FormatParser parser = QWEN.newParser();
        List<Piece> out = new ArrayList<>();
        String block = "<tool_call>\n<function=Read>\n<parameter=file_path>\nx\n</parameter>\n</function>\n</tool_call>";
        parser.feedReasoning("Need the file.\n" + block.substring(0, 20), out::add);
        parser.feedReasoning(block.substring(20), out::add);
        parser.feed("Reading it.", out::add);
        parser.finish(out::add);
        assertThat(out).containsExactly(new Piece.Thinking("Need the file.\n"), call("Read", block, p("file_path", "x")),
                new Piece.Text("Reading it."));
    }

    @Test
    void claimsAreExclusiveWithHermesAndGlmOnTheSharedOpener() {
        ToolCallFormat hermes = new HermesFormat();
        ToolCallFormat glm = new Glm45Format();
        String qwen = "<tool_call>\n<function=Read>\n<parameter=file_path>\nx\n</parameter>\n</function>\n</tool_call>";
        String json = "<tool_call>\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"x\"}}\n</tool_call>";
        String glmCall = "<tool_call>Read\n<arg_key>file_path</arg_key>\n<arg_value>x</arg_value>\n</tool_call>";
        assertThat(List.of(QWEN.claims(qwen), hermes.claims(qwen), glm.claims(qwen)))
                .containsExactly(ToolCallFormat.Claim.YES, ToolCallFormat.Claim.NO, ToolCallFormat.Claim.NO);
        assertThat(List.of(QWEN.claims(json), hermes.claims(json), glm.claims(json)))
                .containsExactly(ToolCallFormat.Claim.NO, ToolCallFormat.Claim.YES, ToolCallFormat.Claim.NO);
        assertThat(List.of(QWEN.claims(glmCall), hermes.claims(glmCall), glm.claims(glmCall)))
                .containsExactly(ToolCallFormat.Claim.NO, ToolCallFormat.Claim.NO, ToolCallFormat.Claim.YES);
        assertThat(QWEN.claims("<tool_call>\n<func")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(QWEN.claims("<function=Read>\n<param")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(QWEN.claims("<function={{ tc.name }}>")).isEqualTo(ToolCallFormat.Claim.NO);
        // Every prefix of each vector: the other formats never say YES.
        for (int i = "<tool_call>".length(); i <= qwen.length(); i++) {
            assertThat(hermes.claims(qwen.substring(0, i))).isNotEqualTo(ToolCallFormat.Claim.YES);
            assertThat(glm.claims(qwen.substring(0, i))).isNotEqualTo(ToolCallFormat.Claim.YES);
        }
        for (int i = "<tool_call>".length(); i <= json.length(); i++) {
            assertThat(QWEN.claims(json.substring(0, i))).isNotEqualTo(ToolCallFormat.Claim.YES);
            assertThat(glm.claims(json.substring(0, i))).isNotEqualTo(ToolCallFormat.Claim.YES);
        }
        for (int i = "<tool_call>".length(); i <= glmCall.length(); i++) {
            assertThat(QWEN.claims(glmCall.substring(0, i))).isNotEqualTo(ToolCallFormat.Claim.YES);
            assertThat(hermes.claims(glmCall.substring(0, i))).isNotEqualTo(ToolCallFormat.Claim.YES);
        }
    }

    @Test
    @Timeout(10)
    void aLargeWriteFedInSmallChunksIsNotQuadratic() {
        StringBuilder content = new StringBuilder();
        while (content.length() < 20_000) {
            content.append("    List<String> xs = new ArrayList<>(); // </parameter> in code\n");
        }
        String body = content.toString().stripTrailing();
        String block = "<tool_call>\n<function=Write>\n<parameter=file_path>\nBig.java\n</parameter>\n<parameter=content>\n"
                + body + "\n</parameter>\n</function>\n</tool_call>";
        List<String> chunks = new ArrayList<>();
        for (int i = 0; i < block.length(); i += 3) {
            chunks.add(block.substring(i, Math.min(block.length(), i + 3)));
        }
        assertThat(ParserHarness.run(QWEN, chunks)).containsExactly(
                call("Write", block, p("file_path", "Big.java"), p("content", body)));
    }
}
