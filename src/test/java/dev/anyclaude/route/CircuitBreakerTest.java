package dev.anyclaude.route;

import dev.anyclaude.route.CircuitBreaker.Permit;
import dev.anyclaude.route.CircuitBreaker.State;
import dev.anyclaude.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class CircuitBreakerTest {

    private static final Duration OPEN_FOR = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final CircuitBreaker breaker = new CircuitBreaker("test", 3, OPEN_FOR, clock);

    private Permit permit() {
        return breaker.tryAcquire().orElseThrow(() -> new AssertionError("the breaker refused a call"));
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            permit().failure();
        }
    }

    @Test
    void aClosedCircuitLetsEveryCallThrough() {
        for (int i = 0; i < 10; i++) {
            assertThat(breaker.tryAcquire()).isPresent();
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.retryIn()).isZero();
    }

    @Test
    void consecutiveFailuresUpToTheThresholdOpenTheCircuit() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(1);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.tryAcquire()).isEmpty();
    }

    @Test
    void aSuccessInBetweenStartsTheCountAgain() {
        fail(2);
        permit().success();
        fail(2);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aReleasedCallNeitherCountsNorResetsTheCount() {
        fail(2);
        permit().release();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(1);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void anOpenCircuitRefusesCallsUntilItsTimeIsUpAndSaysWhen() {
        fail(3);
        clock.advance(Duration.ofSeconds(12));

        assertThat(breaker.tryAcquire()).isEmpty();
        assertThat(breaker.retryIn()).isEqualTo(Duration.ofSeconds(18));

        clock.advance(Duration.ofSeconds(17));
        assertThat(breaker.tryAcquire()).isEmpty();
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }

    @Test
    void afterOpenForExactlyOneTrialCallIsLetThrough() {
        fail(3);
        clock.advance(OPEN_FOR);

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.retryIn()).isZero();
        Permit trial = permit();

        assertThat(trial.trial()).isTrue();
        assertThat(breaker.tryAcquire()).as("a second caller while the trial runs").isEmpty();
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void aSuccessfulTrialClosesTheCircuit() {
        fail(3);
        clock.advance(OPEN_FOR);

        permit().success();

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isPresent();
        fail(2);
        assertThat(breaker.state()).as("the failure count started again").isEqualTo(State.CLOSED);
    }

    @Test
    void aFailedTrialOpensTheCircuitForAnotherPeriod() {
        fail(3);
        clock.advance(OPEN_FOR);

        permit().failure();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.retryIn()).isEqualTo(OPEN_FOR);
        clock.advance(OPEN_FOR.minusSeconds(1));
        assertThat(breaker.tryAcquire()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.tryAcquire()).isPresent();
    }

    @Test
    void aReleasedTrialLetsTheNextCallerTry() {
        fail(3);
        clock.advance(OPEN_FOR);

        permit().release();

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        Permit next = permit();
        assertThat(next.trial()).isTrue();
    }

    @Test
    void aPermitFromBeforeTheCircuitOpenedNoLongerCounts() {
        Permit slow = permit();
        fail(3);
        clock.advance(OPEN_FOR);
        Permit trial = permit();

        slow.failure();
        assertThat(breaker.state()).as("a late failure does not reopen a half-open circuit")
                .isEqualTo(State.HALF_OPEN);
        trial.success();
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void onlyTheFirstOutcomeOfAPermitCounts() {
        fail(2);
        Permit permit = permit();
        permit.success();
        permit.failure();
        permit.failure();

        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aZeroThresholdNeverOpens() {
        CircuitBreaker never = new CircuitBreaker("never", 0, OPEN_FOR, clock);
        for (int i = 0; i < 100; i++) {
            never.tryAcquire().orElseThrow().failure();
        }
        assertThat(never.state()).isEqualTo(State.CLOSED);
        assertThat(never.tryAcquire()).isPresent();
    }

    @Test
    void concurrentCallersGetExactlyOneTrialPermit() throws Exception {
        int callers = 32;
        for (int round = 0; round < 20; round++) {
            CircuitBreaker shared = new CircuitBreaker("shared", 1, OPEN_FOR, clock);
            shared.tryAcquire().orElseThrow().failure();
            clock.advance(OPEN_FOR);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Optional<Permit>>> results = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
                for (int i = 0; i < callers; i++) {
                    results.add(pool.submit(() -> {
                        go.await();
                        return shared.tryAcquire();
                    }));
                }
                go.countDown();
                int granted = 0;
                for (Future<Optional<Permit>> result : results) {
                    Optional<Permit> permit = result.get();
                    if (permit.isPresent()) {
                        granted++;
                        assertThat(permit.get().trial()).isTrue();
                    }
                }
                assertThat(granted).isEqualTo(1);
            }
            assertThat(shared.state()).isEqualTo(State.HALF_OPEN);
        }
    }
}
