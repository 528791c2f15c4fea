package dev.anyclaude.route;

import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.backend.UpstreamReply;

import java.util.ArrayList;
import java.util.List;

/** Reading a backend's decoded reply in route tests. */
final class Replies {

    private Replies() {
    }

    /** Every event of {@code reply}, which is closed afterwards. */
    static List<ModelEvent> pumpAll(UpstreamReply reply) {
        List<ModelEvent> events = new ArrayList<>();
        try (reply) {
            ((UpstreamReply.Events) reply).pump(events::add);
        }
        return events;
    }

    /** The text of the text deltas among {@code events}. */
    static String text(List<ModelEvent> events) {
        StringBuilder s = new StringBuilder();
        for (ModelEvent e : events) {
            if (e instanceof ModelEvent.TextDelta t) {
                s.append(t.text());
            }
        }
        return s.toString();
    }
}
