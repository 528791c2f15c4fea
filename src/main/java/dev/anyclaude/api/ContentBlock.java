package dev.anyclaude.api;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * A content block of a request message. Every block keeps its raw JSON ({@code raw}) so that a
 * passthrough to an Anthropic upstream loses nothing, and so that blocks we do not model can still
 * be forwarded where the upstream understands them.
 */
public sealed interface ContentBlock {

    String type();

    ObjectNode raw();

    record Text(String text, ObjectNode raw) implements ContentBlock {
        public String type() {
            return "text";
        }
    }

    /**
     * An image. {@code sourceType} is {@code base64}, {@code url} or {@code file}; {@code data} is the
     * base64 payload or the URL or the file id.
     */
    record Image(String sourceType, String mediaType, String data, ObjectNode raw) implements ContentBlock {
        public String type() {
            return "image";
        }
    }

    /** A document (PDF, plain text, content list). Kept as JSON: only some backends can take it. */
    record Document(String sourceType, String mediaType, String data, String title, ObjectNode raw)
            implements ContentBlock {
        public String type() {
            return "document";
        }
    }

    record ToolUse(String id, String name, JsonNode input, ObjectNode raw) implements ContentBlock {
        public String type() {
            return "tool_use";
        }
    }

    record ToolResult(String toolUseId, List<ContentBlock> content, boolean isError, ObjectNode raw)
            implements ContentBlock {
        public String type() {
            return "tool_result";
        }
    }

    record Thinking(String thinking, String signature, ObjectNode raw) implements ContentBlock {
        public String type() {
            return "thinking";
        }
    }

    record RedactedThinking(String data, ObjectNode raw) implements ContentBlock {
        public String type() {
            return "redacted_thinking";
        }
    }

    /** ToolSearch's {@code tool_reference}: loads a {@code defer_loading} tool into the prompt. */
    record ToolReference(String toolName, ObjectNode raw) implements ContentBlock {
        public String type() {
            return "tool_reference";
        }
    }

    /** A search_result block (RAG). */
    record SearchResult(String source, String title, List<ContentBlock> content, ObjectNode raw)
            implements ContentBlock {
        public String type() {
            return "search_result";
        }
    }

    /** Server-tool blocks ({@code server_tool_use}, {@code *_tool_result}) and other known pass-through blocks. */
    record ServerTool(String type, ObjectNode raw) implements ContentBlock {
    }

    /** A block type this version does not know. Forwarded verbatim to Anthropic; refused elsewhere. */
    record Unknown(String type, ObjectNode raw) implements ContentBlock {
    }
}
