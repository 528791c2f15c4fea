package dev.anyclaude.api;

/** {@code thinking}: type enabled (with a budget), adaptive or disabled; display is summarized, omitted or null. */
public record ThinkingConfig(String type, Integer budgetTokens, String display) {

    public boolean isOn() {
        return "enabled".equals(type) || "adaptive".equals(type);
    }
}
