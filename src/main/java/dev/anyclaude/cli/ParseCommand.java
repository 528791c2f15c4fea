package dev.anyclaude.cli;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.Tool;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.RawOutput;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.ToolCallFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code anyclaude parse}: a model's raw output on stdin, the Anthropic content blocks the gateway would
 * answer with on stdout, made by the gateway's own pipeline ({@link RawOutput}).
 */
@Command(name = "parse", mixinStandardHelpOptions = true,
        description = {
                "Read a model's raw output from stdin and print the Anthropic content blocks (text, thinking, "
                        + "tool_use) the gateway would make of it, as a JSON array.",
                "Without --tools any tool name is accepted and arguments stay as written (there is nothing to "
                        + "check them against); with it, calls to tools not in the file are delivered as text "
                        + "and arguments are typed by each tool's input_schema. Tool ids are numbered "
                        + "toolu_parse_01, toolu_parse_02, ... so the output is stable."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the blocks were printed", "1:unreadable input (tools file, stdin)",
                "2:bad options (unknown format)"})
final class ParseCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "NAME",
            description = "The upstream model's name; with --format auto it picks the model family's format.")
    String model;

    @Option(names = "--format", paramLabel = "NAME", defaultValue = FormatRegistry.AUTO,
            completionCandidates = FormatNames.class,
            description = "The tool-call format: ${COMPLETION-CANDIDATES}. auto: the --model family's format, "
                    + "else recognised from the first call (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--tools", paramLabel = "FILE",
            description = "A JSON array of Anthropic tool definitions (name, input_schema), as in a request.")
    Path tools;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where the raw output is read from; a test sets its own. */
    InputStream in = System.in;

    @Override
    public Integer call() {
        ToolCallFormat chosen;
        try {
            chosen = FormatRegistry.choose(format, model);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter err = spec.commandLine().getErr();
        List<Tool> offered;
        String raw;
        try {
            offered = tools == null ? null : readTools(tools);
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (BadInput e) {
            err.println("anyclaude parse: " + e.getMessage());
            err.flush();
            return 1;
        } catch (IOException e) {
            err.println("anyclaude parse: cannot read the model output from stdin: " + e.getMessage());
            err.flush();
            return 1;
        }
        int[] next = {0};
        ObjectNode message = RawOutput.message(chosen, offered, () -> String.format("toolu_parse_%02d", ++next[0]),
                List.of(new ModelEvent.TextDelta(raw), new ModelEvent.Finish(StopReason.END_TURN, null)));
        PrintWriter out = spec.commandLine().getOut();
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(message.get("content")));
        out.flush();
        return 0;
    }

    private static List<Tool> readTools(Path file) throws BadInput {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new BadInput("cannot read the tools file " + file + ": " + e);
        }
        JsonNode node;
        try {
            node = Json.parse(text);
        } catch (JacksonException e) {
            throw new BadInput("the tools file " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!node.isArray()) {
            throw new BadInput("the tools file " + file + " must hold a JSON array of tool definitions");
        }
        List<Tool> list = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode tool = node.get(i);
            JsonNode name = tool.get("name");
            if (!tool.isObject() || name == null || !name.isString() || name.stringValue().isBlank()) {
                throw new BadInput("the tools file " + file + ": tool " + i + " is not an object with a name");
            }
            JsonNode schema = tool.get("input_schema");
            if (schema != null && !schema.isNull() && !schema.isObject()) {
                throw new BadInput("the tools file " + file + ": the input_schema of " + name.stringValue()
                        + " is not an object");
            }
            JsonNode type = tool.get("type");
            JsonNode description = tool.get("description");
            list.add(new Tool(name.stringValue(), description != null && description.isString()
                    ? description.stringValue() : null, schema == null || schema.isNull() ? null : schema,
                    type != null && type.isString() ? type.stringValue() : null, false, (ObjectNode) tool));
        }
        return list;
    }

    /** Input that cannot be used; the message says what and where. */
    private static final class BadInput extends Exception {
        BadInput(String message) {
            super(message);
        }
    }

    /** The format names for the help text. */
    static final class FormatNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FormatRegistry.names().iterator();
        }
    }
}
