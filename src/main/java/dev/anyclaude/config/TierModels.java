package dev.anyclaude.config;

/**
 * Upstream models for Claude Code's model tiers. A null tier takes the gateway's default model
 * ({@link GatewayConfig#model()}); the haiku tier is also where Claude Code's background requests go once
 * it is told to send them with a haiku name.
 *
 * @param opus   for {@code claude-opus-*} and the alias {@code opus}, or null
 * @param sonnet for {@code claude-sonnet-*} and {@code sonnet} (also Claude Code's auto-mode classifier), or null
 * @param haiku  for {@code claude-haiku-*} and {@code haiku}, or null
 */
public record TierModels(String opus, String sonnet, String haiku) {
    public static final TierModels NONE = new TierModels(null, null, null);

    public TierModels {
        opus = blankToNull(opus);
        sonnet = blankToNull(sonnet);
        haiku = blankToNull(haiku);
    }

    public boolean isEmpty() {
        return opus == null && sonnet == null && haiku == null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
