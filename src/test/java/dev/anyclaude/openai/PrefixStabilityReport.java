package dev.anyclaude.openai;

import dev.anyclaude.api.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Prints the prefix-stability figures of docs/PREFIX_STABILITY.md: every replayed Claude Code session
 * ({@link ClaudeCodeSessions}) mapped for each backend flavor, measured by {@link PrefixMeter}. Run with
 * {@code scripts/measure-prefix/run.sh} (arguments: flavors for the per-step tables, default {@code llamacpp};
 * {@code --dump DIR} writes the first flavor's upstream bodies instead, for rendering with a chat template).
 */
public final class PrefixStabilityReport {

    private PrefixStabilityReport() {
    }

    public static void main(String[] args) throws IOException {
        List<String> flavorNames = new ArrayList<>();
        Path dump = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--dump") && i + 1 < args.length) {
                dump = Path.of(args[++i]);
            } else {
                flavorNames.add(args[i]);
            }
        }
        List<OpenAiFlavor> detailed = flavorNames.isEmpty() ? List.of(OpenAiFlavor.LLAMACPP)
                : flavorNames.stream().map(a -> OpenAiFlavor.resolve(a, null)).toList();
        List<ClaudeCodeSessions.Session> sessions = ClaudeCodeSessions.all();
        if (dump != null) {
            dump(sessions, detailed.getFirst(), dump);
            return;
        }
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

    /** Writes each session's upstream bodies as DIR/NN-session/NN.json, for rendering with a real chat template. */
    private static void dump(List<ClaudeCodeSessions.Session> sessions, OpenAiFlavor flavor, Path dir)
            throws IOException {
        for (int s = 0; s < sessions.size(); s++) {
            ClaudeCodeSessions.Session session = sessions.get(s);
            Path sessionDir = dir.resolve(String.format(Locale.ROOT, "%02d-%s", s + 1,
                    session.name().replaceAll("[^a-zA-Z0-9.-]+", "-")));
            Files.createDirectories(sessionDir);
            for (int t = 0; t < session.turns().size(); t++) {
                Files.write(sessionDir.resolve(String.format(Locale.ROOT, "%02d.json", t + 1)),
                        Json.bytes(PrefixMeter.upstream(session.turns().get(t), flavor)));
            }
        }
    }

    private static String name(OpenAiFlavor flavor) {
        return flavor.name().toLowerCase(Locale.ROOT);
    }

    private static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * share);
    }
}
