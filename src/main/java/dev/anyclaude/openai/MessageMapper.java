package dev.anyclaude.openai;

import dev.anyclaude.api.BoundedMemo;
import dev.anyclaude.api.ContentBlock;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.Message;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.SameObjects;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Anthropic {@code system} + {@code messages} as a Chat Completions {@code messages} array. */
final class MessageMapper {
    static final String BILLING_HEADER_PREFIX = "x-anthropic-billing-header:";

    /**
     * The system prompt and the reminders, joined from their texts once and shared: the parse memo hands every
     * request of a session the same text instances, and joining them anew made a new copy of a long prompt (6-30
     * KB) on every request, which the body writer then had to hash and compare to find its quoted form again.
     * Only joins up to {@value #JOINED_MAX_CHARS} characters are kept, at most {@value #JOINED_KEPT} of them.
     */
    static final int JOINED_KEPT = 128;
    static final int JOINED_MAX_CHARS = 64 * 1024;
    private static final BoundedMemo<SameObjects, String> JOINED = new BoundedMemo<>(JOINED_KEPT);
    /** What a join is of, the first reference of its key: the same texts joined as a reminder are another string. */
    private static final Object SYSTEM_PROMPT = new Object();
    private static final Object REMINDER = new Object();

    private final OpenAiFlavor flavor;
    private final ChatMessages out;

    private MessageMapper(OpenAiFlavor flavor) {
        this.flavor = flavor;
        this.out = new ChatMessages(flavor);
    }

    static ArrayNode map(MessagesRequest request, OpenAiFlavor flavor) {
        MessageMapper mapper = new MessageMapper(flavor);
        mapper.systemPrompt(request.system());
        for (Turn turn : Turn.fold(request.messages())) {
            if (turn.role == Message.Role.USER) {
                mapper.user(turn);
            } else {
                mapper.assistant(turn);
            }
        }
        return mapper.out.toJson();
    }

    /**
     * Claude Code's billing header changes with the first prompt of every conversation; left in front of
     * the prompt it would make every backend prefix cache miss from the first token on.
     */
    static boolean isBillingHeader(ContentBlock.Text block) {
        return block.text().startsWith(BILLING_HEADER_PREFIX);
    }

    private void systemPrompt(List<ContentBlock.Text> system) {
        List<String> texts = new ArrayList<>();
        for (ContentBlock.Text block : system) {
            if (!isBillingHeader(block) && !block.text().isEmpty()) {
                texts.add(block.text());
            }
        }
        if (!texts.isEmpty()) {
            out.system(texts.size() == 1 ? texts.getFirst()
                    : joined(SYSTEM_PROMPT, texts, () -> String.join("\n\n", texts)));
        }
    }

    /** {@code join}'s string, the same instance for the same text instances (see {@link #JOINED}). */
    private static String joined(Object kind, List<String> texts, Supplier<String> join) {
        long chars = 0;
        Object[] key = new Object[texts.size() + 1];
        key[0] = kind;
        for (int i = 0; i < texts.size(); i++) {
            chars += texts.get(i).length();
            key[i + 1] = texts.get(i);
        }
        if (chars > JOINED_MAX_CHARS) {
            return join.get();
        }
        return JOINED.get(SameObjects.of(key), k -> join.get());
    }

    /** Tool results first, as tool messages (they must follow the assistant's calls), then the user's own parts. */
    private void user(Turn turn) {
        List<ObjectNode> parts = new ArrayList<>();
        for (String reminder : turn.leadingReminders) {
            parts.add(ContentParts.text(reminder));
        }
        List<ObjectNode> rest = new ArrayList<>();
        for (Located located : turn.blocks) {
            if (located.block() instanceof ContentBlock.ToolResult result) {
                toolResult(result, located.path(), parts);
            } else {
                rest.addAll(userParts(located));
            }
        }
        parts.addAll(rest);
        out.user(parts);
    }

    private List<ObjectNode> userParts(Located located) {
        String path = located.path();
        return switch (located.block()) {
            case ContentBlock.Text text -> text.text().isEmpty() ? List.of() : List.of(ContentParts.text(text.text()));
            case ContentBlock.Image image -> List.of(ContentParts.image(image, path));
            case ContentBlock.Document document -> ContentParts.document(document, path, flavor);
            case ContentBlock.SearchResult result -> List.of(ContentParts.text(ContentParts.searchResult(result)));
            case ContentBlock.ToolReference reference -> List.of(ContentParts.text(ContentParts.toolLoaded(reference)));
            case ContentBlock.ServerTool server -> List.of(ContentParts.text(ServerToolText.render(server)));
            case ContentBlock.Unknown unknown -> throw Rejections.unknownBlock(path, unknown.type());
            case ContentBlock.ToolUse use -> throw Rejections.misplacedBlock(path, use.type(), "in a user message");
            case ContentBlock.Thinking thinking ->
                    throw Rejections.misplacedBlock(path, thinking.type(), "in a user message");
            case ContentBlock.RedactedThinking thinking ->
                    throw Rejections.misplacedBlock(path, thinking.type(), "in a user message");
            case ContentBlock.ToolResult result -> throw new IllegalStateException("handled by the caller");
        };
    }

    /**
     * A tool message can only carry text, so images and PDFs of a tool result move into the user message
     * that follows the tool messages, each after a line saying which call produced it.
     */
    private void toolResult(ContentBlock.ToolResult result, String path, List<ObjectNode> movedParts) {
        String callId = ToolIds.toUpstream(result.toolUseId());
        List<String> texts = new ArrayList<>();
        List<ObjectNode> media = new ArrayList<>();
        for (int i = 0; i < result.content().size(); i++) {
            String innerPath = path + ".content." + i;
            switch (result.content().get(i)) {
                case ContentBlock.Text text -> texts.add(text.text());
                case ContentBlock.ToolReference reference -> texts.add(ContentParts.toolLoaded(reference));
                case ContentBlock.SearchResult search -> texts.add(ContentParts.searchResult(search));
                case ContentBlock.ServerTool server -> texts.add(ServerToolText.render(server));
                case ContentBlock.Image image -> media.add(ContentParts.image(image, innerPath));
                case ContentBlock.Document document -> {
                    for (ObjectNode part : ContentParts.document(document, innerPath, flavor)) {
                        if (ContentParts.isText(part)) {
                            texts.add(Json.text(part, "text"));
                        } else {
                            media.add(part);
                        }
                    }
                }
                case ContentBlock.Unknown unknown -> throw Rejections.unknownBlock(innerPath, unknown.type());
                case ContentBlock block -> throw Rejections.misplacedBlock(innerPath, block.type(), "in a tool_result");
            }
        }
        for (ObjectNode part : media) {
            String kind = "image_url".equals(Json.text(part, "type")) ? "image" : "document";
            movedParts.add(ContentParts.text("[" + kind + " from tool result " + callId + "]"));
            movedParts.add(part);
        }
        out.tool(callId, toolResultText(String.join("\n", texts), result.isError(), !media.isEmpty()));
    }

    /** Some templates reject an empty tool message, and an empty one reads like a failure to the model. */
    private static String toolResultText(String text, boolean isError, boolean hasMovedMedia) {
        String body = text;
        if (body.isEmpty()) {
            body = hasMovedMedia ? "(the output follows in the next user message)" : "(no output)";
        }
        return isError ? "Error: " + body : body;
    }

    private void assistant(Turn turn) {
        AssistantText text = new AssistantText();
        StringBuilder reasoning = null;
        List<ObjectNode> toolCalls = new ArrayList<>();
        for (Located located : turn.blocks) {
            String path = located.path();
            switch (located.block()) {
                case ContentBlock.Text block -> text.append(block.text());
                case ContentBlock.Thinking thinking ->
                        reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(thinking.thinking());
                case ContentBlock.RedactedThinking ignored -> {
                    // Encrypted Anthropic reasoning means nothing to another model.
                }
                case ContentBlock.ToolUse use -> toolCalls.add(toolCall(use));
                case ContentBlock.ServerTool server -> text.appendLine(ServerToolText.render(server));
                case ContentBlock.Unknown unknown -> throw Rejections.unknownBlock(path, unknown.type());
                case ContentBlock block -> throw Rejections.misplacedBlock(path, block.type(), "in an assistant message");
            }
        }
        out.assistant(text.toString(), reasoning == null ? null : reasoning.toString(), toolCalls);
    }

    /** Arguments are written from the parsed tree, so the same history always gives the same bytes. */
    private static ObjectNode toolCall(ContentBlock.ToolUse use) {
        ObjectNode call = Json.object();
        call.put("id", ToolIds.toUpstream(use.id()));
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", use.name());
        function.put("arguments", Json.string(use.input()));
        return call;
    }

    /** Assistant text with server-tool renderings kept on lines of their own. */
    private static final class AssistantText {
        private final StringBuilder text = new StringBuilder();
        private boolean afterLine;

        void append(String more) {
            if (afterLine && !more.isEmpty() && !more.startsWith("\n")) {
                text.append('\n');
            }
            afterLine = false;
            text.append(more);
        }

        void appendLine(String line) {
            if (!text.isEmpty() && text.charAt(text.length() - 1) != '\n') {
                text.append('\n');
            }
            text.append(line);
            afterLine = true;
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private record Located(ContentBlock block, String path) {
    }

    /**
     * A user or assistant turn after {@code role:"system"} messages were folded away. Most open-model
     * templates reject a system message anywhere but first, so each becomes a {@code <system-reminder>}
     * text in the adjacent user turn: the next message when that is a user message (leading), else the
     * previous message when that is a user message (appended), else a user turn of its own in place.
     * Staying adjacent keeps the history in order and keeps it append-only from one request to the next,
     * which backend prefix caches depend on.
     */
    private static final class Turn {
        final Message.Role role;
        final List<String> leadingReminders = new ArrayList<>();
        final List<Located> blocks = new ArrayList<>();

        private Turn(Message.Role role) {
            this.role = role;
        }

        static List<Turn> fold(List<Message> messages) {
            List<Turn> turns = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                Message message = messages.get(i);
                if (message.role() == Message.Role.SYSTEM) {
                    String reminder = reminder(message, "messages." + i);
                    if (reminder == null) {
                        continue;
                    }
                    boolean nextIsUser = i + 1 < messages.size() && messages.get(i + 1).role() == Message.Role.USER;
                    Turn previous = turns.isEmpty() ? null : turns.getLast();
                    if (nextIsUser) {
                        pending.add(reminder);
                    } else if (previous != null && previous.role == Message.Role.USER) {
                        previous.blocks.add(new Located(syntheticText(reminder), null));
                    } else {
                        Turn own = new Turn(Message.Role.USER);
                        own.leadingReminders.add(reminder);
                        turns.add(own);
                    }
                    continue;
                }
                Turn turn = new Turn(message.role());
                if (message.role() == Message.Role.USER) {
                    turn.leadingReminders.addAll(pending);
                    pending.clear();
                }
                for (int j = 0; j < message.content().size(); j++) {
                    turn.blocks.add(new Located(message.content().get(j), "messages." + i + ".content." + j));
                }
                turns.add(turn);
            }
            return turns;
        }

        private static String reminder(Message message, String path) {
            List<String> texts = new ArrayList<>();
            for (int j = 0; j < message.content().size(); j++) {
                String blockPath = path + ".content." + j;
                switch (message.content().get(j)) {
                    case ContentBlock.Text text -> {
                        if (!isBillingHeader(text) && !text.text().isEmpty()) {
                            texts.add(text.text());
                        }
                    }
                    case ContentBlock.Unknown unknown -> throw Rejections.unknownBlock(blockPath, unknown.type());
                    case ContentBlock block -> throw Rejections.misplacedBlock(blockPath, block.type(),
                            "in a system message");
                }
            }
            return texts.isEmpty() ? null : joined(REMINDER, texts,
                    () -> "<system-reminder>\n" + String.join("\n\n", texts) + "\n</system-reminder>");
        }

        private static ContentBlock.Text syntheticText(String text) {
            ObjectNode raw = Json.object();
            raw.put("type", "text");
            raw.put("text", text);
            return new ContentBlock.Text(text, raw);
        }
    }
}
