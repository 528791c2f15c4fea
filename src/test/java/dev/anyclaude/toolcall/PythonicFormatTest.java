package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PythonicFormatTest {
    private static final ToolCallFormat PYTHONIC = new PythonicFormat();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    private static Piece.Text text(String text) {
        return new Piece.Text(text);
    }

    @Test
    void bareListThatIsTheWholeOutputIsACall() {
        String raw = "[get_weather(city=\"SF\", units=\"metric\")]";
        assertThat(ParserHarness.parse(PYTHONIC, raw)).containsExactly(
                call("get_weather", "{\"city\":\"SF\",\"units\":\"metric\"}", raw));
    }

    @Test
    void llama4WrapperWithTwoCallsGivesEachItsOwnText() {
        String read = "Read(file_path='/etc/hosts', limit=None)";
        String bash = "Bash(command=\"echo 'hi'\", run_in_background=False)";
        String raw = "<|python_start|>[" + read + ", " + bash + "]<|python_end|>";
        assertThat(ParserHarness.parse(PYTHONIC, raw + "<|eot|>")).containsExactly(
                call("Read", "{\"file_path\":\"/etc/hosts\",\"limit\":null}", read),
                call("Bash", "{\"command\":\"echo 'hi'\",\"run_in_background\":false}", bash));
    }

    @Test
    void nestedLiteralsEscapesAndTripleQuotedCode() {
        String todo = "[TodoWrite(todos=[{'content': 'Run tests', 'status': 'pending', 'activeForm': 'Running tests'},"
                + " {\"content\": \"Fix (the) [bug]\", \"status\": 'in_progress', 'activeForm': 'Fixing'}], version=(1, 2.5, -3))]";
        assertThat(ParserHarness.parse(PYTHONIC, todo)).containsExactly(call("TodoWrite",
                "{\"todos\":[{\"content\":\"Run tests\",\"status\":\"pending\",\"activeForm\":\"Running tests\"},"
                        + "{\"content\":\"Fix (the) [bug]\",\"status\":\"in_progress\",\"activeForm\":\"Fixing\"}],"
                        + "\"version\":[1,2.5,-3]}", todo));
        String write = "[Write(file_path=\"a.py\", content=\"\"\"def f(x):\n    return x[0] + \"]\" + ')'\n\"\"\", note='it\\'s \\u00e9\\n')]";
        assertThat(ParserHarness.parse(PYTHONIC, write)).containsExactly(call("Write",
                "{\"file_path\":\"a.py\",\"content\":\"def f(x):\\n    return x[0] + \\\"]\\\" + ')'\\n\",\"note\":\"it's \u00e9\\n\"}",
                write));
    }

    @Test
    void dashedArgumentNamesAndMcpToolNames() {
        String grep = "[Grep(pattern=\"TODO\", **{'-i': True, '-n': True})]";
        assertThat(ParserHarness.parse(PYTHONIC, grep)).containsExactly(
                call("Grep", "{\"pattern\":\"TODO\",\"-i\":true,\"-n\":true}", grep));
        String page = "[mcp__chrome-devtools__new_page(url='https://example.com', -n=1)]";
        assertThat(ParserHarness.parse(PYTHONIC, page)).containsExactly(
                call("mcp__chrome-devtools__new_page", "{\"url\":\"https://example.com\",\"-n\":1}", page));
    }

    @Test
    void listOnItsOwnLineAfterTextWithStopToken() {
        String call = "[Glob(pattern=\"**/*.java\")]";
        assertThat(ParserHarness.parse(PYTHONIC, "Let me find the sources.\n" + call + "<|eot_id|>")).containsExactly(
                text("Let me find the sources.\n"),
                call("Glob", "{\"pattern\":\"**/*.java\"}", call));
    }

    @Test
    void zeroArgumentCallAndUnknownTool() {
        String raw = "[empty_args(), launch_rocket(count=3,)]";
        assertThat(ParserHarness.parse(PYTHONIC, raw)).containsExactly(
                call("empty_args", "{}", "empty_args()"),
                call("launch_rocket", "{\"count\":3}", "launch_rocket(count=3,)"));
    }

    @Test
    void listsThatAreNotLiteralKeywordCallsStayText() {
        for (String answer : List.of(
                "[the docs](https://example.com/docs) explain it.",
                "[1] A footnote.",
                "[x] done\n[ ] to do",
                "[print(x)]",
                "[f(a=x)]",
                "[f(a=1 + 2)]",
                "[f(a=g(1))]",
                "[f(a=f\"{x}\")]",
                "[f(a=1)] and more on the same line",
                "We could call [Read(file_path='x')] here.",
                "```python\n[Read(file_path='x')]\n```")) {
            assertThat(ParserHarness.parse(PYTHONIC, answer)).as(answer).containsExactly(text(answer));
        }
    }

    @Test
    void truncatedCallsAreMalformed() {
        String bare = "[Write(file_path=\"a.py\", content=\"def f():";
        assertThat(ParserHarness.parse(PYTHONIC, bare)).containsExactly(
                new Piece.Malformed(bare, "the call list is cut off"));
        String wrapped = "<|python_start|>[Write(file_path=\"a.py\", content=\"def f():";
        assertThat(ParserHarness.parse(PYTHONIC, wrapped)).containsExactly(
                new Piece.Malformed(wrapped, "the call list is cut off"));
    }

    @Test
    void wrapperWithoutItsEndMarkerAndAnEndMarkerInsideAString() {
        String open = "<|python_start|>[Bash(command=\"ls\")]";
        assertThat(ParserHarness.parse(PYTHONIC, open)).containsExactly(call("Bash", "{\"command\":\"ls\"}", open));
        String inside = "<|python_start|>[Write(file_path='x.md', content='ends with <|python_end|> ]) literally')]<|python_end|>";
        assertThat(ParserHarness.parse(PYTHONIC, "Writing it.\n" + inside + "\nDone.")).containsExactly(
                text("Writing it.\n"),
                call("Write", "{\"file_path\":\"x.md\",\"content\":\"ends with <|python_end|> ]) literally\"}", inside),
                text("Done."));
    }

    @Test
    void unreadableWrappedListIsMalformed() {
        String raw = "<|python_start|>[Bash(\"ls\")]<|python_end|>";
        assertThat(ParserHarness.parse(PYTHONIC, raw)).singleElement().isInstanceOf(Piece.Malformed.class)
                .extracting(piece -> ((Piece.Malformed) piece).raw()).isEqualTo(raw);
    }

    @Test
    void markerInBackticksIsProse() {
        String inline = "Llama 4 wraps calls in `<|python_start|>` and `<|python_end|>`.";
        assertThat(ParserHarness.parse(PYTHONIC, inline)).containsExactly(text(inline));
    }
}
