package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The reasoning carried by one delta or message. Backends put it in different fields, and some fill
 * several with the same text (vLLM: {@code reasoning} and {@code reasoning_content}; OpenRouter:
 * {@code reasoning} and {@code reasoning_details}), so exactly one source is taken, in order of
 * preference: {@code reasoning_content}, {@code reasoning}, the text of {@code reasoning_details}.
 *
 * @param text      the reasoning text, possibly empty
 * @param encrypted data of OpenRouter {@code reasoning.encrypted} items; only set when there is no text
 */
record Reasoning(String text, List<String> encrypted) {

    static Reasoning of(JsonNode delta) {
        for (String field : List.of("reasoning_content", "reasoning")) {
            String text = Json.text(delta, field);
            if (text != null && !text.isEmpty()) {
                return new Reasoning(text, List.of());
            }
        }
        JsonNode details = delta.get("reasoning_details");
        if (details == null || !details.isArray()) {
            return new Reasoning("", List.of());
        }
        StringBuilder text = new StringBuilder();
        List<String> encrypted = new ArrayList<>();
        for (JsonNode item : details) {
            switch (String.valueOf(Json.text(item, "type"))) {
                case "reasoning.text" -> append(text, Json.text(item, "text"));
                case "reasoning.summary" -> append(text, Json.text(item, "summary"));
                case "reasoning.encrypted" -> {
                    String data = Json.text(item, "data");
                    if (data != null && !data.isEmpty()) {
                        encrypted.add(data);
                    }
                }
                default -> {
                    // unknown detail types carry nothing we can show
                }
            }
        }
        return new Reasoning(text.toString(), text.isEmpty() ? List.copyOf(encrypted) : List.of());
    }

    private static void append(StringBuilder text, String piece) {
        if (piece != null) {
            text.append(piece);
        }
    }
}
