package dev.anyclaude.cli;

import dev.anyclaude.config.RcFile;
import dev.anyclaude.config.RcLocations;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import tools.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code .anyclauderc.json} as picocli defaults: every option of every command has a field, its longest
 * name in camelCase ({@code --base-url} → {@code baseUrl}, {@code --max-body-size} → {@code maxBodySize}),
 * so options added later are covered without a line here. A value given on the command line wins over
 * the files; the working directory's file wins over the home directory's (see {@link RcLocations}); an
 * explicit {@code --config FILE} (an option of every command) is read instead of both.
 *
 * <p>Values are JSON strings, numbers and booleans, typed as the option is (a duration may be
 * {@code "90s"} or a number of seconds); a repeatable option takes an array, and a later file's array
 * replaces an earlier one's. {@code null} removes what an earlier file set. Fields beyond the flags:
 * {@code description} (free text), {@code models} (an object {@code {opus, sonnet, haiku, default}}, the
 * same as {@code opusModel}, {@code sonnetModel}, {@code haikuModel}, {@code model}), and
 * {@code modelPath} and {@code serverScript}, which are accepted (and ignored) where the command has no
 * such option. Anything else is an error naming the file, the field and the closest known name.
 *
 * <p>Files are read on the first default asked for, after the command line was parsed (picocli applies
 * defaults last), so {@code --config} is known by then. Errors are {@link CommandLine.ParameterException}s:
 * picocli prints them and exits with status 2.
 */
final class RcDefaults implements CommandLine.IDefaultValueProvider {

    /**
     * The split regex every repeatable option declares ({@code split = RcDefaults.LIST_SPLIT,
     * splitSynopsisLabel = ""}): picocli gives a provider one string per option, so an array from the file
     * is joined with this character (unit separator), which no command-line value contains. The regex is
     * the character itself: picocli leaves a whitespace split out of the usage synopsis.
     */
    static final String LIST_SPLIT = "\u001F";
    private static final String LIST_SEPARATOR = LIST_SPLIT;

    static final String CONFIG_OPTION = "--config";
    static final String DESCRIPTION = "description";
    static final String MODELS = "models";
    /** Launcher fields, accepted by every command so that one file serves them all. */
    static final Set<String> LAUNCHER_FIELDS = Set.of("modelPath", "serverScript");
    /** {@code models} keys and the fields they stand for. */
    static final Map<String, String> MODELS_KEYS = orderedMap("opus", "opusModel", "sonnet", "sonnetModel",
            "haiku", "haikuModel", "default", "model");
    /** Names from other tools' files that mean something else here. */
    private static final Map<String, String> HINTS = Map.of(
            "backend", "did you mean \"mode\"?",
            "apiKey", "keys are never stored in the file: put the key in an environment variable and name it with \"apiKeyEnv\"");

    private final RcLocations locations;
    private final Map<String, Loaded> loaded = new HashMap<>();
    private Loaded last;

    RcDefaults(RcLocations locations) {
        this.locations = locations;
    }

    /** Adds {@code --config FILE} to {@code root} and all its subcommands and makes the files their defaults. */
    static CommandLine install(CommandLine root, RcLocations locations) {
        root.getCommandSpec().addOption(OptionSpec.builder(CONFIG_OPTION)
                .paramLabel("FILE")
                .type(String.class)
                .scopeType(CommandLine.ScopeType.INHERIT)
                .description("Read settings from FILE only, instead of ~/" + RcFile.NAME + " and ./" + RcFile.NAME
                        + " (docs/CONFIG.md).")
                .build());
        root.setDefaultValueProvider(new RcDefaults(locations));
        return root;
    }

    /** Where the files are looked for; its home is the anyclaude home. */
    RcLocations locations() {
        return locations;
    }

    /** The provider of {@code spec}'s command line, or null when it has none. */
    static RcDefaults of(CommandSpec spec) {
        return spec.commandLine() != null && spec.commandLine().getDefaultValueProvider() instanceof RcDefaults rc
                ? rc : null;
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option) || !hasField(option)) {
            return null;
        }
        Loaded files = load(arg.command());
        Setting setting = files.settings.get(fieldName(option));
        boolean expanded = arg.command() == null || arg.command().interpolateVariables();
        return setting == null ? null : text(setting.value, expanded);
    }

    /** The files read for the last command, lowest precedence first (empty before any was asked for). */
    List<Path> sources() {
        return last == null ? List.of() : last.files;
    }

    /** Where the value of {@code field} came from, or null when no file set it. */
    Path sourceOf(String field) {
        Setting setting = last == null ? null : last.settings.get(field);
        return setting == null ? null : setting.file;
    }

    /** The field of an option: its longest name in camelCase. */
    static String fieldName(OptionSpec option) {
        String name = option.longestName().replaceFirst("^-+", "");
        StringBuilder field = new StringBuilder(name.length());
        boolean upper = false;
        for (char c : name.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = !field.isEmpty();
            } else {
                field.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return field.toString();
    }

    /** Help, version and {@code --config} itself have no field. */
    static boolean hasField(OptionSpec option) {
        return !option.usageHelp() && !option.versionHelp() && !option.longestName().equals(CONFIG_OPTION);
    }

    // ---- loading ---------------------------------------------------------------------------------------

    private record Setting(JsonNode value, Path file) {
    }

    private record Loaded(List<Path> files, Map<String, Setting> settings) {
    }

    private Loaded load(CommandSpec command) {
        OptionSpec configOption = command.findOption(CONFIG_OPTION);
        String explicit = configOption == null ? null : configOption.getValue();
        Loaded files = loaded.get(explicit);
        if (files == null) {
            try {
                files = read(explicit, fieldOptions(command.root()));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(command.commandLine(), e.getMessage(), e);
            }
            loaded.put(explicit, files);
        }
        last = files;
        return files;
    }

    private Loaded read(String explicit, Map<String, List<OptionSpec>> options) {
        List<Path> paths = locations.files(explicit);
        Map<String, Setting> merged = new LinkedHashMap<>();
        for (Path path : paths) {
            for (Map.Entry<String, JsonNode> field : check(RcFile.read(path), options).entrySet()) {
                if (field.getValue().isNull()) {
                    merged.remove(field.getKey());
                } else {
                    merged.put(field.getKey(), new Setting(field.getValue(), path));
                }
            }
        }
        return new Loaded(List.copyOf(paths), merged);
    }

    /** Every option with a field in the command tree under {@code root}, by field name. */
    static Map<String, List<OptionSpec>> fieldOptions(CommandSpec root) {
        Map<String, List<OptionSpec>> byField = new LinkedHashMap<>();
        for (CommandSpec command : commands(root)) {
            for (OptionSpec option : command.options()) {
                if (hasField(option)) {
                    byField.computeIfAbsent(fieldName(option), k -> new ArrayList<>()).add(option);
                }
            }
        }
        return byField;
    }

    /** {@code root} and every command under it, each once (aliases name the same command). */
    static List<CommandSpec> commands(CommandSpec root) {
        List<CommandSpec> all = new ArrayList<>();
        java.util.ArrayDeque<CommandSpec> todo = new java.util.ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            CommandSpec command = todo.removeFirst();
            if (all.stream().noneMatch(c -> c == command)) {
                all.add(command);
                command.subcommands().values().forEach(sub -> todo.addLast(sub.getCommandSpec()));
            }
        }
        return all;
    }

    /**
     * The file's settings, checked: {@code models} expanded into its fields, every other field known and of
     * its option's type.
     */
    private static Map<String, JsonNode> check(RcFile file, Map<String, List<OptionSpec>> options) {
        Map<String, JsonNode> settings = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : file.fields().entrySet()) {
            String field = entry.getKey();
            JsonNode value = entry.getValue();
            if (field.equals(MODELS)) {
                expandModels(file, value, settings);
                continue;
            }
            if (field.equals(DESCRIPTION) && !options.containsKey(field)) {
                if (!value.isString() && !value.isNull()) {
                    throw typeError(file, field, value, "a string");
                }
                continue;
            }
            List<OptionSpec> owners = options.get(field);
            if (owners == null) {
                if (!LAUNCHER_FIELDS.contains(field)) {
                    throw unknown(file, field, options.keySet());
                }
                if (!value.isString() && !value.isNull()) {
                    throw typeError(file, field, value, "a string");
                }
                settings.put(field, value);
                continue;
            }
            if (!value.isNull()) {
                for (OptionSpec option : owners) {
                    checkValue(file, field, value, option);
                }
            }
            settings.put(field, value);
        }
        return settings;
    }

    private static void expandModels(RcFile file, JsonNode models, Map<String, JsonNode> settings) {
        if (models.isNull()) {
            return;
        }
        if (!models.isObject()) {
            throw typeError(file, MODELS, models, "an object such as {\"opus\": \"...\", \"sonnet\": \"...\", "
                    + "\"haiku\": \"...\", \"default\": \"...\"}");
        }
        for (Map.Entry<String, JsonNode> entry : models.properties()) {
            String key = entry.getKey();
            String field = MODELS_KEYS.get(key);
            if (field == null) {
                String close = RcFile.closest(key, MODELS_KEYS.keySet());
                throw new IllegalArgumentException(file.path() + ": unknown field \"" + MODELS + "." + key + "\""
                        + (close == null ? "" : "; did you mean \"" + MODELS + "." + close + "\"?")
                        + " (the keys are " + String.join(", ", MODELS_KEYS.keySet()) + ")");
            }
            JsonNode value = entry.getValue();
            if (!value.isString() && !value.isNull()) {
                throw typeError(file, MODELS + "." + key, value, "a string (an upstream model name)");
            }
            if (file.fields().containsKey(field)) {
                throw new IllegalArgumentException(file.path() + ": \"" + field + "\" and \"" + MODELS + "." + key
                        + "\" are the same setting; keep one");
            }
            settings.put(field, value);
        }
    }

    private static void checkValue(RcFile file, String field, JsonNode value, OptionSpec option) {
        if (option.isMultiValue()) {
            Class<?> element = option.auxiliaryTypes().length > 0 ? option.auxiliaryTypes()[0] : String.class;
            if (value.isArray()) {
                if (value.size() > 1 && option.splitRegex().isEmpty()) {
                    throw new IllegalArgumentException(file.path() + ": field \"" + field
                            + "\" takes one value here (its option " + option.longestName() + " declares no list split)");
                }
                for (JsonNode item : value) {
                    checkScalar(file, field, item, option, element, true);
                }
                return;
            }
            checkScalar(file, field, value, option, element, true);
            return;
        }
        checkScalar(file, field, value, option, option.type(), false);
    }

    private static void checkScalar(RcFile file, String field, JsonNode value, OptionSpec option, Class<?> type,
                                    boolean list) {
        String orList = list ? ", or an array of them" : "";
        if (type == boolean.class || type == Boolean.class) {
            if (!value.isBoolean()) {
                throw typeError(file, field, value, "true or false" + orList);
            }
            return;
        }
        if (option.converters().length > 0) {
            if (!value.isString() && !value.isNumber()) {
                throw typeError(file, field, value, "a string" + orList);
            }
            try {
                option.converters()[0].convert(value.asString());
            } catch (Exception e) {
                throw new IllegalArgumentException(file.path() + ": field \"" + field + "\": " + e.getMessage(), e);
            }
            return;
        }
        if (type.isEnum()) {
            List<String> names = Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).toList();
            if (!value.isString() || names.stream().noneMatch(n -> n.equalsIgnoreCase(value.asString()))) {
                throw typeError(file, field, value, "one of " + names.stream()
                        .map(n -> "\"" + n.toLowerCase(Locale.ROOT) + "\"").collect(Collectors.joining(", ")) + orList);
            }
            return;
        }
        if (type == int.class || type == Integer.class || type == short.class || type == Short.class
                || type == byte.class || type == Byte.class) {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw typeError(file, field, value, "a whole number" + orList);
            }
            return;
        }
        if (type == long.class || type == Long.class) {
            if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                throw typeError(file, field, value, "a whole number" + orList);
            }
            return;
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            if (!value.isNumber()) {
                throw typeError(file, field, value, "a number" + orList);
            }
            return;
        }
        if (!value.isString()) {
            throw typeError(file, field, value, "a string" + orList);
        }
    }

    private static IllegalArgumentException typeError(RcFile file, String field, JsonNode value, String expected) {
        String shown = value.isContainer() ? "" : " " + abbreviate(value.toString());
        return new IllegalArgumentException(file.path() + ": field \"" + field + "\" must be " + expected + ", got"
                + shown + " (" + RcFile.describe(value) + ")");
    }

    private static IllegalArgumentException unknown(RcFile file, String field, Set<String> optionFields) {
        Set<String> known = new TreeSet<>(optionFields);
        known.add(DESCRIPTION);
        known.add(MODELS);
        known.addAll(LAUNCHER_FIELDS);
        String close = RcFile.closest(field, known);
        String hint = HINTS.containsKey(field) ? HINTS.get(field)
                : close != null ? "did you mean \"" + close + "\"?"
                : "every flag is a field, its long name in camelCase (--base-url is \"baseUrl\"); "
                        + "the fields are listed in docs/CONFIG.md";
        return new IllegalArgumentException(file.path() + ": unknown field \"" + field + "\"; " + hint);
    }

    /**
     * The value as picocli takes it from a provider: one string, an array joined with the list separator.
     * Picocli expands {@code ${...}} in provided values (an unset variable becoming "null") and then reads
     * {@code $$} as one {@code $}, when the command expands variables ({@code expanded}); the file's values
     * are meant literally, so each {@code $} is then doubled.
     */
    private static String text(JsonNode value, boolean expanded) {
        String text;
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asString()));
            text = String.join(LIST_SEPARATOR, items);
        } else {
            text = value.asString();
        }
        return expanded ? text.replace("$", "$$") : text;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static Map<String, String> orderedMap(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(map);
    }
}
