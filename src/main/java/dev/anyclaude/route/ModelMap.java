package dev.anyclaude.route;

import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.TierModels;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which upstream model a client's model name asks for. Claude Code sends Claude names (its main model,
 * {@code claude-sonnet-5} for the auto-mode classifier, the small/fast model for titles), or whatever id
 * the user picked with {@code /model} or {@code ANTHROPIC_MODEL}. The rules, in order:
 * <ol>
 *   <li>A trailing bracketed suffix such as {@code [1m]} is dropped first: it is a client-side marker,
 *       never part of an upstream id.</li>
 *   <li>A Claude name of a tier — {@code claude-opus-*}, {@code claude-sonnet-*}, {@code claude-haiku-*},
 *       dated or not, the older {@code claude-3-5-sonnet-*} order, or the bare aliases {@code opus},
 *       {@code sonnet}, {@code haiku} — goes to that tier's model, else to the default model, else
 *       upstream unchanged.</li>
 *   <li>Any other Claude name ({@code claude-fable-5-2}, {@code claude-custom}) goes to the default model,
 *       else upstream unchanged.</li>
 *   <li>Every other name is an upstream id the user chose on purpose and goes upstream unchanged, whatever
 *       is configured: this is what makes {@code /model qwen3-coder:30b} switch models mid-session.</li>
 * </ol>
 * Immutable and thread-safe.
 */
public final class ModelMap {

    /** What kind of name a client sent. */
    public enum Tier {
        OPUS, SONNET, HAIKU,
        /** A Claude name of no known tier. */
        OTHER_CLAUDE,
        /** Not a Claude name: an upstream id. */
        UPSTREAM;

        /** For logs: {@code opus}, ..., {@code other claude}, {@code upstream id}. */
        public String label() {
            return switch (this) {
                case OPUS -> "opus";
                case SONNET -> "sonnet";
                case HAIKU -> "haiku";
                case OTHER_CLAUDE -> "other claude";
                case UPSTREAM -> "upstream id";
            };
        }
    }

    /**
     * One resolution.
     *
     * @param clientModel   the name the client sent
     * @param tier          what kind of name it is
     * @param upstreamModel the name sent upstream
     * @param rule          for logs: why ({@code "sonnet model"}, {@code "default model"}, {@code "unchanged"})
     */
    public record Mapping(String clientModel, Tier tier, String upstreamModel, String rule) {
    }

    private static final Pattern SUFFIX = Pattern.compile("\\s*\\[[^\\[\\]]*]\\s*$");
    private static final Pattern TIER_WORD = Pattern.compile("(?:^|[-_.@/])(opus|sonnet|haiku)(?=$|[-_.@/\\d])");

    private final String defaultModel;
    private final TierModels tiers;

    /**
     * @param defaultModel the model for Claude names without a tier model of their own, or null to forward them
     * @param tiers        the tier models; null for none
     */
    public ModelMap(String defaultModel, TierModels tiers) {
        this.defaultModel = defaultModel == null || defaultModel.isBlank() ? null : defaultModel.strip();
        this.tiers = tiers == null ? TierModels.NONE : tiers;
    }

    /** The mapping a gateway configuration describes: {@code model} as the default, its tier models. */
    public static ModelMap of(GatewayConfig config) {
        return new ModelMap(config.model(), config.tiers());
    }

    /** Where {@code clientModel} goes. */
    public Mapping map(String clientModel) {
        if (clientModel == null) {
            return new Mapping(null, Tier.UPSTREAM, defaultModel, defaultModel == null ? "unchanged" : "default model");
        }
        String name = withoutSuffix(clientModel);
        Tier tier = tierOf(name);
        String tierModel = switch (tier) {
            case OPUS -> tiers.opus();
            case SONNET -> tiers.sonnet();
            case HAIKU -> tiers.haiku();
            case OTHER_CLAUDE, UPSTREAM -> null;
        };
        if (tierModel != null) {
            return new Mapping(clientModel, tier, tierModel, tier.label() + " model");
        }
        if (tier != Tier.UPSTREAM && defaultModel != null) {
            return new Mapping(clientModel, tier, defaultModel, "default model");
        }
        return new Mapping(clientModel, tier, name, "unchanged");
    }

    /** The tier of a name (without its bracketed suffix). */
    public static Tier tierOf(String clientModel) {
        String name = withoutSuffix(clientModel).toLowerCase(Locale.ROOT);
        switch (name) {
            case "opus" -> {
                return Tier.OPUS;
            }
            case "sonnet" -> {
                return Tier.SONNET;
            }
            case "haiku" -> {
                return Tier.HAIKU;
            }
            default -> {
            }
        }
        if (!name.startsWith("claude-") && !name.startsWith("claude_")) {
            return Tier.UPSTREAM;
        }
        Matcher word = TIER_WORD.matcher(name);
        if (!word.find()) {
            return Tier.OTHER_CLAUDE;
        }
        return switch (word.group(1)) {
            case "opus" -> Tier.OPUS;
            case "sonnet" -> Tier.SONNET;
            default -> Tier.HAIKU;
        };
    }

    /** {@code my-model[1m]} → {@code my-model}. */
    static String withoutSuffix(String name) {
        return SUFFIX.matcher(name.strip()).replaceFirst("");
    }

    /** For the start-up line: {@code opus -> X, sonnet -> Y, haiku -> Z, other claude -> D, other names unchanged}. */
    public String describe() {
        String fallback = defaultModel == null ? "unchanged" : defaultModel;
        if (tiers.isEmpty()) {
            return defaultModel == null ? "client model names unchanged"
                    : "claude names -> " + defaultModel + ", other names unchanged";
        }
        return "opus -> " + or(tiers.opus(), fallback) + ", sonnet -> " + or(tiers.sonnet(), fallback)
                + ", haiku -> " + or(tiers.haiku(), fallback) + ", other claude -> " + fallback
                + ", other names unchanged";
    }

    private static String or(String value, String otherwise) {
        return value != null ? value : otherwise;
    }

    /** The default model, or null. */
    public String defaultModel() {
        return defaultModel;
    }

    public TierModels tiers() {
        return tiers;
    }
}
