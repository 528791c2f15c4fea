package dev.anyclaude.toolcall;

/** What a format parser makes of model text: visible text, reasoning, a tool call, or a call-shaped region it could not read. */
public sealed interface Piece {

    record Text(String text) implements Piece {
    }

    record Thinking(String text) implements Piece {
    }

    /**
     * A tool call as written by the model. {@code name} is the name as written (the engine resolves it
     * against the request's tools); {@code raw} is the call's original text, delivered as text if the
     * call cannot be used.
     */
    record Call(String name, Arguments arguments, String raw) implements Piece {
    }

    /** A region that looked like a tool call but could not be read; delivered as text, the reason logged. */
    record Malformed(String raw, String reason) implements Piece {
    }
}
