package dev.anyclaude.backend;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.testing.Captures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class TokenEstimatorTest {

    private static final String PARAGRAPH = """
            The quick brown fox jumps over the lazy dog. This sentence has been used for more than a century to \
            show every letter of the English alphabet, and typists still use it to test keyboards and fonts. \
            Tokenizers split such text into pieces that are often whole words, so an English paragraph of this \
            length comes to roughly one token for every four or five characters.""";

    // ---- basics -------------------------------------------------------------------------------------------

    @Test
    void oneCharacterRequestIsPositive() {
        assertThat(estimate(request(userText("x")))).isPositive();
    }

    @Test
    void requestWithoutMessagesIsStillPositive() {
        assertThat(estimate(request())).isPositive();
    }

    @Test
    void englishParagraphLandsInASaneBandAroundItsExactO200kCount() {
        int exact = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE).countTokens(PARAGRAPH);

        long estimate = estimate(request(userText(PARAGRAPH)));

        // framing (a dozen tokens) and the safety margin on top, never below the text's own count
        assertThat(estimate).isBetween((long) exact, (long) (exact * 1.15) + 20);
    }

    @Test
    void estimateGrowsWithTheText() {
        long one = estimate(request(userText(PARAGRAPH)));
        long ten = estimate(request(userText(PARAGRAPH.repeat(10))));

        assertThat(ten).isGreaterThan(9 * (one - 20));
    }

    @Test
    void longRunsWithoutWhitespaceAreCountedQuicklyAndNotLow() {
        var exact = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        java.util.Random random = new java.util.Random(7);
        StringBuilder base64 = new StringBuilder();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 20_000; i++) {
            base64.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        for (String text : new String[]{"a".repeat(20_000), base64.toString(), "x😀".repeat(5_000)}) {
            long whole = exact.countTokensOrdinary(text);
            // cutting a run loses at most the merge across each cut: never lower, at most a few percent higher
            assertThat(TokenEstimator.count(text)).isBetween(whole, whole + whole / 20 + text.length() / 128);
        }
        // one letter repeated for 4 MB: seconds per megabyte when counted as one piece
        long start = System.nanoTime();
        TokenEstimator.count("a".repeat(4 * 1024 * 1024));
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(5));
    }

    @Test
    void textWithoutLongRunsIsCountedExactlyAsBefore() {
        var exact = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
        String text = PARAGRAPH.repeat(50) + " https://example.com/" + "path/".repeat(20);
        assertThat(TokenEstimator.count(text)).isEqualTo(exact.countTokensOrdinary(text));
    }

    @Test
    void textThatLooksLikeASpecialTokenIsCountedAsText() {
        assertThat(estimate(request(userText("<|endoftext|><|im_start|>system")))).isGreaterThan(5);
    }

    // ---- everything that reaches the model counts -----------------------------------------------------------

    @Test
    void addingAMessageRaisesTheEstimate() {
        ObjectNode body = request(userText("hello"));
        long before = estimate(body);
        messages(body).add(message("assistant", "Hi. What can I do for you?"));

        assertThat(estimate(body)).isGreaterThan(before);
    }

    @Test
    void addingASystemBlockRaisesTheEstimate() {
        ObjectNode body = request(userText("hello"));
        long without = estimate(body);
        ArrayNode system = body.putArray("system");
        system.addObject().put("type", "text").put("text", "You are a careful assistant.");
        long one = estimate(body);
        system.addObject().put("type", "text").put("text", "Answer in one sentence.");

        assertThat(one).isGreaterThan(without);
        assertThat(estimate(body)).isGreaterThan(one);
    }

    @Test
    void addingAToolRaisesTheEstimate() {
        ObjectNode body = request(userText("hello"));
        long without = estimate(body);
        body.putArray("tools").add(tool("get_weather", "Current weather for a city.", "city"));
        long one = estimate(body);
        ((ArrayNode) body.get("tools")).add(tool("get_time", "Current time in a time zone.", "zone"));

        assertThat(one).isGreaterThan(without + 20); // name, description, schema and the tool-list preamble
        assertThat(estimate(body)).isGreaterThan(one);
    }

    @Test
    void eachDistinctToolIsCountedOnceAndGivesTheSameEstimateEveryTime() {
        String name = "tool_" + System.nanoTime();
        ObjectNode body = request(userText("hello"));
        body.putArray("tools").add(tool(name, "Does the thing. ".repeat(40), "what"));
        int kept = TokenEstimator.toolsKept();

        long first = estimate(body);   // each call parses the body afresh: new strings, new schema nodes
        long second = estimate(body);

        assertThat(second).isEqualTo(first);
        assertThat(TokenEstimator.toolsKept()).isEqualTo(kept + 1);
        ((ObjectNode) body.get("tools").get(0)).put("description", "Does another thing.");
        assertThat(estimate(body)).as("a changed description is another tool").isLessThan(first);
        assertThat(TokenEstimator.toolsKept()).isEqualTo(kept + 2);
    }

    @Test
    void toolSchemasAreCounted() {
        ObjectNode small = request(userText("hello"));
        small.putArray("tools").add(tool("edit", "Edits a file.", "path"));
        ObjectNode big = request(userText("hello"));
        ObjectNode bigTool = tool("edit", "Edits a file.", "path");
        ObjectNode properties = (ObjectNode) bigTool.get("input_schema").get("properties");
        for (String name : new String[] {"old_string", "new_string", "replace_all", "encoding", "line_endings"}) {
            properties.putObject(name).put("type", "string").put("description", "The " + name.replace('_', ' ')
                    + " to use for this edit; see the tool description for how it is applied.");
        }
        big.putArray("tools").add(bigTool);

        assertThat(estimate(big) - estimate(small)).isGreaterThan(5 * 15);
    }

    @Test
    void toolCallsAndToolResultsAreCounted() {
        ObjectNode body = request(userText("list the files"));
        ObjectNode call = messages(body).addObject().put("role", "assistant");
        ObjectNode use = call.putArray("content").addObject()
                .put("type", "tool_use").put("id", "toolu_1").put("name", "Bash");
        use.putObject("input").put("command", "ls -la /srv/project");
        long withCall = estimate(body);
        ObjectNode result = messages(body).addObject().put("role", "user").putArray("content").addObject()
                .put("type", "tool_result").put("tool_use_id", "toolu_1");
        long emptyResult = estimate(body);
        result.put("content", "total 8\n" + "-rw-r--r-- 1 user user 120 Jan 1 12:00 README.md\n".repeat(20));
        long stringResult = estimate(body);
        result.putArray("content").addObject().put("type", "text")
                .put("text", "total 8\n" + "-rw-r--r-- 1 user user 120 Jan 1 12:00 README.md\n".repeat(20));

        assertThat(withCall).isGreaterThan(estimate(request(userText("list the files"))) + 10);
        assertThat(emptyResult).isGreaterThan(withCall);
        assertThat(stringResult).isGreaterThan(emptyResult + 20 * 10);
        assertThat(estimate(body)).as("nested text blocks count like a string").isEqualTo(stringResult);
    }

    @Test
    void toolReferencesSearchResultsAndServerToolBlocksAreCounted() {
        ObjectNode body = request(userText("hello"));
        long before = estimate(body);
        ArrayNode content = messages(body).addObject().put("role", "user").putArray("content");
        content.addObject().put("type", "tool_reference").put("tool_name", "NotebookEdit");
        long withReference = estimate(body);
        ObjectNode search = content.addObject().put("type", "search_result")
                .put("source", "https://example.com/guide").put("title", "Guide");
        search.putArray("content").addObject().put("type", "text").put("text", PARAGRAPH);
        long withSearch = estimate(body);
        ObjectNode server = content.addObject().put("type", "web_search_tool_result").put("tool_use_id", "srvtoolu_1");
        server.putArray("content").addObject().put("type", "web_search_result")
                .put("url", "https://example.com").put("title", "Example Domain").put("encrypted_content", "abc");
        long withServer = estimate(body);
        content.addObject().put("type", "some_future_block").put("payload", "something the model reads");

        assertThat(withReference).isGreaterThan(before);
        assertThat(withSearch).isGreaterThan(withReference + 50);
        assertThat(withServer).isGreaterThan(withSearch + 10);
        assertThat(estimate(body)).isGreaterThan(withServer);
    }

    @Test
    void documentsAreCounted() {
        ObjectNode body = request(userText("summarise"));
        long before = estimate(body);
        ObjectNode text = messages(body).addObject().put("role", "user").putArray("content").addObject()
                .put("type", "document").put("title", "Notes");
        text.putObject("source").put("type", "text").put("media_type", "text/plain").put("data", PARAGRAPH);
        long withText = estimate(body);
        String pdf = "%PDF-1.4\n1 0 obj << /Type /Pages /Count 3 >> endobj\n"
                + "2 0 obj << /Type /Page >> endobj\n3 0 obj << /Type/Page >> endobj\n"
                + "4 0 obj << /Type /Page >> endobj\n";
        ObjectNode pdfBlock = ((ArrayNode) messages(body).get(1).get("content")).addObject().put("type", "document");
        pdfBlock.putObject("source").put("type", "base64").put("media_type", "application/pdf")
                .put("data", Base64.getEncoder().encodeToString(pdf.getBytes(StandardCharsets.US_ASCII)));

        assertThat(withText).isGreaterThan(before + 60);
        long pages = 3L * TokenEstimator.PER_PDF_PAGE * (100 + TokenEstimator.MARGIN_PERCENT) / 100;
        assertThat(estimate(body) - withText).isBetween(pages - 1, pages + 1); // three /Type /Page objects
    }

    @Test
    void thinkingCountsOnlyInTheCurrentTurn() {
        // Earlier turns' thinking is dropped from the prompt (Anthropic and chat templates alike).
        ObjectNode old = request(userText("first question"));
        messages(old).add(assistantWithThinking(PARAGRAPH, "answer"));
        messages(old).add(message("user", "second question"));
        ObjectNode oldWithout = request(userText("first question"));
        messages(oldWithout).add(assistantWithThinking("", "answer"));
        messages(oldWithout).add(message("user", "second question"));

        // Thinking after the last user question (a tool loop in progress) stays.
        ObjectNode current = request(userText("question"));
        messages(current).add(assistantWithThinking(PARAGRAPH, "let me look"));
        ObjectNode currentWithout = request(userText("question"));
        messages(currentWithout).add(assistantWithThinking("", "let me look"));

        assertThat(estimate(old)).isEqualTo(estimate(oldWithout));
        assertThat(estimate(current)).isGreaterThan(estimate(currentWithout) + 60);
    }

    @Test
    void cacheControlIsNotCounted() {
        ObjectNode plain = request(userText("hello"));
        ObjectNode cached = request(userText("hello"));
        ObjectNode block = (ObjectNode) cached.get("messages").get(0).get("content").get(0);
        block.putObject("cache_control").put("type", "ephemeral");

        assertThat(estimate(cached)).isEqualTo(estimate(plain));
    }

    // ---- images ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({
            "100, 100, 14",      // 10,000 px / 750
            "1000, 1000, 1334",
            "1092, 1092, 1590",  // Anthropic's example of a ~1600-token image
            "200, 3136, 210",    // long edge scaled to 1568 first: 100 x 1568
            "4000, 3000, 1600",  // capped
            "1, 1, 1"})
    void imageTokensFollowAnthropicsPixelRule(int width, int height, long tokens) {
        assertThat(ImageTokens.ofSize(width, height)).isEqualTo(tokens);
    }

    @ParameterizedTest
    @CsvSource({"png, 640, 480", "jpg, 321, 123", "gif, 32, 48", "bmp, 10, 10"})
    void imageSizeIsReadFromTheHeader(String format, int width, int height) throws IOException {
        ImageTokens.Size size = ImageTokens.sizeOfBase64(base64Image(format, width, height));

        if (format.equals("bmp")) {
            assertThat(size).as("not a format Anthropic takes").isNull();
        } else {
            assertThat(size).isEqualTo(new ImageTokens.Size(width, height));
        }
    }

    @Test
    void webpSizeIsReadFromAllThreeHeaderKinds() {
        byte[] lossy = webp("VP8 ");
        lossy[23] = (byte) 0x9D;
        lossy[24] = 0x01;
        lossy[25] = 0x2A;
        putLe16(lossy, 26, 400);
        putLe16(lossy, 28, 300);
        byte[] lossless = webp("VP8L");
        lossless[20] = 0x2F;
        int bits = (400 - 1) | (300 - 1) << 14;
        for (int i = 0; i < 4; i++) {
            lossless[21 + i] = (byte) (bits >>> (8 * i));
        }
        byte[] extended = webp("VP8X");
        putLe16(extended, 24, 400 - 1);
        putLe16(extended, 27, 300 - 1);

        for (byte[] header : new byte[][] {lossy, lossless, extended}) {
            assertThat(ImageTokens.sizeOf(header)).isEqualTo(new ImageTokens.Size(400, 300));
        }
    }

    @Test
    void imagesAreCountedBySize() throws IOException {
        long small = estimate(withImage(base64Image("png", 64, 64)));
        long large = estimate(withImage(base64Image("png", 1200, 900)));
        long none = estimate(request(userText("what is this?")));

        assertThat(small - none).isBetween(5L, 15L);           // 4096 px / 750 = 6 tokens
        assertThat(large - none).isBetween(1440L, 1500L);      // 1,080,000 px / 750 = 1440 tokens
    }

    @Test
    void imagesOfUnknownSizeCountAsTheCap() {
        long none = estimate(request(userText("what is this?")));
        ObjectNode garbage = withImage("bm90IGFuIGltYWdl"); // "not an image"
        ObjectNode notBase64 = withImage("%%%");
        ObjectNode url = request(userText("what is this?"));
        ObjectNode image = ((ArrayNode) url.get("messages").get(0).get("content")).addObject().put("type", "image");
        image.putObject("source").put("type", "url").put("url", "https://example.com/cat.png");

        for (ObjectNode body : new ObjectNode[] {garbage, notBase64, url}) {
            assertThat(estimate(body) - none).isBetween(1600L, 1700L);
        }
    }

    // ---- real Claude Code requests --------------------------------------------------------------------------

    /**
     * Captured Claude Code bodies against their true Qwen3 count (chat template applied, measured with
     * scripts/measure-token-estimate): the estimate stays just above it.
     */
    @ParameterizedTest
    @CsvSource({
            "03-print-mode-parallel-tool-results.json, 11924",
            "04-toolsearch-followup.json, 12062",
            "06-count-tokens-tools.json, 8756"})
    void capturedClaudeCodeRequestsEstimateJustAboveQwen3(String file, long qwen3Tokens) {
        byte[] body = capture(file);
        MessagesRequest request = RequestParser.parseCountTokens(body);

        long estimate = TokenEstimator.estimate(request);

        assertThat(estimate).isBetween(qwen3Tokens, qwen3Tokens * 106 / 100);
        assertThat(estimate).isBetween(body.length / 6L, body.length / 2L);
    }

    @Test
    void promptJsonLooksLikePythonJsonDumps() {
        ObjectNode node = Json.object();
        node.put("name", "é\"x\"\n").put("n", 1).put("f", 1.5).put("b", true).putNull("z");
        node.putArray("list").add(1).add("two");
        node.putObject("cache_control").put("type", "ephemeral");

        assertThat(PromptJson.write(node, "cache_control"))
                .isEqualTo("{\"name\": \"é\\\"x\\\"\\n\", \"n\": 1, \"f\": 1.5, \"b\": true, \"z\": null, "
                        + "\"list\": [1, \"two\"]}");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static long estimate(ObjectNode body) {
        return TokenEstimator.estimate(RequestParser.parseCountTokens(Json.bytes(body)));
    }

    private static ObjectNode request(ObjectNode... messages) {
        ObjectNode body = Json.object().put("model", "claude-test");
        ArrayNode list = body.putArray("messages");
        for (ObjectNode message : messages) {
            list.add(message);
        }
        return body;
    }

    private static ArrayNode messages(ObjectNode body) {
        return (ArrayNode) body.get("messages");
    }

    private static ObjectNode userText(String text) {
        ObjectNode message = Json.object().put("role", "user");
        message.putArray("content").addObject().put("type", "text").put("text", text);
        return message;
    }

    private static ObjectNode message(String role, String text) {
        return Json.object().put("role", role).put("content", text);
    }

    private static ObjectNode assistantWithThinking(String thinking, String text) {
        ObjectNode message = Json.object().put("role", "assistant");
        ArrayNode content = message.putArray("content");
        content.addObject().put("type", "thinking").put("thinking", thinking).put("signature", "sig");
        content.addObject().put("type", "text").put("text", text);
        return message;
    }

    private static ObjectNode tool(String name, String description, String parameter) {
        ObjectNode tool = Json.object().put("name", name).put("description", description);
        ObjectNode schema = tool.putObject("input_schema").put("type", "object");
        schema.putObject("properties").putObject(parameter).put("type", "string");
        schema.putArray("required").add(parameter);
        return tool;
    }

    private static ObjectNode withImage(String base64) {
        ObjectNode body = request(userText("what is this?"));
        ObjectNode image = ((ArrayNode) body.get("messages").get(0).get("content")).addObject().put("type", "image");
        image.putObject("source").put("type", "base64").put("media_type", "image/png").put("data", base64);
        return body;
    }

    private static String base64Image(String format, int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    private static byte[] webp(String chunk) {
        byte[] header = new byte[32];
        System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, header, 0, 4);
        System.arraycopy("WEBP".getBytes(StandardCharsets.US_ASCII), 0, header, 8, 4);
        System.arraycopy(chunk.getBytes(StandardCharsets.US_ASCII), 0, header, 12, 4);
        return header;
    }

    private static void putLe16(byte[] bytes, int at, int value) {
        bytes[at] = (byte) value;
        bytes[at + 1] = (byte) (value >>> 8);
    }

    private static byte[] capture(String file) {
        return dev.anyclaude.api.Json.bytes(Captures.body(file));
    }
}
