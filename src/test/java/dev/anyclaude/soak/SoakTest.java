package dev.anyclaude.soak;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak in the regular suite, smaller than the benchmark one ({@code scripts/soak} runs 1000+ streams):
 * every fault at once, each stream valid and ended within its bound, nothing left in flight afterwards.
 * {@code -Dsoak.streams=N} makes it bigger.
 */
class SoakTest {

    @Test
    void concurrentStreamsWithEveryFaultAllEndValidAndLeaveNothingBehind() throws Exception {
        int streams = Integer.getInteger("soak.streams", 240);
        Soak.run(24, 24, 1); // JVM-wide threads (carriers, pollers, Helidon's timers) start here
        Soak.Report report = Soak.run(streams, streams, Long.getLong("soak.seed", 7));
        System.out.println(report.markdown());

        assertThat(report.invalid()).as(report.markdown()).isEmpty();
        assertThat(report.tooSlow()).as(report.markdown()).isEmpty();
        assertThat(report.outcomes()).hasSize(streams);
        assertThat(report.inFlightAfter()).isZero();
        assertThat(report.activeCallsAfter()).isZero();
        assertThat(report.upstreamActiveAfter()).isZero();
        // pools (carrier threads, the common pool) may grow by a thread or two; a leak grows with the streams
        assertThat(report.platformThreadsAfter()).isLessThanOrEqualTo(report.platformThreadsBefore() + 2);
        assertThat(report.liveThreadsAfter()).as("threads the run left (or started and are still ending): %s",
                report.threadsAdded()).isLessThanOrEqualTo(report.liveThreadsBefore() + 2);
    }
}
