package dev.anyclaude.api;

/** {@code tool_choice}: type is auto, any, tool or none; name is set for type tool. */
public record ToolChoice(String type, String name, boolean disableParallelToolUse) {
}
