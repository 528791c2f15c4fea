package dev.anyclaude.openai;

import java.util.List;
import java.util.Locale;

/**
 * Prints the prefix-stability figures of docs/PREFIX_STABILITY.md: every replayed Claude Code session
 * ({@link ClaudeCodeSessions}) mapped for each backend flavor, measured by {@link PrefixMeter}. Run with
 * {@code scripts/measure-prefix} (arguments: flavors for the per-step tables, default {@code llamacpp}).
 */
public final class PrefixStabilityReport {

    private PrefixStabilityReport() {
    }

    public static void main(String[] args) {
        List<OpenAiFlavor> detailed = args.length == 0 ? List.of(OpenAiFlavor.LLAMACPP)
                : java.util.Arrays.stream(args).map(a -> OpenAiFlavor.resolve(a, null)).toList();
        List<ClaudeCodeSessions.Session> sessions = ClaudeCodeSessions.all();
        for (OpenAiFlavor flavor : detailed) {
            System.out.println("### Per step, " + name(flavor) + "\n");
            System.out.println("| session | step | turn k+1 prompt bytes | common prefix | share | best possible | "
                    + "body prefix | first difference | passthrough share |");
            System.out.println("|---|---|---:|---:|---:|---:|---|---|---:|");
            for (ClaudeCodeSessions.Session session : sessions) {
                for (PrefixMeter.Step step : PrefixMeter.measure(session, flavor)) {
                    System.out.printf(Locale.ROOT, "| %s | %d→%d | %d | %d | %s | %s | %s | %s | %s |%n",
                            session.name(), step.from(), step.from() + 1, step.prompt(), step.common(),
                            percent(step.share()), percent(step.ideal()), step.bodyPrefix() ? "yes" : "**no**",
                            step.firstDifference() == null ? "—" : "`" + step.firstDifference() + "`",
                            percent(step.passthrough().share()));
                }
            }
            System.out.println();
        }
        System.out.println("### All flavors, all steps\n");
        System.out.println("| flavor | steps | body prefix holds | append-only prompt | share of turn k+1 "
                + "(all bytes) | best possible | passthrough |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        for (OpenAiFlavor flavor : OpenAiFlavor.values()) {
            int steps = 0;
            int bodyPrefix = 0;
            int appendOnly = 0;
            long prompt = 0;
            long common = 0;
            long best = 0;
            long rawPrompt = 0;
            long rawCommon = 0;
            for (ClaudeCodeSessions.Session session : sessions) {
                for (PrefixMeter.Step step : PrefixMeter.measure(session, flavor)) {
                    steps++;
                    bodyPrefix += step.bodyPrefix() ? 1 : 0;
                    appendOnly += step.appendOnly() ? 1 : 0;
                    prompt += step.prompt();
                    common += step.common();
                    best += Math.min(step.previousPrompt(), step.prompt());
                    rawPrompt += step.passthrough().prompt();
                    rawCommon += step.passthrough().common();
                }
            }
            System.out.printf(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s |%n", name(flavor), steps, bodyPrefix,
                    appendOnly, percent((double) common / prompt), percent((double) best / prompt),
                    percent((double) rawCommon / rawPrompt));
        }
    }

    private static String name(OpenAiFlavor flavor) {
        return flavor.name().toLowerCase(Locale.ROOT);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }
}
