package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.anyclaude.toolcall.Gemma4FormatTest.json;
import static dev.anyclaude.toolcall.Gemma4FormatTest.params;
import static dev.anyclaude.toolcall.Gemma4FormatTest.untyped;
import static org.assertj.core.api.Assertions.assertThat;

/** FunctionGemma: {@code <start_function_call>call:NAME{k:<escape>v<escape>}<end_function_call>}. */
class FunctionGemmaFormatTest {
    private static final ToolCallFormat FORMAT = new FunctionGemmaFormat();
    private static final String E = "<escape>";

    @Test
    void escapedValuesAreLeftToTheSchemaAndBareLiteralsAreJson() {
        String raw = "<start_function_call>call:Read{file_path:" + E + "/etc/hosts" + E + ",offset:" + E + "10" + E
                + ",limit:20}<end_function_call>";
        List<Piece> pieces = ParserHarness.parse(FORMAT, raw);
        assertThat(pieces).hasSize(1);
        assertThat(params(pieces.get(0), "Read")).containsExactly(untyped("file_path", "/etc/hosts"),
                untyped("offset", "10"), json("limit", "20"));
        assertThat(((Piece.Call) pieces.get(0)).raw()).isEqualTo(raw);
        // the schema types them: "10" becomes a number, the path stays a string
        assertThat(ArgumentTyper.type(((Piece.Call) pieces.get(0)).arguments(), Json.parse(
                "{\"properties\":{\"file_path\":{\"type\":\"string\"},\"offset\":{\"type\":\"number\"},"
                        + "\"limit\":{\"type\":\"number\"}}}")).map(Json::string).orElseThrow())
                .isEqualTo("{\"file_path\":\"/etc/hosts\",\"offset\":10,\"limit\":20}");
    }

    @Test
    void multiLineCodeWithBracesCommasAndTheCloseMarkerStaysOneValue() {
        String code = "fn main() {\n    println!(\"{}, {}\", a, b); // <end_function_call>\n}\n";
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<start_function_call>call:Write{file_path:" + E + "/src/main.rs" + E + ",content:" + E + code + E
                        + "}<end_function_call>");
        assertThat(params(pieces.get(0), "Write")).containsExactly(untyped("file_path", "/src/main.rs"),
                untyped("content", code));
    }

    @Test
    void textBeforeTwoCallsAndAnUnknownTool() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "Sure.\n<start_function_call>call:get_weather{location:" + E + "Tokyo" + E + "}<end_function_call>"
                        + "<start_function_call>call:Bash{command:" + E + "echo hi" + E + ",run_in_background:false}"
                        + "<end_function_call>");
        assertThat(pieces).hasSize(3);
        assertThat(pieces.get(0)).isEqualTo(new Piece.Text("Sure.\n"));
        assertThat(params(pieces.get(1), "get_weather")).containsExactly(untyped("location", "Tokyo"));
        assertThat(params(pieces.get(2), "Bash")).containsExactly(untyped("command", "echo hi"),
                json("run_in_background", "false"));
    }

    @Test
    void missingCloseAtTheEndIsACallAndCutOffCallIsMalformed() {
        List<Piece> unclosed = ParserHarness.parse(FORMAT,
                "<start_function_call>call:Bash{command:" + E + "ls" + E + "}");
        assertThat(params(unclosed.get(0), "Bash")).containsExactly(untyped("command", "ls"));

        String cut = "<start_function_call>call:Bash{command:" + E + "ls" + E + ",timeout:";
        assertThat(ParserHarness.parse(FORMAT, cut)).containsExactly(new Piece.Malformed(cut, "the call was cut off"));
    }

    @Test
    void bareWordsAreUntypedAndNestedValuesAreJson() {
        List<Piece> pieces = ParserHarness.parse(FORMAT,
                "<start_function_call>call:set_options{mode:fast,paths:[" + E + "a b" + E + ",c],opts:{retries:3,"
                        + "verbose:nil}}<end_function_call>");
        List<Arguments.Param> params = params(pieces.get(0), "set_options");
        assertThat(params.get(0)).isEqualTo(untyped("mode", "fast"));
        assertThat(Json.parse(params.get(1).value())).isEqualTo(Json.parse("[\"a b\",\"c\"]"));
        assertThat(Json.parse(params.get(2).value())).isEqualTo(Json.parse("{\"retries\":3,\"verbose\":null}"));
    }

    @Test
    void proseAboutTheMarkerIsText() {
        String prose = "The model writes `<start_function_call>` first, e.g.\n```\n<start_function_call>call:f{}"
                + "<end_function_call>\n```\n";
        assertThat(ParserHarness.parse(FORMAT, prose)).containsExactly(new Piece.Text(prose));
    }

    @Test
    void claims() {
        assertThat(FORMAT.claims("<start_function_call>call:")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(FORMAT.claims("<start_function_call>")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(FORMAT.claims("<start_function_call>[")).isEqualTo(ToolCallFormat.Claim.NO);
    }
}
