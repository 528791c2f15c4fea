package dev.anyclaude.toolcall;

/**
 * For output that begins inside reasoning because the prompt template opened it: a model that writes
 * the open marker anyway ({@code <think>} right at the start) must not leave that marker in its
 * reasoning. Holds the first characters until it is clear whether they are that marker.
 */
final class LeadingOpenMarker {
    private final String marker;
    private StringBuilder held = new StringBuilder();

    LeadingOpenMarker(String marker) {
        this.marker = marker;
    }

    /** The text to pass on for this chunk: nothing while undecided, then everything without the marker. */
    String pass(String chunk) {
        if (held == null) {
            return chunk;
        }
        held.append(chunk);
        int start = Scanning.skipWhitespace(held, 0);
        if (Scanning.cutShort(held, start, marker)) {
            return "";
        }
        String out = Scanning.at(held, start, marker)
                ? held.substring(start + marker.length())
                : held.toString();
        held = null;
        return out;
    }

    /** What is still held at the end of the output. */
    String flush() {
        String out = held == null ? "" : held.toString();
        held = null;
        return out;
    }
}
