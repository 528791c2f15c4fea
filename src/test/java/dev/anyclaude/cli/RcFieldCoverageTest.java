package dev.anyclaude.cli;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.RcLocations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every option of every command has a {@code .anyclauderc.json} field that sets it: the test walks the
 * picocli model, so an option added later is covered (or fails here) without anyone listing it.
 */
class RcFieldCoverageTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @TempDir
    Path temp;

    private CommandLine commandLine(Path home, Path work) {
        return Main.commandLine(new RcLocations(home, work));
    }

    @Test
    void serveHasAFieldForEachOfItsFlags() {
        CommandSpec serve = Main.commandLine(new RcLocations(temp, temp)).getSubcommands().get("serve").getCommandSpec();

        List<String> fields = serve.options().stream().filter(RcDefaults::hasField).map(RcDefaults::fieldName).toList();

        assertThat(fields).contains("mode", "baseUrl", "protocol", "apiKeyEnv", "model", "opusModel", "sonnetModel",
                "haikuModel", "flavor", "port", "host", "maxBodySize", "firstTokenTimeout", "fallback",
                "loopMaxIdenticalToolCalls");
        assertThat(fields).doesNotContain("help", "version", "config");
    }

    @Test
    void everyOptionOfEveryCommandIsSetByItsField() throws IOException {
        CommandLine root = commandLine(temp, temp);
        List<String> checked = new ArrayList<>();
        for (CommandSpec command : RcDefaults.commands(root.getCommandSpec())) {
            List<String> path = path(command);
            for (OptionSpec option : command.options()) {
                if (!RcDefaults.hasField(option)) {
                    continue;
                }
                String field = RcDefaults.fieldName(option);
                Object builtIn = valueAfterParsing(path, option, null, List.of());
                JsonNode sample = sample(option, builtIn);
                Object fromFile = valueAfterParsing(path, option, sample, List.of());
                Object fromFlags = valueAfterParsing(path, option, null, flags(option, sample));

                assertThat(fromFile).as("%s %s from the field \"%s\": %s", path, option.longestName(), field, sample)
                        .isEqualTo(fromFlags)
                        .isNotEqualTo(builtIn);
                checked.add(String.join(" ", path) + " " + option.longestName());
            }
        }
        assertThat(checked).contains("anyclaude serve --base-url", "anyclaude serve --fallback",
                "anyclaude parse --tools");
    }

    @Test
    void theConfigurationPageDocumentsEveryFieldOfServeAndParse() throws IOException {
        String page = Files.readString(Path.of("docs", "CONFIG.md"));
        CommandLine root = commandLine(temp, temp);
        for (String name : List.of("serve", "parse")) {
            for (OptionSpec option : root.getSubcommands().get(name).getCommandSpec().options()) {
                if (RcDefaults.hasField(option)) {
                    assertThat(page).as("docs/CONFIG.md documents %s %s", name, option.longestName())
                            .contains("`" + RcDefaults.fieldName(option) + "`");
                }
            }
        }
        for (String extra : List.of("description", "models", "modelPath", "serverScript")) {
            assertThat(page).contains("`" + extra + "`");
        }
    }

    @Test
    void everyRepeatableOptionSplitsTheFilesArray() {
        CommandLine root = commandLine(temp, temp);
        for (CommandSpec command : RcDefaults.commands(root.getCommandSpec())) {
            for (OptionSpec option : command.options()) {
                if (RcDefaults.hasField(option) && option.isMultiValue()) {
                    assertThat(option.splitRegex())
                            .as("%s %s: declare split = RcDefaults.LIST_SPLIT, splitSynopsisLabel = \"\" so "
                                    + "that an array in .anyclauderc.json reaches it", command.qualifiedName(),
                                    option.longestName())
                            .isEqualTo(RcDefaults.LIST_SPLIT);
                }
            }
        }
    }

    /** The option's value after parsing {@code path} and {@code flags} with {@code field} (if any) in the working directory's file. */
    private Object valueAfterParsing(List<String> path, OptionSpec option, JsonNode value, List<String> flags)
            throws IOException {
        Path dir = Files.createTempDirectory(temp, "rc");
        if (value != null) {
            ObjectNode file = NODES.objectNode();
            file.set(RcDefaults.fieldName(option), value);
            Files.writeString(dir.resolve(".anyclauderc.json"), Json.string(file));
        }
        CommandLine cli = commandLine(temp.resolve("no-home"), dir);
        List<String> args = new ArrayList<>(path.subList(1, path.size()));
        args.addAll(flags);
        CommandLine.ParseResult result = cli.parseArgs(args.toArray(String[]::new));
        while (result.hasSubcommand()) {
            result = result.subcommand();
        }
        return result.commandSpec().findOption(option.longestName()).getValue();
    }

    private static List<String> path(CommandSpec command) {
        List<String> names = new ArrayList<>();
        for (CommandSpec c = command; c != null; c = c.parent()) {
            names.addFirst(c.name());
        }
        return names;
    }

    /** The flags that say what {@code sample} says. */
    private static List<String> flags(OptionSpec option, JsonNode sample) {
        List<String> flags = new ArrayList<>();
        List<JsonNode> items = new ArrayList<>();
        if (sample.isArray()) {
            sample.forEach(items::add);
        } else {
            items.add(sample);
        }
        for (JsonNode item : items) {
            flags.add(option.longestName());
            if (!(item.isBoolean() && option.arity().max() == 0)) {
                flags.add(item.asString());
            }
        }
        return flags;
    }

    /** A value of the option's type that differs from its built-in default. */
    private static JsonNode sample(OptionSpec option, Object builtIn) {
        if (option.isMultiValue()) {
            ArrayNode items = NODES.arrayNode();
            Class<?> element = option.auxiliaryTypes().length > 0 ? option.auxiliaryTypes()[0] : String.class;
            items.add(scalar(option, element, null, "a"));
            items.add(scalar(option, element, null, "b"));
            return items;
        }
        return scalar(option, option.type(), builtIn, "");
    }

    private static JsonNode scalar(OptionSpec option, Class<?> type, Object builtIn, String tag) {
        if (type == boolean.class || type == Boolean.class) {
            return NODES.booleanNode(!Boolean.TRUE.equals(builtIn));
        }
        if (option.converters().length > 0) {
            for (String candidate : List.of("7s", "7m", "7", "ollama", "sample" + tag)) {
                try {
                    Object converted = option.converters()[0].convert(candidate);
                    if (!Objects.equals(converted, builtIn)) {
                        return NODES.stringNode(candidate);
                    }
                } catch (Exception notThisOne) {
                    // try the next
                }
            }
            throw new AssertionError(option.longestName() + ": no sample value converts; add one to this test");
        }
        if (type.isEnum()) {
            for (Object constant : type.getEnumConstants()) {
                if (!constant.equals(builtIn)) {
                    return NODES.stringNode(((Enum<?>) constant).name().toLowerCase(java.util.Locale.ROOT));
                }
            }
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return NODES.numberNode(Objects.equals(builtIn, 7) || Objects.equals(builtIn, 7L) ? 8 : 7);
        }
        if (type == double.class || type == Double.class) {
            return NODES.numberNode(7.5);
        }
        return NODES.stringNode("sample-" + RcDefaults.fieldName(option) + tag);
    }
}
