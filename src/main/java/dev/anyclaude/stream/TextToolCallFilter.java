package dev.anyclaude.stream;

import dev.anyclaude.api.Ids;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.api.Tool;
import dev.anyclaude.toolcall.ArgumentTyper;
import dev.anyclaude.toolcall.FormatParser;
import dev.anyclaude.toolcall.FormatRegistry;
import dev.anyclaude.toolcall.ParserResume;
import dev.anyclaude.toolcall.Piece;
import dev.anyclaude.toolcall.ToolCallFormat;
import dev.anyclaude.toolcall.ToolNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Recovers tool calls that a model wrote as text in its own format, while the response streams: text
 * and reasoning go through the format's parser, calls come out as {@link ModelEvent.ToolCall}s whose
 * input is typed by the tool's schema. A call that cannot be used (a tool the request did not offer,
 * arguments that make no object, a call cut off by {@code max_tokens}, a region that could not be read)
 * is delivered as the text the model wrote, and the reason logged.
 *
 * <p>Order is kept: anything that is not text or reasoning (a structured tool call from the upstream,
 * a thinking signature) first resolves what the parser holds, then passes; a fresh parser continues
 * after it, in visible text. Visible text that follows reasoning the upstream split off is visible text
 * too, even for a family whose template opens reasoning in the prompt. {@code Finish} and {@code Failure}
 * resolve the parser before they pass; a call that only the end of the output completed is text when
 * the output was cut off ({@code max_tokens}) or failed. If the parser itself fails, the rest of the
 * response passes as plain text.
 */
public final class TextToolCallFilter implements ModelEventSink {
    private static final Logger LOG = LoggerFactory.getLogger(TextToolCallFilter.class);
    private static final int EXCERPT = 60;

    private final List<Tool> tools;
    private final Supplier<String> ids;
    private final ModelEventSink next;
    private final Consumer<Piece> pieces = this::piece;
    private ToolCallFormat format;
    private FormatParser parser;
    /** Text or reasoning went into the parser since it was made. */
    private boolean fed;
    private boolean textFed;
    private boolean reasoningFed;
    /** The pieces being delivered come from upstream reasoning: a call that fails goes back as reasoning. */
    private boolean inReasoning;
    /** Why calls resolved now are incomplete (the turn did not end normally), or null. */
    private String cutOff;
    /** What the next sink threw: passed on untouched, it is not the parser's failure. */
    private RuntimeException downstream;

    /**
     * @param tools the tools the request offered; null accepts any name (there is nothing to check
     *              against) and leaves arguments untyped
     */
    public TextToolCallFilter(ToolCallFormat format, List<Tool> tools, ModelEventSink next) {
        this(format, tools, Ids::toolUse, next);
    }

    /** As above, with the source of {@code tool_use} ids. */
    public TextToolCallFilter(ToolCallFormat format, List<Tool> tools, Supplier<String> ids, ModelEventSink next) {
        this.format = format;
        this.tools = tools == null ? null : List.copyOf(tools);
        this.ids = ids;
        this.next = next;
        this.parser = format.newParser();
    }

    @Override
    public void accept(ModelEvent event) {
        switch (event) {
            case ModelEvent.TextDelta text -> feed(text.text(), false);
            case ModelEvent.ThinkingDelta thinking -> feed(thinking.text(), true);
            case ModelEvent.Usage usage -> next.accept(usage);
            case ModelEvent.Finish finish -> {
                resolve(finish.reason() == StopReason.MAX_TOKENS ? "the output was cut off by max_tokens" : null);
                next.accept(finish);
            }
            case ModelEvent.Failure failure -> {
                resolve("the response failed before the call was complete");
                next.accept(failure);
            }
            case ModelEvent.ToolCall call -> passInOrder(call);
            case ModelEvent.ThinkingSignature signature -> passInOrder(signature);
            case ModelEvent.RedactedThinking redacted -> passInOrder(redacted);
        }
    }

    private void feed(String text, boolean reasoning) {
        if (text.isEmpty()) {
            return;
        }
        fed = true;
        inReasoning = reasoning;
        try {
            if (reasoning) {
                reasoningFed = true;
            } else if (!textFed) {
                textFed = true;
                if (reasoningFed) {
                    // The upstream split the reasoning off, so reasoning the template opened is over.
                    ParserResume.inText(parser);
                }
            }
            if (reasoning) {
                parser.feedReasoning(text, pieces);
            } else {
                parser.feed(text, pieces);
            }
        } catch (RuntimeException e) {
            if (e == downstream) {
                throw e;
            }
            parserFailed(e);
            deliver(reasoning ? new ModelEvent.ThinkingDelta(text) : new ModelEvent.TextDelta(text));
        } finally {
            inReasoning = false;
        }
    }

    /** What the parser holds came before {@code event}: resolve it, pass the event, continue afresh. */
    private void passInOrder(ModelEvent event) {
        if (fed) {
            resolve(null);
            parser = ParserResume.inText(format.newParser());
            fed = false;
            textFed = true;
        }
        next.accept(event);
    }

    private void resolve(String incompleteBecause) {
        cutOff = incompleteBecause;
        try {
            parser.finish(pieces);
        } catch (RuntimeException e) {
            if (e == downstream) {
                throw e;
            }
            parserFailed(e);
        } finally {
            cutOff = null;
        }
    }

    private void parserFailed(RuntimeException e) {
        LOG.error("the {} tool-call parser failed; the rest of this response passes as plain text", format.name(), e);
        format = FormatRegistry.none();
        parser = format.newParser();
    }

    private void piece(Piece piece) {
        switch (piece) {
            case Piece.Text text -> deliver(new ModelEvent.TextDelta(text.text()));
            case Piece.Thinking thinking -> deliver(new ModelEvent.ThinkingDelta(thinking.text()));
            case Piece.Call call -> call(call);
            case Piece.Malformed malformed -> asText(malformed.raw(), malformed.reason());
        }
    }

    private void call(Piece.Call call) {
        if (cutOff != null) {
            asText(call.raw(), cutOff);
            return;
        }
        Optional<Tool> tool = resolveName(call.name());
        if (tool.isEmpty()) {
            asText(call.raw(), (tools == null ? "no usable tool name " : "the request offers no tool named ")
                    + excerpt(String.valueOf(call.name())));
            return;
        }
        Optional<ObjectNode> input;
        try {
            input = ArgumentTyper.type(call.arguments(), tool.get().inputSchema());
        } catch (RuntimeException e) {
            LOG.debug("typing the arguments of {} failed", tool.get().name(), e);
            input = Optional.empty();
        }
        if (input.isEmpty()) {
            asText(call.raw(), "the arguments of " + tool.get().name() + " do not make a JSON object");
            return;
        }
        deliver(new ModelEvent.ToolCall(ids.get(), tool.get().name(), Json.string(input.get())));
    }

    private Optional<Tool> resolveName(String written) {
        if (tools != null) {
            return ToolNames.resolve(written, tools);
        }
        return anyName(written).map(name -> new Tool(name, null, null, null, false, null));
    }

    /**
     * With no tools to check against, a name is taken as written, less the decorations {@link ToolNames}
     * also removes (quotes, {@code functions.}, Kimi's {@code :index}); a name no tool could have is none.
     */
    static Optional<String> anyName(String written) {
        if (written == null) {
            return Optional.empty();
        }
        String name = written.strip();
        if (name.length() >= 2 && (name.startsWith("\"") && name.endsWith("\"")
                || name.startsWith("'") && name.endsWith("'"))) {
            name = name.substring(1, name.length() - 1).strip();
        }
        if (name.startsWith("functions.")) {
            name = name.substring("functions.".length());
        }
        int colon = name.lastIndexOf(':');
        if (colon > 0 && colon < name.length() - 1 && name.substring(colon + 1).chars().allMatch(Character::isDigit)) {
            name = name.substring(0, colon);
        }
        if (name.isEmpty() || name.chars().anyMatch(c -> "{}<>\"'`".indexOf(c) >= 0 || Character.isWhitespace(c))) {
            return Optional.empty();
        }
        return Optional.of(name);
    }

    private void asText(String raw, String reason) {
        LOG.warn("{} tool call delivered as text: {} ({} chars: {})", format.name(), reason, raw.length(),
                excerpt(raw));
        if (!raw.isEmpty()) {
            deliver(inReasoning ? new ModelEvent.ThinkingDelta(raw) : new ModelEvent.TextDelta(raw));
        }
    }

    private void deliver(ModelEvent event) {
        try {
            next.accept(event);
        } catch (RuntimeException e) {
            downstream = e;
            throw e;
        }
    }

    /** The start of a model-written text for a log line, on one line. */
    static String excerpt(String text) {
        StringBuilder out = new StringBuilder(EXCERPT + 8);
        int end = Math.min(text.length(), EXCERPT);
        if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> out.append(c < 0x20 ? '?' : c);
            }
        }
        if (end < text.length()) {
            out.append('…');
        }
        return out.toString();
    }

}
