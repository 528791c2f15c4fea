package dev.anyclaude.cli;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code anyclaude parse}, run in-process with its streams captured. */
class ParseCommandTest {

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {
        JsonNode json() {
            return Json.parse(out);
        }
    }

    private static Result parse(String stdin, String... args) {
        ParseCommand command = new ParseCommand();
        command.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        CommandLine cli = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void printsTheContentBlocksAsAJsonArray() {
        Result result = parse("<think>plan</think>\nHello, world.", "--format", "auto");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.json()).isEqualTo(Json.parse("""
                [{"type":"thinking","thinking":"plan","signature":""},{"type":"text","text":"Hello, world."}]"""));
    }

    @Test
    void noneLeavesTheOutputAsText() {
        Result result = parse("<think>plan</think>", "--format", "none");
        assertThat(result.exit()).isZero();
        assertThat(result.json()).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"<think>plan</think>\"}]"));
    }

    @Test
    void emptyOutputGivesNoBlocks() {
        Result result = parse("");
        assertThat(result.exit()).isZero();
        assertThat(result.json()).isEqualTo(Json.array());
    }

    @Test
    void anUnknownFormatIsABadOption() {
        Result result = parse("x", "--format", "klingon");
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("unknown tool-call format 'klingon'").contains("auto, none");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aMissingToolsFileIsReportedClearly() {
        Result result = parse("x", "--tools", tmp.resolve("missing.json").toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("cannot read the tools file").contains("missing.json");
        assertThat(result.out()).isEmpty();
    }

    @Test
    void anInvalidToolsFileIsReportedClearly() throws Exception {
        Path notJson = Files.writeString(tmp.resolve("tools.json"), "[{\"name\": ");
        Result result = parse("x", "--tools", notJson.toString());
        assertThat(result.exit()).isEqualTo(1);
        assertThat(result.err()).contains("is not valid JSON");

        Path notArray = Files.writeString(tmp.resolve("object.json"), "{\"name\": \"Read\"}");
        assertThat(parse("x", "--tools", notArray.toString()).err()).contains("must hold a JSON array");

        Path nameless = Files.writeString(tmp.resolve("nameless.json"), "[{\"input_schema\": {}}]");
        assertThat(parse("x", "--tools", nameless.toString()).err()).contains("tool 0 is not an object with a name");
    }

    @Test
    void aValidToolsFileIsAccepted() throws Exception {
        Path tools = Files.writeString(tmp.resolve("tools.json"), """
                [{"name":"Read","description":"reads","input_schema":{"type":"object",
                  "properties":{"file_path":{"type":"string"}}}}]""");
        Result result = parse("Just text.", "--tools", tools.toString(), "--model", "some-model");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.json()).isEqualTo(Json.parse("[{\"type\":\"text\",\"text\":\"Just text.\"}]"));
    }

    @Test
    void isASubcommandOfAnyclaude() {
        CommandLine main = Main.commandLine();
        assertThat(main.getSubcommands()).containsKey("parse");
        StringWriter help = new StringWriter();
        main.setOut(new PrintWriter(help, true));
        assertThat(main.execute("parse", "--help")).isZero();
        assertThat(help.toString()).contains("--tools").contains("--format").contains("auto").contains("none");
    }
}
