package dev.anyclaude.api;

/** Anthropic {@code stop_reason} values. */
public enum StopReason {
    END_TURN("end_turn"),
    MAX_TOKENS("max_tokens"),
    STOP_SEQUENCE("stop_sequence"),
    TOOL_USE("tool_use"),
    PAUSE_TURN("pause_turn"),
    REFUSAL("refusal"),
    MODEL_CONTEXT_WINDOW_EXCEEDED("model_context_window_exceeded");

    private final String wire;

    StopReason(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    /** The reason for a wire name; unknown names become {@link #END_TURN}. */
    public static StopReason fromWire(String name) {
        for (StopReason reason : values()) {
            if (reason.wire.equals(name)) {
                return reason;
            }
        }
        return END_TURN;
    }
}
