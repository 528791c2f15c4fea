package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The Chat Completions {@code messages} array under construction. Consecutive user (or assistant)
 * messages are merged as they are added: Anthropic merges them itself, and many open-model templates
 * raise an error unless user and assistant alternate. Tool messages stay one per call.
 */
final class ChatMessages {
    private final OpenAiFlavor flavor;
    private final List<Entry> entries = new ArrayList<>();

    ChatMessages(OpenAiFlavor flavor) {
        this.flavor = flavor;
    }

    private sealed interface Entry permits System, User, Assistant, Tool {
    }

    private record System(String text) implements Entry {
    }

    private record User(List<ObjectNode> parts) implements Entry {
    }

    private static final class Assistant implements Entry {
        private final StringBuilder text = new StringBuilder();
        private StringBuilder reasoning;
        private final List<ObjectNode> toolCalls = new ArrayList<>();

        void add(String moreText, String moreReasoning, List<ObjectNode> moreCalls) {
            text.append(moreText);
            if (moreReasoning != null) {
                reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(moreReasoning);
            }
            toolCalls.addAll(moreCalls);
        }
    }

    private record Tool(String callId, String content) implements Entry {
    }

    void system(String text) {
        entries.add(new System(text));
    }

    /** Adds user content parts; an empty list adds nothing, so no empty user message is ever sent. */
    void user(List<ObjectNode> parts) {
        if (parts.isEmpty()) {
            return;
        }
        if (last() instanceof User previous) {
            previous.parts().addAll(parts);
        } else {
            entries.add(new User(new ArrayList<>(parts)));
        }
    }

    /**
     * Adds an assistant turn. {@code reasoning} is null when the turn had no thinking block, and then no
     * reasoning field is sent; an empty string is still sent (DeepSeek-style servers insist on the field).
     * A turn with nothing this backend can take adds nothing.
     */
    void assistant(String text, String reasoning, List<ObjectNode> toolCalls) {
        boolean keepsReasoning = reasoning != null && flavor.assistantReasoningField() != null;
        if (text.isEmpty() && toolCalls.isEmpty() && !keepsReasoning) {
            return;
        }
        Assistant target = last() instanceof Assistant previous ? previous : null;
        if (target == null) {
            target = new Assistant();
            entries.add(target);
        }
        target.add(text, reasoning, toolCalls);
    }

    void tool(String callId, String content) {
        entries.add(new Tool(callId, content));
    }

    ArrayNode toJson() {
        ArrayNode messages = Json.array();
        for (Entry entry : entries) {
            messages.add(switch (entry) {
                case System system -> message("system").put("content", system.text());
                case User user -> user(user);
                case Assistant assistant -> assistant(assistant);
                case Tool tool -> message("tool").put("tool_call_id", tool.callId()).put("content", tool.content());
            });
        }
        return messages;
    }

    private Entry last() {
        return entries.isEmpty() ? null : entries.getLast();
    }

    private static ObjectNode message(String role) {
        ObjectNode message = Json.object();
        message.put("role", role);
        return message;
    }

    /** A lone text part goes as a plain string: the one content form every backend template accepts. */
    private static ObjectNode user(User user) {
        ObjectNode message = message("user");
        List<ObjectNode> parts = user.parts();
        if (parts.size() == 1 && ContentParts.isText(parts.getFirst())) {
            message.put("content", Json.text(parts.getFirst(), "text"));
        } else {
            ArrayNode content = message.putArray("content");
            parts.forEach(content::add);
        }
        return message;
    }

    private ObjectNode assistant(Assistant assistant) {
        ObjectNode message = message("assistant");
        String text = assistant.text.toString();
        if (text.isEmpty() && !assistant.toolCalls.isEmpty() && flavor.nullContentBesideToolCalls()) {
            message.putNull("content");
        } else {
            message.put("content", text);
        }
        String reasoningField = flavor.assistantReasoningField();
        if (reasoningField != null && assistant.reasoning != null) {
            message.put(reasoningField, assistant.reasoning.toString());
        }
        if (!assistant.toolCalls.isEmpty()) {
            ArrayNode calls = message.putArray("tool_calls");
            assistant.toolCalls.forEach(calls::add);
        }
        return message;
    }
}
