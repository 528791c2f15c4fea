package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestartableEventsTest {

    private static final ApiError OVERLOADED = ApiError.overloaded("busy");
    private static final ModelEvent.Finish END = new ModelEvent.Finish(StopReason.END_TURN, null);

    /** A reply that emits fixed events and remembers being closed. */
    private static class Scripted implements UpstreamReply.Events {
        final List<ModelEvent> events;
        boolean closed;

        Scripted(ModelEvent... events) {
            this.events = List.of(events);
        }

        @Override
        public void pump(ModelEventSink sink) {
            events.forEach(sink::accept);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Hands out the next scripted reply on each retry and records what it was told. */
    private static final class Script implements RestartableEvents.Continuation {
        final Deque<UpstreamReply.Events> next = new ArrayDeque<>();
        final List<String> log = new ArrayList<>();
        RuntimeException toThrow;

        @Override
        public void started() {
            log.add("started");
        }

        @Override
        public UpstreamReply.Events retry(ApiError failure) {
            log.add("retry " + failure.type());
            if (toThrow != null) {
                throw toThrow;
            }
            return next.poll();
        }

        @Override
        public void abandoned() {
            log.add("abandoned");
        }

        @Override
        public String upstreamModel() {
            return "model-" + next.size();
        }
    }

    private static List<ModelEvent> pump(RestartableEvents events) {
        List<ModelEvent> seen = new ArrayList<>();
        events.pump(seen::add);
        return seen;
    }

    @Test
    void aFailureBeforeContentIsReplacedByTheNextReply() {
        Scripted failing = new Scripted(new ModelEvent.Usage(10L, null, null, null), new ModelEvent.Failure(OVERLOADED));
        Scripted good = new Scripted(new ModelEvent.TextDelta("hi"), END);
        Script script = new Script();
        script.next.add(good);

        List<ModelEvent> seen = pump(new RestartableEvents(failing, script));

        assertThat(seen).containsExactly(new ModelEvent.Usage(10L, null, null, null), new ModelEvent.TextDelta("hi"), END);
        assertThat(failing.closed).isTrue();
        assertThat(script.log).containsExactly("retry overloaded_error", "started");
    }

    @Test
    void aFailureAfterContentPasses() {
        Scripted reply = new Scripted(new ModelEvent.ThinkingDelta("hm"), new ModelEvent.Failure(OVERLOADED));
        Script script = new Script();

        List<ModelEvent> seen = pump(new RestartableEvents(reply, script));

        assertThat(seen).containsExactly(new ModelEvent.ThinkingDelta("hm"), new ModelEvent.Failure(OVERLOADED));
        assertThat(script.log).containsExactly("started");
    }

    @Test
    void emptyTextIsNotContent() {
        Scripted failing = new Scripted(new ModelEvent.TextDelta(""), new ModelEvent.Failure(OVERLOADED));
        Script script = new Script();
        script.next.add(new Scripted(END));

        List<ModelEvent> seen = pump(new RestartableEvents(failing, script));

        assertThat(seen).containsExactly(new ModelEvent.TextDelta(""), END);
    }

    @Test
    void withoutAnotherReplyTheFailurePassesAsItWas() {
        Script script = new Script();

        List<ModelEvent> seen = pump(new RestartableEvents(new Scripted(new ModelEvent.Failure(OVERLOADED)), script));

        assertThat(seen).containsExactly(new ModelEvent.Failure(OVERLOADED));
    }

    @Test
    void anErrorFromTheContinuationEndsTheFlow() {
        Script script = new Script();
        ApiError last = new ApiError(429, "rate_limit_error", "slow down");
        script.toThrow = new ApiException(last);

        List<ModelEvent> seen = pump(new RestartableEvents(new Scripted(new ModelEvent.Failure(OVERLOADED)), script));

        assertThat(seen).containsExactly(new ModelEvent.Failure(last));
    }

    @Test
    void nothingOfAFailedReplyPassesAfterItsFailure() {
        Scripted broken = new Scripted(new ModelEvent.Failure(OVERLOADED), new ModelEvent.TextDelta("late"));
        Script script = new Script();
        script.next.add(new Scripted(new ModelEvent.TextDelta("fresh"), END));

        assertThat(pump(new RestartableEvents(broken, script))).containsExactly(new ModelEvent.TextDelta("fresh"), END);
    }

    @Test
    void closeClosesTheCurrentReplyAndAbandonsTheAttempt() {
        Scripted failing = new Scripted(new ModelEvent.Failure(OVERLOADED));
        Scripted second = new Scripted(new ModelEvent.TextDelta("x"), END);
        Script script = new Script();
        script.next.add(second);
        RestartableEvents events = new RestartableEvents(failing, script);
        pump(events);

        events.close();

        assertThat(second.closed).isTrue();
        assertThat(script.log).endsWith("abandoned");
    }

    @Test
    void aClosedReplyIsNotRetried() {
        Script script = new Script();
        script.next.add(new Scripted(END));
        RestartableEvents[] self = new RestartableEvents[1];
        Scripted failing = new Scripted(new ModelEvent.Failure(OVERLOADED)) {
            @Override
            public void pump(ModelEventSink sink) {
                self[0].close(); // the client left while the upstream was failing
                super.pump(sink);
            }
        };
        self[0] = new RestartableEvents(failing, script);

        assertThat(pump(self[0])).containsExactly(new ModelEvent.Failure(OVERLOADED));
        assertThat(script.log).doesNotContain("retry overloaded_error");
    }
}
