package dev.anyclaude.api;

import java.util.List;

/** One entry of {@code messages[]}. {@code content} is always a list; a string content becomes one text block. */
public record Message(Role role, List<ContentBlock> content) {

    public enum Role {
        USER, ASSISTANT, SYSTEM;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Message {
        content = List.copyOf(content);
    }
}
