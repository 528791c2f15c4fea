package dev.anyclaude.toolcall;

/**
 * How a family marks its reasoning in text.
 *
 * @param open         the opening marker, or null when the family has none
 * @param close        the closing marker, or null; a bare close with no open before it ends reasoning the
 *                     prompt template opened (its text has gone out as text by then, so only the marker is dropped)
 * @param startsInside the output begins inside reasoning (the template put the open marker in the prompt)
 * @param callsInside  the family really calls tools inside its reasoning: call markers are honoured there
 */
public record Reasoning(String open, String close, boolean startsInside, boolean callsInside) {

    public static final Reasoning NONE = new Reasoning(null, null, false, false);
    public static final Reasoning THINK = new Reasoning("<think>", "</think>", false, false);

    public Reasoning startingInside() {
        return new Reasoning(open, close, true, callsInside);
    }

    public Reasoning withCallsInside() {
        return new Reasoning(open, close, startsInside, true);
    }
}
