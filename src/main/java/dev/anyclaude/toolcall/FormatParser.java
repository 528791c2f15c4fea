package dev.anyclaude.toolcall;

import java.util.function.Consumer;

/**
 * A streaming parser for one model family's output, fed text in any split. It hands out pieces as
 * soon as they are certain: text flows on at once, only a suffix that could be the start of a marker
 * is held back. Feeding the whole text in one call and then {@link #finish} gives the same pieces as
 * any other split (chunk-boundary invariance).
 */
public interface FormatParser {

    /** Visible text from the upstream (OpenAI {@code content}, Anthropic text deltas). */
    void feed(String text, Consumer<Piece> out);

    /**
     * Reasoning the upstream already separated ({@code reasoning_content}, thinking deltas). Families that
     * really call tools inside their reasoning scan it; the default passes it on as thinking.
     */
    default void feedReasoning(String text, Consumer<Piece> out) {
        if (!text.isEmpty()) {
            out.accept(new Piece.Thinking(text));
        }
    }

    /** End of the output: whatever is held is resolved (an unclosed call is parsed if what was written parses). */
    void finish(Consumer<Piece> out);
}
