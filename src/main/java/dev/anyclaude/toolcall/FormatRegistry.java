package dev.anyclaude.toolcall;

import dev.anyclaude.api.BoundedMemo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Every tool-call format by name, the format a model family writes (by the upstream model's name), and
 * the two that are not families: {@code auto} (recognise the format from the first call, see
 * {@link AutoFormat}) and {@code none} (no recovery: text passes untouched).
 */
public final class FormatRegistry {
    public static final String AUTO = "auto";
    public static final String NONE = "none";

    /**
     * The families, in order of precedence for {@code auto}: where two claim the same text, the earlier
     * one wins.
     */
    private static final List<ToolCallFormat> FORMATS = List.of(
            // <tool_call>, told apart by what follows: <function= | { | NAME<arg_key> | [
            new Qwen3CoderFormat(),
            new HermesFormat(),
            new Glm45Format(),
            new Glm47Format(),
            new GraniteFormat(),
            new XlamFormat(),
            // [TOOL_CALLS]
            new MistralFormat(),
            // special-token families
            new HarmonyFormat(),
            new KimiK2Format(),
            new DeepSeekV31Format(),
            new DeepSeekV3Format(),
            DeepSeekV3Format.startingInReasoning(),
            new DeepSeekV32Format(),
            new MiniMaxM2Format(),
            new SeedOssFormat(),
            new CommandFormat(),
            new ToolCallsArrayFormat(),
            new NemotronFormat(),
            new Gemma4Format(),
            new FunctionGemmaFormat(),
            new Lfm2Format(),
            new PythonicFormat(),
            new Llama3JsonFormat(),
            new Phi4MiniFormat());

    /**
     * Model-name patterns (case-insensitive, found anywhere in the name, so {@code org/Model-GGUF:Q4}
     * works), first match wins: specific names before the families they belong to, and a model's own
     * family before the family it was distilled onto ({@code DeepSeek-R1-Distill-Qwen} writes DeepSeek).
     */
    private static final List<ModelPattern> MODELS = List.of(
            model("deepseek.*v3\\.1", "deepseek-v31"),
            model("deepseek.*v3\\.2|deepseek.*v4", "deepseek-v32"),
            // R1's template opens <think>: its output begins inside reasoning (an output that never closes
            // it is still delivered as the answer)
            model("deepseek.*r1", "deepseek-r1"),
            model("deepseek", "deepseek-v3"),
            model("qwen3-coder|qwen3\\.5|qwen3\\.6|nemotron-3|step-?3\\.5", "qwen3-coder"),
            model("qwen2\\.5|qwen3|qwq|hermes|granite-?4", "hermes"),
            model("gpt-oss", "harmony"),
            model("functiongemma", "functiongemma"),
            model("xlam", "xlam"),
            model("nemotron", "nemotron"),
            model("llama-?3", "llama3-json"),
            model("llama-?4", "pythonic"),
            model("mistral|devstral|magistral|ministral|mixtral", "mistral"),
            model("kimi", "kimi-k2"),
            model("glm-4\\.[56]", "glm45"),
            model("glm-4\\.7|glm-5", "glm47"),
            model("minimax", "minimax-m2"),
            model("granite", "granite"),
            model("phi-4", "phi4-mini"),
            model("command", "command"),
            model("jamba|hunyuan", "tool-calls-array"),
            model("lfm2", "lfm2"),
            model("gemma-?4", "gemma4"),
            model("seed-oss", "seed-oss"));

    private static final ToolCallFormat AUTO_FORMAT = new AutoFormat(FORMATS);
    private static final ToolCallFormat NONE_FORMAT = new NoRecovery();

    private FormatRegistry() {
    }

    /** The family formats, in order of precedence. */
    public static List<ToolCallFormat> formats() {
        return FORMATS;
    }

    /** Every name {@link #byName} knows: the families, then {@code auto} and {@code none}. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        FORMATS.forEach(format -> names.add(format.name()));
        names.add(AUTO);
        names.add(NONE);
        return names;
    }

    /** A format by its configuration name (case-insensitive), {@code auto} and {@code none} included. */
    public static Optional<ToolCallFormat> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String wanted = name.strip().toLowerCase(Locale.ROOT);
        if (wanted.equals(AUTO)) {
            return Optional.of(AUTO_FORMAT);
        }
        if (wanted.equals(NONE)) {
            return Optional.of(NONE_FORMAT);
        }
        return FORMATS.stream().filter(format -> format.name().equals(wanted)).findFirst();
    }

    /** The format the model family writes, when the name says which family and that format exists. */
    public static Optional<ToolCallFormat> forModel(String upstreamModelName) {
        return formatNameForModel(upstreamModelName).flatMap(FormatRegistry::byName);
    }

    /**
     * What the patterns gave for the model names seen (a gateway sees a handful): matching every pattern against
     * the name was a few microseconds of each request's way to its first token.
     */
    private static final BoundedMemo<String, Optional<String>> BY_MODEL = new BoundedMemo<>(256);
    /** Names longer than this (an upstream's own text) are matched each time rather than kept. */
    private static final int BY_MODEL_MAX_CHARS = 256;

    /** The format name the model-name patterns give, whether or not that format is registered. */
    static Optional<String> formatNameForModel(String upstreamModelName) {
        if (upstreamModelName == null) {
            return Optional.empty();
        }
        if (upstreamModelName.length() > BY_MODEL_MAX_CHARS) {
            return matchModel(upstreamModelName);
        }
        return BY_MODEL.get(upstreamModelName, FormatRegistry::matchModel);
    }

    private static Optional<String> matchModel(String upstreamModelName) {
        for (ModelPattern pattern : MODELS) {
            if (pattern.pattern().matcher(upstreamModelName).find()) {
                return Optional.of(pattern.format());
            }
        }
        return Optional.empty();
    }

    /**
     * The format for one request. {@code configured} is a format name, {@code none}, or {@code auto}:
     * the model's family format when the name tells it, else recognition from the first call.
     *
     * @throws IllegalArgumentException for a name that is no format
     */
    public static ToolCallFormat choose(String configured, String upstreamModelName) {
        ToolCallFormat format = byName(configured == null ? AUTO : configured).orElseThrow(() ->
                new IllegalArgumentException("unknown tool-call format '" + configured + "'; known: "
                        + String.join(", ", names())));
        if (format == AUTO_FORMAT) {
            return forModel(upstreamModelName).orElse(AUTO_FORMAT);
        }
        return format;
    }

    /** {@code auto}. */
    public static ToolCallFormat auto() {
        return AUTO_FORMAT;
    }

    /** {@code none}. */
    public static ToolCallFormat none() {
        return NONE_FORMAT;
    }

    private static ModelPattern model(String regex, String format) {
        return new ModelPattern(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), format);
    }

    private record ModelPattern(Pattern pattern, String format) {
    }

    /** {@code none}: text and reasoning pass untouched, nothing is held back. */
    private static final class NoRecovery implements ToolCallFormat, FormatParser {
        @Override
        public String name() {
            return NONE;
        }

        @Override
        public FormatParser newParser() {
            return this; // stateless
        }

        @Override
        public List<String> openers() {
            return List.of();
        }

        @Override
        public Claim claims(String fromOpener) {
            return Claim.NO;
        }

        @Override
        public void feed(String text, Consumer<Piece> out) {
            if (!text.isEmpty()) {
                out.accept(new Piece.Text(text));
            }
        }

        @Override
        public void finish(Consumer<Piece> out) {
        }
    }
}
