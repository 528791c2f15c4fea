package dev.anyclaude.openai;

import dev.anyclaude.api.ContentBlock;
import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Server-tool blocks from earlier Anthropic turns as one bracketed line of text. An OpenAI backend has
 * no such blocks and must never see their JSON (encrypted contents and all), but the model should still
 * know that a search ran and what it found.
 */
final class ServerToolText {
    private static final int MAX_ITEMS = 10;

    private ServerToolText() {
    }

    static String render(ContentBlock.ServerTool block) {
        JsonNode raw = block.raw();
        String type = block.type();
        if (type.endsWith("_tool_use")) {
            String name = Json.text(raw, "name");
            String server = Json.text(raw, "server_name");
            JsonNode input = raw.get("input");
            return "[" + (server == null ? "" : server + ".") + (name == null ? type : name) + " call"
                    + (input == null || input.isNull() ? "" : ": " + Json.string(input)) + "]";
        }
        String summary = summary(raw.get("content"));
        if (summary.isEmpty() && Json.text(raw, "file_id") != null) {
            summary = Json.text(raw, "file_id");
        }
        return "[" + type + (summary.isEmpty() ? "" : ": " + summary) + "]";
    }

    private static String summary(JsonNode content) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isString()) {
            return content.stringValue();
        }
        if (content.isArray()) {
            List<String> items = new ArrayList<>();
            for (int i = 0; i < content.size() && items.size() < MAX_ITEMS; i++) {
                String item = item(content.get(i));
                if (!item.isEmpty()) {
                    items.add(item);
                }
            }
            return String.join("; ", items);
        }
        return item(content);
    }

    /** One result: a titled link, an error code, command output or text, whichever the block has. */
    private static String item(JsonNode node) {
        String errorCode = Json.text(node, "error_code");
        if (errorCode != null) {
            return "error " + errorCode;
        }
        String url = Json.text(node, "url");
        String title = Json.text(node, "title");
        if (url != null) {
            return title == null ? url : title + " <" + url + ">";
        }
        List<String> parts = new ArrayList<>();
        for (String field : List.of("text", "stdout", "stderr")) {
            String value = Json.text(node, field);
            if (value != null && !value.isEmpty()) {
                parts.add(value);
            }
        }
        if (node != null && node.get("return_code") != null && node.get("return_code").isNumber()) {
            parts.add("exit code " + node.get("return_code").asString());
        }
        return String.join("\n", parts);
    }
}
