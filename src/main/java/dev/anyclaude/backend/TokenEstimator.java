package dev.anyclaude.backend;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.anyclaude.api.BoundedMemo;
import dev.anyclaude.api.ContentBlock;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.Message;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.SameObjects;
import dev.anyclaude.api.Tool;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A local answer to {@code POST /v1/messages/count_tokens} for upstreams that cannot count. Claude Code acts on
 * the number (it truncates files and compacts the conversation by it), so this counts everything that reaches
 * the model with a real BPE vocabulary and adds the framing a chat template puts around it. The vocabulary is
 * OpenAI's cl100k_base (shipped with jtokkit): on Claude Code prompts it lands closer to Qwen3, Llama and
 * DeepSeek than o200k_base, errs high rather than low on non-English text, and counts 2.4x faster. The
 * constants are calibrated against real tokenizers on real Claude Code requests; docs/TOKEN_ESTIMATE.md has the
 * method and the measured error. When in doubt it counts high: a count that is
 * too low makes Claude Code compact too late, and the upstream then refuses the prompt.
 */
public final class TokenEstimator {

    /** The assistant header that opens the answer, and the start of the prompt. */
    static final int PER_REQUEST = 5;
    /** Turn markers and role name around every message (and around the system prompt). */
    static final int PER_MESSAGE = 5;
    /** The instructions a template puts around the tool list ("# Tools ... <tools></tools> ... <tool_call>"). */
    static final int TOOLS_PREAMBLE = 80;
    /** The {@code {"type": "function", "function": ...}} wrapper and line break around each tool's JSON. */
    static final int PER_TOOL = 10;
    /** The {@code <tool_call>{"name": ..., "arguments": ...}</tool_call>} framing of a tool call. */
    static final int PER_TOOL_CALL = 12;
    /** The {@code <tool_response>...</tool_response>} framing of a tool result. */
    static final int PER_TOOL_RESULT = 6;
    /** A document whose text is not in the request (URL, file id): about one page. */
    static final int UNKNOWN_DOCUMENT = 2_000;
    /** Anthropic: a PDF page costs 1500-3000 tokens (text plus the page image). */
    static final int PER_PDF_PAGE = 2_000;
    /** Redacted thinking is encrypted; its base64 is roughly as long as the thinking text was. */
    static final int REDACTED_CHARS_PER_TOKEN = 4;
    /**
     * cl100k counts Claude Code prompts 1-3% lower than the Qwen3, DeepSeek V3 and (legacy) Claude vocabularies
     * do; this margin lifts the estimate to, or just above, them. Counting high is the safe side.
     */
    static final int MARGIN_PERCENT = 3;

    private TokenEstimator() {
    }

    /** Loaded on first use (reading the ranks takes ~0.5 s in a cold JVM); class initialisation is thread-safe. */
    private static final class Bpe {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    }

    /** The estimated input tokens of the request: never 0, never negative, never throws. */
    public static long estimate(MessagesRequest request) {
        try {
            long tokens = PER_REQUEST
                    + systemTokens(request.system())
                    + toolTokens(request.tools())
                    + outputFormatTokens(request.outputFormat())
                    + messageTokens(request.messages());
            return Math.max(1, tokens + (tokens * MARGIN_PERCENT + 99) / 100);
        } catch (RuntimeException unexpected) {
            // Content this code did not foresee: fall back to a chars-per-token rule rather than fail the call.
            return Math.max(1, request.raw() == null ? 1 : Json.string(request.raw()).length() / 3);
        }
    }

    private static long systemTokens(List<ContentBlock.Text> system) {
        if (system.isEmpty()) {
            return 0;
        }
        long tokens = PER_MESSAGE;
        for (ContentBlock.Text block : system) {
            tokens += count(block.text()) + 1; // + the line break that joins the blocks
        }
        return tokens;
    }

    private static long toolTokens(List<Tool> tools) {
        if (tools.isEmpty()) {
            return 0;
        }
        long tokens = TOOLS_PREAMBLE;
        for (Tool tool : tools) {
            tokens += PER_TOOL + toolCount(tool);
        }
        return tokens;
    }

    /** What a tool's count depends on; equal for the same tool in every request of a client. */
    private record ToolKey(String name, String description, JsonNode schema, String type, JsonNode raw) {
        static ToolKey of(Tool tool) {
            return tool.isCustom() && tool.inputSchema() != null
                    ? new ToolKey(tool.name(), tool.description(), tool.inputSchema(), tool.type(), null)
                    : new ToolKey(null, null, null, null, tool.raw());
        }
    }

    /** Distinct tools whose counts are kept (a Claude Code version has a few dozen, MCP servers add theirs). */
    static final int TOOLS_KEPT = 4096;
    private static final BoundedMemo<ToolKey, Long> TOOL_COUNTS = new BoundedMemo<>(TOOLS_KEPT);

    /**
     * A tool's tokens, counted once per distinct tool: every request of a session repeats its tools, and writing a
     * tool as JSON to count it (32 KB for Claude Code's list) cost more than anything else in the estimate.
     */
    private static long toolCount(Tool tool) {
        return TOOL_COUNTS_BY_INSTANCE.get(instanceKey(tool),
                key -> TOOL_COUNTS.get(ToolKey.of(tool), content -> count(toolJson(tool))));
    }

    /**
     * The same counts found by the tool's instances ({@link SameObjects}): the parse memo gives every request
     * of a session the same ones, and the content key walked a whole schema to hash and compare it each time.
     */
    private static final BoundedMemo<SameObjects, Long> TOOL_COUNTS_BY_INSTANCE = new BoundedMemo<>(TOOLS_KEPT);

    private static SameObjects instanceKey(Tool tool) {
        return tool.isCustom() && tool.inputSchema() != null
                ? SameObjects.of(tool.name(), tool.description(), tool.inputSchema(), tool.type())
                : SameObjects.of(tool.raw());
    }

    /** Distinct tools counted and kept now (tests). */
    static int toolsKept() {
        return TOOL_COUNTS.size();
    }

    /**
     * A custom tool as an OpenAI-style function ({@code name, description, parameters}), the form in which
     * chat templates show it. Anthropic's own tools ({@code web_search_20250305}, ...) have no schema: their
     * definition as sent is the best measure we have.
     */
    private static String toolJson(Tool tool) {
        if (!tool.isCustom() || tool.inputSchema() == null) {
            return PromptJson.write(tool.raw(), "cache_control");
        }
        StringBuilder out = new StringBuilder(512).append("{\"name\": ");
        PromptJson.appendString(out, nullToEmpty(tool.name()));
        out.append(", \"description\": ");
        PromptJson.appendString(out, nullToEmpty(tool.description()));
        out.append(", \"parameters\": ");
        PromptJson.append(out, tool.inputSchema(), null);
        return out.append('}').toString();
    }

    /** A structured-output schema is given to the model too (in the prompt or as a grammar). */
    private static long outputFormatTokens(JsonNode outputFormat) {
        return outputFormat == null ? 0 : count(PromptJson.write(outputFormat, null));
    }

    private static long messageTokens(List<Message> messages) {
        int lastQuery = lastQueryIndex(messages);
        long tokens = 0;
        for (int i = 0; i < messages.size(); i++) {
            boolean keepThinking = i > lastQuery;
            tokens += PER_MESSAGE;
            for (ContentBlock block : messages.get(i).content()) {
                tokens += blockTokens(block, keepThinking);
            }
        }
        return tokens;
    }

    /**
     * The last user message that is more than tool results. Thinking before it is dropped from the prompt, both
     * by Anthropic ("thinking blocks from previous turns are not counted") and by open-model chat templates
     * (Qwen3 keeps reasoning only after the last user query); thinking after it, in the current tool loop, stays.
     */
    private static int lastQueryIndex(List<Message> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            Message message = messages.get(i);
            if (message.role() == Message.Role.USER
                    && message.content().stream().anyMatch(b -> !(b instanceof ContentBlock.ToolResult))) {
                return i;
            }
        }
        return -1;
    }

    private static long blockTokens(ContentBlock block, boolean keepThinking) {
        return switch (block) {
            case ContentBlock.Text text -> count(text.text());
            case ContentBlock.Image image -> "base64".equals(image.sourceType())
                    ? ImageTokens.ofBase64(image.data()) : ImageTokens.MAX_TOKENS;
            case ContentBlock.Document document -> documentTokens(document);
            case ContentBlock.ToolUse use ->
                    PER_TOOL_CALL + count(use.name()) + count(PromptJson.write(use.input(), null));
            case ContentBlock.ToolResult result -> PER_TOOL_RESULT + blocksTokens(result.content(), keepThinking);
            case ContentBlock.Thinking thinking -> keepThinking ? count(thinking.thinking()) : 0;
            case ContentBlock.RedactedThinking redacted -> keepThinking && redacted.data() != null
                    ? redacted.data().length() / REDACTED_CHARS_PER_TOKEN : 0;
            case ContentBlock.ToolReference reference -> count(reference.toolName());
            case ContentBlock.SearchResult result -> count(result.source()) + count(result.title())
                    + blocksTokens(result.content(), keepThinking);
            // Server-tool calls and results, and blocks this version does not know, reach the model as their JSON.
            case ContentBlock.ServerTool serverTool -> count(PromptJson.write(serverTool.raw(), "cache_control"));
            case ContentBlock.Unknown unknown -> count(PromptJson.write(unknown.raw(), "cache_control"));
        };
    }

    private static long blocksTokens(List<ContentBlock> blocks, boolean keepThinking) {
        long tokens = 0;
        for (ContentBlock block : blocks) {
            tokens += blockTokens(block, keepThinking);
        }
        return tokens;
    }

    private static long documentTokens(ContentBlock.Document document) {
        long tokens = count(document.title()) + count(Json.text(document.raw(), "context"));
        return tokens + switch (nullToEmpty(document.sourceType())) {
            case "text" -> count(document.data());
            case "content" -> documentContentTokens(document.raw().path("source").path("content"));
            case "base64" -> "application/pdf".equals(document.mediaType())
                    ? (long) pdfPages(document.data()) * PER_PDF_PAGE : count(decodeBase64Text(document.data()));
            default -> UNKNOWN_DOCUMENT;
        };
    }

    /** A {@code content} document holds a string or text and image blocks. */
    private static long documentContentTokens(JsonNode content) {
        if (content.isString()) {
            return count(content.stringValue());
        }
        long tokens = 0;
        for (JsonNode block : content.values()) {
            String type = Json.text(block, "type");
            if ("text".equals(type)) {
                tokens += count(Json.text(block, "text"));
            } else if ("image".equals(type)) {
                JsonNode source = block.path("source");
                tokens += "base64".equals(Json.text(source, "type"))
                        ? ImageTokens.ofBase64(Json.text(source, "data")) : ImageTokens.MAX_TOKENS;
            }
        }
        return tokens;
    }

    /**
     * Pages of a base64 PDF: the number of {@code /Type /Page} objects. PDFs that hide their objects in
     * compressed streams show none; those count one page per 20 KB (a typical text page), at least one.
     */
    static int pdfPages(String base64) {
        byte[] pdf;
        try {
            pdf = Base64.getMimeDecoder().decode(nullToEmpty(base64));
        } catch (IllegalArgumentException notBase64) {
            return 1;
        }
        int pages = 0;
        for (int i = indexOf(pdf, "/Type", 0); i >= 0; i = indexOf(pdf, "/Type", i + 5)) {
            int j = i + 5;
            while (j < pdf.length && (pdf[j] == ' ' || pdf[j] == '\n' || pdf[j] == '\r')) {
                j++;
            }
            if (startsWith(pdf, j, "/Page") && !startsWith(pdf, j, "/Pages")) {
                pages++;
            }
        }
        return pages > 0 ? pages : Math.max(1, pdf.length / 20_000);
    }

    private static String decodeBase64Text(String base64) {
        try {
            return new String(Base64.getMimeDecoder().decode(nullToEmpty(base64)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return base64;
        }
    }

    private static int indexOf(byte[] bytes, String ascii, int from) {
        for (int i = from; i <= bytes.length - ascii.length(); i++) {
            if (startsWith(bytes, i, ascii)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(byte[] bytes, int at, String ascii) {
        if (at + ascii.length() > bytes.length) {
            return false;
        }
        for (int k = 0; k < ascii.length(); k++) {
            if (bytes[at + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /**
     * BPE tokens of the text. "Ordinary" treats strings like {@code <|endoftext|>} as text instead of failing.
     * A run of more than {@value #LONG_RUN} characters without whitespace (base64, minified code, a repeated
     * letter) is counted in pieces of that size: jtokkit's merging slows down sharply with the length of one
     * piece (a megabyte of one letter took seconds, and a 32 MB request minutes), while cutting a run costs at
     * most about one token per cut, on the high side. Text without such runs is counted in one call, as before.
     */
    static long count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return MEMO.count(text);
    }

    /**
     * Counts of texts of 16 characters or more, up to 4 M characters and 64 Ki texts of them: a session's system
     * prompt, tool list and earlier messages are counted once, not on every turn. The short ones too (a turn's
     * titles, tool names and inputs, short texts): counted by BPE on every request they took most of the estimate's
     * time (14-25 us for a freshly parsed Claude Code request, under 5 with them remembered; docs/BENCHMARKS.md,
     * twelfth pass), where a lookup costs a hash and a comparison of a few dozen characters.
     */
    private static final CountMemo MEMO = new CountMemo(16, 4_000_000, 64 * 1024, TokenEstimator::countUncached);

    static long countUncached(String text) {
        long tokens = 0;
        int segmentStart = 0;
        int runStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                runStart = i + 1;
            } else if (i - runStart >= LONG_RUN && !Character.isLowSurrogate(c)) {
                tokens += Bpe.ENCODING.countTokensOrdinary(text.substring(segmentStart, i));
                segmentStart = i;
                runStart = i;
            }
        }
        return tokens + Bpe.ENCODING.countTokensOrdinary(segmentStart == 0 ? text : text.substring(segmentStart));
    }

    /** See {@link #count}: longer runs without whitespace are counted in pieces of this many characters. */
    static final int LONG_RUN = 128;

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }
}
