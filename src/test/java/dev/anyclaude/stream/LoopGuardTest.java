package dev.anyclaude.stream;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.LoopGuard.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The loop guard over output written to look like the real thing, in both directions, however it is split. */
class LoopGuardTest {

    private static final ModelEvent END = new ModelEvent.Finish(StopReason.END_TURN, null);
    private static final ModelEvent CUT = new ModelEvent.Finish(StopReason.MAX_TOKENS, null);

    private static ModelEvent text(String text) {
        return new ModelEvent.TextDelta(text);
    }

    private static ModelEvent thinking(String text) {
        return new ModelEvent.ThinkingDelta(text);
    }

    private static ModelEvent.ToolCall call(String name, String json) {
        return new ModelEvent.ToolCall("toolu_" + json.hashCode(), name, json);
    }

    /** A guard, what it passed, and how often it tripped. */
    private static final class Run {
        final List<ModelEvent> out = new ArrayList<>();
        final LoopGuard guard;
        int trips;
        int passedWhenTripped = -1;

        Run(Limits limits, Long budget) {
            guard = new LoopGuard(limits, budget, () -> {
                trips++;
                passedWhenTripped = out.size();
            }, out::add);
        }

        Run() {
            this(Limits.DEFAULTS, null);
        }

        Run feed(ModelEvent... events) {
            for (ModelEvent event : events) {
                guard.accept(event);
            }
            return this;
        }

        String text() {
            StringBuilder all = new StringBuilder();
            out.stream().filter(ModelEvent.TextDelta.class::isInstance)
                    .forEach(e -> all.append(((ModelEvent.TextDelta) e).text()));
            return all.toString();
        }

        String thinking() {
            StringBuilder all = new StringBuilder();
            out.stream().filter(ModelEvent.ThinkingDelta.class::isInstance)
                    .forEach(e -> all.append(((ModelEvent.ThinkingDelta) e).text()));
            return all.toString();
        }

        long cuts() {
            return out.stream().filter(CUT::equals).count();
        }

        String reason() {
            return guard.tripReason().orElse(null);
        }
    }

    // ---- vectors ------------------------------------------------------------------------------------------

    /** An output in one channel; {@code reason} the start of the trip reason, null when it must pass. */
    record Vector(String name, String output, boolean inThinking, Long budget, String reason) {
        @Override
        public String toString() {
            return name;
        }

        ModelEvent delta(String part) {
            return inThinking ? thinking(part) : text(part);
        }
    }

    private static Vector passes(String name, String output) {
        return new Vector(name, output, false, null, null);
    }

    private static Vector trips(String name, String output, String reason) {
        return new Vector(name, output, false, null, reason);
    }

    static Stream<Vector> normal() {
        return Stream.of(
                passes("400-line Java bean", LoopVectors.javaBean()),
                passes("CSV rows differing by a number", LoopVectors.csv()),
                passes("markdown table", LoopVectors.markdownTable()),
                passes("JSON array of 300 similar objects", LoopVectors.jsonArray()),
                passes("separators and an array of 200 zeros", LoopVectors.separatorsAndZeros()),
                passes("test file of 50 near-identical assertions", LoopVectors.testFile()),
                passes("build log", LoopVectors.log()),
                passes("prose", LoopVectors.prose(new Random(7), 40_000)),
                passes("4000 newlines after an answer", "Done.\n" + "\n".repeat(4000)),
                passes("1900 dashes", "-".repeat(1900) + "\nend"),
                passes("all of it at once", LoopVectors.javaBean() + LoopVectors.csv() + LoopVectors.markdownTable()
                        + LoopVectors.jsonArray() + LoopVectors.separatorsAndZeros() + LoopVectors.testFile()
                        + LoopVectors.log()));
    }

    static Stream<Vector> degenerate() {
        return Stream.of(
                trips("paragraph 12 times", LoopVectors.paragraphLoop(), "the visible text repeats a 331-character"),
                trips("sentence 200 times", LoopVectors.sentenceLoop(), "the visible text repeats a 47-character"),
                trips("newlines forever", LoopVectors.newlinesForever(), "the visible text ends in 16"),
                trips("one token 2000 times", LoopVectors.tokenLoop(), "the visible text repeats a 4-character"),
                trips("3000 characters of ha", LoopVectors.laughter(), "the visible text repeats a 2-character"),
                trips("a line of code over and over", LoopVectors.codeLineLoop(),
                        "the visible text repeats a 17-character"),
                trips("a loop with emoji", LoopVectors.emojiLoop(), "the visible text repeats a 21-character"),
                new Vector("thinking that loops", "Hmm, the user wants a list. " + "Wait, let me reconsider. "
                        .repeat(300), true, null, "the thinking repeats a 25-character"),
                new Vector("prose past its budget", LoopVectors.prose(new Random(8), 20_000), false, 5_000L,
                        "the output passed its budget of 5000 characters"),
                new Vector("emoji past a budget that splits a pair", "✨🔁 ".repeat(500), false, 1_002L,
                        "the output passed its budget of 1002 characters"));
    }

    static Stream<Vector> all() {
        return Stream.concat(normal(), degenerate());
    }

    /** Feeds the output in the given pieces, then ends the turn. */
    private static Run feed(Vector vector, List<String> parts) {
        Run run = new Run(Limits.DEFAULTS, vector.budget());
        parts.forEach(part -> run.feed(vector.delta(part)));
        return run.feed(END);
    }

    private static List<String> whole(String output) {
        return List.of(output);
    }

    private static List<String> singles(String output) {
        List<String> parts = new ArrayList<>(output.length());
        for (int i = 0; i < output.length(); i++) {
            parts.add(output.substring(i, i + 1));
        }
        return parts;
    }

    /** Random pieces, mostly token-sized, now and then large enough to hold several checkpoints. */
    private static List<String> randomSplit(String output, long seed) {
        Random random = new Random(seed);
        List<String> parts = new ArrayList<>();
        int at = 0;
        while (at < output.length()) {
            int size = random.nextInt(10) == 0 ? 1 + random.nextInt(3000) : 1 + random.nextInt(8);
            int end = Math.min(output.length(), at + size);
            parts.add(output.substring(at, end));
            at = end;
        }
        return parts;
    }

    // ---- both directions ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("normal")
    void normalOutputThatRepeatsItselfPassesUntouched(Vector vector) {
        List<ModelEvent> events = randomSplit(vector.output(), 1).stream().map(vector::delta).toList();
        Run run = new Run();
        events.forEach(run::feed);
        run.feed(END);

        assertThat(run.reason()).isNull();
        assertThat(run.trips).isZero();
        assertThat(run.out).hasSize(events.size() + 1);
        for (int i = 0; i < events.size(); i++) {
            assertThat(run.out.get(i)).isSameAs(events.get(i));
        }
        assertThat(run.out.getLast()).isSameAs(END);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normal")
    void normalOutputPassesAsThinkingToo(Vector vector) {
        Run run = new Run().feed(thinking(vector.output()), END);

        assertThat(run.reason()).isNull();
        assertThat(run.thinking()).isEqualTo(vector.output());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("degenerate")
    void degenerateOutputTripsOnceAndEndsTheResponse(Vector vector) {
        Run run = feed(vector, randomSplit(vector.output(), 2));
        run.feed(text("more"), thinking("more"), call("Bash", "{}"), END,
                new ModelEvent.Failure(ApiError.overloaded("late")));

        assertThat(run.reason()).startsWith(vector.reason());
        assertThat(run.trips).isEqualTo(1);
        assertThat(run.cuts()).isEqualTo(1);
        assertThat(run.out.getLast()).isEqualTo(CUT);
        assertThat(run.passedWhenTripped).as("onTrip runs after the end was passed").isEqualTo(run.out.size());
        String passed = vector.inThinking() ? run.thinking() : run.text();
        assertThat(vector.output()).startsWith(passed);
        assertThat(passed.length()).isLessThan(vector.output().length());
    }

    @Test
    void aLoopIsSeenWithinACheckpointOfReachingTheSpan() {
        String intro = "Let me check. ";
        Run run = new Run().feed(text(LoopVectors.sentenceLoop()));

        assertThat(run.text().length()).isLessThanOrEqualTo(intro.length() + 2000 + LoopGuard.CHECK_EVERY);
        assertThat(run.reason()).isEqualTo("the visible text repeats a 47-character passage 43 times back to back "
                + "(\". I will now check the configuration file again\")");
    }

    @Test
    void theBudgetLetsTheOutputUpToItPass() {
        Vector prose = degenerate().filter(v -> v.name().equals("prose past its budget")).findFirst().orElseThrow();
        Run run = feed(prose, whole(prose.output()));

        assertThat(run.text()).isEqualTo(prose.output().substring(0, 5000));
    }

    @Test
    void theBudgetNeverSplitsASurrogatePair() {
        String output = "✨🔁 ".repeat(500);
        for (List<String> parts : List.of(whole(output), singles(output), randomSplit(output, 3))) {
            Run run = new Run(Limits.DEFAULTS, 1002L);
            parts.forEach(part -> run.feed(text(part)));

            // The budget ends between the halves of 🔁: the pair passes whole.
            assertThat(run.text()).hasSize(1003).endsWith("🔁");
        }
    }

    @Test
    void whitespaceAloneTripsOnlyAtEightTimesTheSpan() {
        Run run = new Run().feed(text("Done."), text(" \n".repeat(7_900)), text("Next."));
        assertThat(run.reason()).isNull();

        run.feed(text("\n".repeat(16_500)));
        assertThat(run.reason()).startsWith("the visible text ends in 16");
        assertThat(run.text().length()).isBetween(5 + 15_800 + 5 + 16_000, 5 + 15_800 + 5 + 16_000 + 256);
    }

    @Test
    void aLoopInOneChannelTripsWhateverTheOtherSaysBetween() {
        Run run = new Run();
        Random random = new Random(4);
        for (int i = 0; i < 200 && run.reason() == null; i++) {
            StringBuilder sentence = new StringBuilder();
            LoopVectors.appendSentence(sentence, random);
            run.feed(thinking(sentence.append(' ').toString()), text("Check again. "));
        }

        assertThat(run.reason()).startsWith("the visible text repeats a 13-character passage");
        assertThat(run.out.getLast()).isEqualTo(CUT);
        assertThat(run.trips).isEqualTo(1);
    }

    // ---- tool calls ---------------------------------------------------------------------------------------

    @Test
    void theFifthIdenticalToolCallTripsAndIsNotPassed() {
        List<ModelEvent.ToolCall> calls = List.of(
                call("Read", "{\"file_path\":\"/src/Main.java\",\"limit\":200}"),
                call("Read", "{ \"limit\": 200, \"file_path\": \"/src/Main.java\" }"),
                call("Read", "{\"file_path\":\"/src/Main.java\",\"limit\":200}"),
                call("Read", "{\"limit\":200,\n \"file_path\":\"/src/Main.java\"}"),
                call("Read", "{\"file_path\":\"/src/Main.java\",\"limit\":200}"));
        Run run = new Run();
        for (ModelEvent.ToolCall call : calls) {
            run.feed(text("Let me read the file again."), call);
        }
        run.feed(new ModelEvent.Finish(StopReason.TOOL_USE, null));

        assertThat(run.reason()).isEqualTo("the tool call Read came 5 times with the same input");
        assertThat(run.out.stream().filter(ModelEvent.ToolCall.class::isInstance).toList())
                .containsExactlyElementsOf(calls.subList(0, 4));
        assertThat(run.out.getLast()).isEqualTo(CUT);
        assertThat(run.cuts()).isEqualTo(1);
        assertThat(run.trips).isEqualTo(1);
    }

    @Test
    void callsThatDifferInNameOrInputAreNotTheSame() {
        Run run = new Run();
        for (int i = 0; i < 4; i++) {
            run.feed(call("Read", "{\"file_path\":\"/a\"}"), call("Read", "{\"file_path\":\"/b\"}"),
                    call("Bash", "{\"command\":\"ls /a\"}"), call("Grep", "{\"pattern\":\"/a\"}"),
                    call("Read", "{\"file_path\":\"/a\",\"offset\":" + i + "}"));
        }
        run.feed(END);

        assertThat(run.reason()).isNull();
        assertThat(run.out).hasSize(21);
    }

    @Test
    void fingerprintsIgnoreKeyOrderAndLayoutAtEveryDepth() {
        assertThat(LoopGuard.fingerprint("Edit", "{\"a\":{\"x\":1,\"y\":[{\"p\":1,\"q\":2}]},\"b\":true}"))
                .isEqualTo(LoopGuard.fingerprint("Edit", "{ \"b\": true, \"a\": {\"y\": [{\"q\": 2, \"p\": 1}], \"x\": 1} }"));
        assertThat(LoopGuard.fingerprint("Edit", "{\"a\":[1,2]}")).isNotEqualTo(LoopGuard.fingerprint("Edit", "{\"a\":[2,1]}"));
        assertThat(LoopGuard.fingerprint("Edit", "{}")).isNotEqualTo(LoopGuard.fingerprint("Write", "{}"));
        assertThat(LoopGuard.fingerprint("Edit", "not json")).isEqualTo(LoopGuard.fingerprint("Edit", "not json"));
    }

    @Test
    void aToolCallPastTheBudgetIsNotPassed() {
        Run run = new Run(Limits.DEFAULTS, 100L).feed(text("x".repeat(60)), call("Write", "{\"content\":\"" + "y".repeat(40) + "\"}"));

        assertThat(run.reason()).isEqualTo("the output passed its budget of 100 characters");
        assertThat(run.out).containsExactly(text("x".repeat(60)), CUT);
    }

    // ---- pass-through and after the trip ------------------------------------------------------------------

    @Test
    void anUpstreamEndBeforeAnyTripPassesUntouched() {
        ModelEvent failure = new ModelEvent.Failure(ApiError.overloaded("Overloaded"));
        ModelEvent usage = new ModelEvent.Usage(10L, 5L, null, null);
        ModelEvent signature = new ModelEvent.ThinkingSignature("sig");
        ModelEvent redacted = new ModelEvent.RedactedThinking("opaque");

        Run failed = new Run().feed(text("Hi"), usage, failure);
        assertThat(failed.out).containsExactly(text("Hi"), usage, failure);
        assertThat(failed.out.getLast()).isSameAs(failure);

        ModelEvent stop = new ModelEvent.Finish(StopReason.STOP_SEQUENCE, "###");
        Run finished = new Run().feed(thinking("t"), signature, redacted, text(""), stop);
        assertThat(finished.out).containsExactly(thinking("t"), signature, redacted, text(""), stop);
        assertThat(finished.out.getLast()).isSameAs(stop);
        assertThat(failed.trips + finished.trips).isZero();
        assertThat(finished.reason()).isNull();
    }

    @Test
    void aTripStillCancelsTheUpstreamWhenTheClientIsGone() {
        int[] trips = new int[1];
        LoopGuard guard = new LoopGuard(Limits.DEFAULTS, null, () -> trips[0]++, event -> {
            if (event instanceof ModelEvent.Finish) {
                throw new DownstreamGoneException(null);
            }
        });

        assertThatThrownBy(() -> guard.accept(text(LoopVectors.laughter())))
                .isInstanceOf(DownstreamGoneException.class);
        assertThat(trips[0]).isEqualTo(1);
        guard.accept(text(LoopVectors.laughter()));
        assertThat(trips[0]).isEqualTo(1);
    }

    @Test
    void disabledLimitsPassEverythingWhateverTheBudget() {
        List<ModelEvent> events = new ArrayList<>();
        events.add(text(LoopVectors.sentenceLoop()));
        events.add(thinking(LoopVectors.newlinesForever()));
        for (int i = 0; i < 10; i++) {
            events.add(call("Bash", "{\"command\":\"ls\"}"));
        }
        events.add(END);
        Run run = new Run(Limits.disabled(), 10L);
        events.forEach(run::feed);

        assertThat(run.out).containsExactlyElementsOf(events);
        assertThat(run.trips).isZero();
        assertThat(Limits.disabled().enabled()).isFalse();
        assertThat(Limits.DEFAULTS.enabled()).isTrue();
    }

    @Test
    void limitsSayWhatIsWrong() {
        assertThatThrownBy(() -> new Limits(1, 2000, 5, 8192)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("minRepeats must be at least 2, was 1");
        assertThatThrownBy(() -> new Limits(10, 0, 5, 8192)).hasMessage("minSpanChars must be at least 1, was 0");
        assertThatThrownBy(() -> new Limits(10, 2000, 1, 8192))
                .hasMessage("maxIdenticalToolCalls must be at least 2, was 1");
        assertThatThrownBy(() -> new Limits(10, 2000, 5, -1)).hasMessage("windowChars must be at least 1, was -1");
        assertThatThrownBy(() -> new Limits(10, 2000, 5, 1000)).hasMessage(
                "windowChars (1000) must be at least minSpanChars (2000), or no repetition could be seen");
        assertThatThrownBy(() -> new LoopGuard(Limits.DEFAULTS, 0L, () -> { }, e -> { }))
                .hasMessage("maxOutputChars must be positive or null, was 0");
    }

    @Test
    void smallerLimitsTripSooner() {
        Limits tight = new Limits(3, 100, 2, 1000);
        Run run = new Run(tight, null).feed(text("Intro. " + "abcdefghij".repeat(40)));
        assertThat(run.reason()).startsWith("the visible text repeats a 10-character passage");

        Run calls = new Run(tight, null).feed(call("Bash", "{\"command\":\"ls\"}"), call("Bash", "{\"command\":\"ls\"}"));
        assertThat(calls.reason()).isEqualTo("the tool call Bash came 2 times with the same input");
    }

    // ---- chunking and memory ------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("all")
    void theDecisionAndWhatPassesDoNotDependOnTheChunking(Vector vector) {
        Run reference = feed(vector, whole(vector.output()));
        assertThat(reference.reason() == null).isEqualTo(vector.reason() == null);

        List<Supplier<List<String>>> splits = new ArrayList<>();
        splits.add(() -> singles(vector.output()));
        for (long seed = 100; seed < 120; seed++) {
            long s = seed;
            splits.add(() -> randomSplit(vector.output(), s));
        }
        for (Supplier<List<String>> split : splits) {
            Run run = feed(vector, split.get());
            assertThat(run.reason()).isEqualTo(reference.reason());
            assertThat(run.text()).isEqualTo(reference.text());
            assertThat(run.thinking()).isEqualTo(reference.thinking());
            assertThat(run.cuts()).isEqualTo(reference.cuts());
            assertThat(run.trips).isEqualTo(reference.trips);
        }
    }

    @Test
    void tenMegabytesOfVariedTextLeaveOnlyTheWindowHeld() {
        long[] passed = new long[1];
        LoopGuard guard = new LoopGuard(Limits.DEFAULTS, null, () -> { }, event -> {
            if (event instanceof ModelEvent.TextDelta delta) {
                passed[0] += delta.text().length();
            }
        });
        Random random = new Random(10);
        long fed = 0;
        while (fed < 10_000_000) {
            String chunk = LoopVectors.prose(random, 4096);
            for (int at = 0; at < chunk.length(); ) {
                int end = Math.min(chunk.length(), at + 1 + random.nextInt(6));
                guard.accept(text(chunk.substring(at, end)));
                at = end;
            }
            fed += chunk.length();
        }

        assertThat(guard.tripReason()).isEmpty();
        assertThat(passed[0]).isEqualTo(fed);
        assertThat(guard.heldChars()).isLessThanOrEqualTo(2 * Limits.DEFAULTS.windowChars());
    }
}
