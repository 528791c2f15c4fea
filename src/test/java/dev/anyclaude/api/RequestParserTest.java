package dev.anyclaude.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RequestParserTest {

    private static final String USER_HI = "{\"role\":\"user\",\"content\":\"hi\"}";

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** A valid body with {@code extra} spliced in after the required fields (extra starts with a comma). */
    private static String body(String extra) {
        return "{\"model\":\"claude-x\",\"max_tokens\":100,\"messages\":[" + USER_HI + "]" + extra + "}";
    }

    /** A body whose messages are {@code messages} (a JSON array text). */
    private static String withMessages(String messages) {
        return "{\"model\":\"claude-x\",\"max_tokens\":100,\"messages\":" + messages + "}";
    }

    private static MessagesRequest parse(String json) {
        return RequestParser.parseMessages(utf8(json));
    }

    private static ApiError rejection(byte[] body) {
        ApiException e = catchThrowableOfType(ApiException.class, () -> RequestParser.parseMessages(body));
        assertThat(e).as("an ApiException for %s", body == null ? null : new String(body, StandardCharsets.UTF_8))
                .isNotNull();
        assertThat(e.error().status()).isEqualTo(400);
        assertThat(e.error().type()).isEqualTo("invalid_request_error");
        assertThat(e.getMessage()).isEqualTo(e.error().message());
        return e.error();
    }

    // ---- every validation path names its field -------------------------------------------------------------

    static Stream<Arguments> invalidBodies() {
        return Stream.of(
                Arguments.of("{\"max_tokens\":1,\"messages\":[]}", "model: Field required"),
                Arguments.of("{\"model\":null,\"max_tokens\":1,\"messages\":[]}", "model: Field required"),
                Arguments.of("{\"model\":7,\"max_tokens\":1,\"messages\":[]}", "model: Input should be a valid string"),
                Arguments.of("{\"model\":\"  \",\"max_tokens\":1,\"messages\":[]}", "model: must not be empty"),
                Arguments.of("{\"model\":\"m\",\"messages\":[]}", "max_tokens: Field required"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":-1,\"messages\":[]}",
                        "max_tokens: must be greater than or equal to 0"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":\"100\",\"messages\":[]}",
                        "max_tokens: Input should be a valid integer"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":1.5,\"messages\":[]}",
                        "max_tokens: Input should be a valid integer, got a number with a fractional part"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":99999999999,\"messages\":[]}",
                        "max_tokens: must be less than or equal to 2147483647, got 99999999999"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":1}", "messages: Field required"),
                Arguments.of("{\"model\":\"m\",\"max_tokens\":1,\"messages\":{}}", "messages: Input should be a valid list"),
                Arguments.of(withMessages("[\"hi\"]"), "messages.0: Input should be a valid dictionary"),
                Arguments.of(withMessages("[{\"content\":\"hi\"}]"), "messages.0.role: Field required"),
                Arguments.of(withMessages("[" + USER_HI + ",{\"role\":\"tool\",\"content\":\"x\"}]"),
                        "messages.1.role: Input should be 'user', 'assistant' or 'system', got 'tool'"),
                Arguments.of(withMessages("[{\"role\":\"user\"}]"), "messages.0.content: Field required"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":3}]"),
                        "messages.0.content: Input should be a valid string or list of content blocks"),
                Arguments.of(withMessages("[" + USER_HI + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"text\"}]}]"),
                        "messages.1.content.0.text: Field required"),
                Arguments.of(withMessages("[" + USER_HI + ",{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":[]}]}]"),
                        "messages.1.content.0.text: Input should be a valid string"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"text\":\"x\"}]}]"),
                        "messages.0.content.0.type: Field required"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[\"x\"]}]"),
                        "messages.0.content.0: Input should be a valid dictionary"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]"),
                        "messages.0.content.0.source: Field required"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\"}}]}]"),
                        "messages.0.content.0.source.data: Field required"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"ftp\"}}]}]"),
                        "messages.0.content.0.source.type: unsupported image source type 'ftp' (expected base64, url or file)"),
                Arguments.of(withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\"}]}]"),
                        "messages.0.content.0.input: Field required"),
                Arguments.of(withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"n\",\"input\":\"{}\"}]}]"),
                        "messages.0.content.0.input: Input should be a valid dictionary"),
                Arguments.of(withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"name\":\"n\",\"input\":{}}]}]"),
                        "messages.0.content.0.id: Field required"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"content\":\"ok\"}]}]"),
                        "messages.0.content.0.tool_use_id: Field required"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"is_error\":\"yes\"}]}]"),
                        "messages.0.content.0.is_error: Input should be a valid boolean"),
                Arguments.of(withMessages("[{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[{\"type\":\"text\",\"text\":1}]}]}]"),
                        "messages.0.content.0.content.0.text: Input should be a valid string"),
                Arguments.of(withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"thinking\",\"signature\":\"s\"}]}]"),
                        "messages.0.content.0.thinking: Field required"),
                Arguments.of(withMessages("[{\"role\":\"assistant\",\"content\":[{\"type\":\"redacted_thinking\"}]}]"),
                        "messages.0.content.0.data: Field required"),
                Arguments.of(body(",\"system\":5"), "system: Input should be a valid string or list of text blocks"),
                Arguments.of(body(",\"system\":[{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"u\"}}]"),
                        "system.0.type: Input should be 'text'"),
                Arguments.of(body(",\"tools\":{}"), "tools: Input should be a valid list"),
                Arguments.of(body(",\"tools\":[{\"name\":\"a\"}]"), "tools.0.input_schema: Field required"),
                Arguments.of(body(",\"tools\":[{\"name\":\"a\",\"input_schema\":{}},{\"name\":\"b\",\"input_schema\":[]}]"),
                        "tools.1.input_schema: Input should be a valid dictionary"),
                Arguments.of(body(",\"tools\":[{\"input_schema\":{}}]"), "tools.0.name: Field required"),
                Arguments.of(body(",\"tools\":[1]"), "tools.0: Input should be a valid dictionary"),
                Arguments.of(body(",\"tool_choice\":\"auto\""), "tool_choice: Input should be a valid dictionary"),
                Arguments.of(body(",\"tool_choice\":{}"), "tool_choice.type: Field required"),
                Arguments.of(body(",\"tool_choice\":{\"type\":\"required\"}"),
                        "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'"),
                Arguments.of(body(",\"tool_choice\":{\"type\":\"tool\"}"), "tool_choice.name: Field required"),
                Arguments.of(body(",\"thinking\":{\"type\":\"enabled\"}"), "thinking.budget_tokens: Field required"),
                Arguments.of(body(",\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":\"2048\"}"),
                        "thinking.budget_tokens: Input should be a valid integer"),
                Arguments.of(body(",\"thinking\":{\"type\":\"on\"}"),
                        "thinking.type: Input should be 'enabled', 'disabled' or 'adaptive'"),
                Arguments.of(body(",\"thinking\":true"), "thinking: Input should be a valid dictionary"),
                Arguments.of(body(",\"stop_sequences\":\"END\""), "stop_sequences: Input should be a valid list"),
                Arguments.of(body(",\"stop_sequences\":[\"END\",7]"), "stop_sequences.1: Input should be a valid string"),
                Arguments.of(body(",\"temperature\":\"hot\""), "temperature: Input should be a valid number"),
                Arguments.of(body(",\"top_k\":2.5"), "top_k: Input should be a valid integer, got a number with a fractional part"),
                Arguments.of(body(",\"stream\":\"true\""), "stream: Input should be a valid boolean"),
                Arguments.of(body(",\"output_config\":\"high\""), "output_config: Input should be a valid dictionary"),
                Arguments.of(body(",\"output_config\":{\"effort\":3}"), "output_config.effort: Input should be a valid string"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("invalidBodies")
    void invalidFieldIsRejectedWithItsPath(String json, String message) {
        assertThat(rejection(utf8(json)).message()).isEqualTo(message);
    }

    @Test
    void invalidJsonIsRejected() {
        assertThat(rejection(utf8("{\"model\":")).message()).startsWith("request body is not valid JSON: ");
    }

    @Test
    void trailingGarbageAfterTheObjectIsInvalidJson() {
        assertThat(rejection(utf8(body("") + " {}")).message()).startsWith("request body is not valid JSON: ");
    }

    @Test
    void jsonArrayBodyIsRejected() {
        assertThat(rejection(utf8("[" + body("") + "]")).message())
                .isEqualTo("request body must be a JSON object, got an array");
    }

    @Test
    void jsonNullBodyIsRejected() {
        assertThat(rejection(utf8("null")).message()).isEqualTo("request body must be a JSON object, got null");
    }

    @Test
    void emptyBodyIsRejected() {
        assertThat(rejection(new byte[0]).message()).isEqualTo("request body is empty: expected a JSON object");
        assertThat(rejection(null).message()).isEqualTo("request body is empty: expected a JSON object");
    }

    @Test
    void whitespaceOnlyBodyIsRejected() {
        assertThat(rejection(utf8("  \n")).message()).contains("JSON");
    }

    // ---- what a valid body becomes ------------------------------------------------------------------------

    @Test
    void stringContentBecomesOneTextBlock() {
        MessagesRequest request = parse(body(""));

        assertThat(request.messages()).hasSize(1);
        Message message = request.messages().getFirst();
        assertThat(message.role()).isEqualTo(Message.Role.USER);
        assertThat(message.content()).singleElement().isInstanceOfSatisfying(ContentBlock.Text.class, text -> {
            assertThat(text.text()).isEqualTo("hi");
            assertThat(Json.string(text.raw())).isEqualTo("{\"type\":\"text\",\"text\":\"hi\"}");
        });
    }

    @Test
    void blockContentKeepsEveryBlockAndItsRawJson() {
        MessagesRequest request = parse(withMessages("""
                [{"role":"user","content":[
                   {"type":"text","text":"look","cache_control":{"type":"ephemeral"}},
                   {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}}]},
                 {"role":"assistant","content":[
                   {"type":"thinking","thinking":"hmm","signature":"sig"},
                   {"type":"redacted_thinking","data":"opaque"},
                   {"type":"tool_use","id":"toolu_1","name":"Read","input":{"path":"a"}}]},
                 {"role":"user","content":[
                   {"type":"tool_result","tool_use_id":"toolu_1","is_error":true,"content":"boom"}]}]"""));

        List<ContentBlock> user = request.messages().get(0).content();
        assertThat(user.get(0)).isInstanceOfSatisfying(ContentBlock.Text.class,
                text -> assertThat(text.raw().get("cache_control").get("type").stringValue()).isEqualTo("ephemeral"));
        assertThat(user.get(1)).isEqualTo(new ContentBlock.Image("base64", "image/png", "AAAA",
                (tools.jackson.databind.node.ObjectNode) user.get(1).raw()));
        List<ContentBlock> assistant = request.messages().get(1).content();
        assertThat(assistant).extracting(ContentBlock::type)
                .containsExactly("thinking", "redacted_thinking", "tool_use");
        assertThat(assistant.get(0)).isInstanceOfSatisfying(ContentBlock.Thinking.class, thinking -> {
            assertThat(thinking.thinking()).isEqualTo("hmm");
            assertThat(thinking.signature()).isEqualTo("sig");
        });
        assertThat(assistant.get(2)).isInstanceOfSatisfying(ContentBlock.ToolUse.class, call -> {
            assertThat(call.id()).isEqualTo("toolu_1");
            assertThat(call.name()).isEqualTo("Read");
            assertThat(Json.string(call.input())).isEqualTo("{\"path\":\"a\"}");
        });
        assertThat(request.messages().get(2).content().getFirst())
                .isInstanceOfSatisfying(ContentBlock.ToolResult.class, result -> {
                    assertThat(result.toolUseId()).isEqualTo("toolu_1");
                    assertThat(result.isError()).isTrue();
                    assertThat(result.content()).singleElement()
                            .isInstanceOfSatisfying(ContentBlock.Text.class, t -> assertThat(t.text()).isEqualTo("boom"));
                });
    }

    @Test
    void systemRoleMessagesAreAccepted() {
        MessagesRequest request = parse(withMessages("[{\"role\":\"system\",\"content\":\"be brief\"}," + USER_HI + "]"));

        assertThat(request.messages()).extracting(Message::role)
                .containsExactly(Message.Role.SYSTEM, Message.Role.USER);
        assertThat(request.messages().getFirst().content().getFirst())
                .isInstanceOfSatisfying(ContentBlock.Text.class, t -> assertThat(t.text()).isEqualTo("be brief"));
    }

    @Test
    void topLevelSystemStringAndListBothBecomeTextBlocks() {
        assertThat(parse(body(",\"system\":\"rules\"")).system()).extracting(ContentBlock.Text::text)
                .containsExactly("rules");
        assertThat(parse(body(",\"system\":[{\"type\":\"text\",\"text\":\"a\"},{\"type\":\"text\",\"text\":\"b\"}]"))
                .system()).extracting(ContentBlock.Text::text).containsExactly("a", "b");
    }

    @Test
    void unknownTopLevelFieldsAreKeptInRawAndIgnored() {
        MessagesRequest request = parse(body(",\"metadata\":{\"user_id\":\"u\"},\"context_management\":{\"edits\":[]},"
                + "\"future_field\":[1,2]"));

        assertThat(request.raw().get("future_field").toString()).isEqualTo("[1,2]");
        assertThat(request.raw().get("metadata").get("user_id").stringValue()).isEqualTo("u");
        assertThat(request.raw().has("context_management")).isTrue();
        assertThat(request.model()).isEqualTo("claude-x");
    }

    @Test
    void unknownBlockTypeBecomesUnknownNotAnError() {
        MessagesRequest request = parse(withMessages(
                "[{\"role\":\"user\",\"content\":[{\"type\":\"hologram\",\"frames\":3}]}]"));

        assertThat(request.messages().getFirst().content()).singleElement()
                .isInstanceOfSatisfying(ContentBlock.Unknown.class, unknown -> {
                    assertThat(unknown.type()).isEqualTo("hologram");
                    assertThat(unknown.raw().get("frames").intValue()).isEqualTo(3);
                });
    }

    @Test
    void serverToolBlocksArePassThroughBlocks() {
        MessagesRequest request = parse(withMessages(
                "[{\"role\":\"assistant\",\"content\":[{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\","
                        + "\"name\":\"web_search\",\"input\":{}}]}]"));

        assertThat(request.messages().getFirst().content()).singleElement()
                .isInstanceOfSatisfying(ContentBlock.ServerTool.class,
                        block -> assertThat(block.type()).isEqualTo("server_tool_use"));
    }

    @Test
    void countTokensBodyWithoutMaxTokensIsAccepted() {
        MessagesRequest request = RequestParser.parseCountTokens(
                utf8("{\"model\":\"claude-x\",\"messages\":[" + USER_HI + "]}"));

        assertThat(request.maxTokens()).isNull();
        assertThat(request.messages()).hasSize(1);
    }

    @Test
    void countTokensStillValidatesTheRest() {
        assertThatThrownBy(() -> RequestParser.parseCountTokens(utf8("{\"model\":\"claude-x\"}")))
                .isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.error().message()).isEqualTo("messages: Field required"));
    }

    @Test
    void zeroMaxTokensIsAccepted() {
        assertThat(parse("{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}").maxTokens()).isZero();
    }

    @Test
    void typedOptionalFieldsAreRead() {
        MessagesRequest request = parse(body(",\"stream\":true,\"temperature\":0.5,\"top_p\":1,\"top_k\":40,"
                + "\"stop_sequences\":[\"END\"],\"tool_choice\":{\"type\":\"tool\",\"name\":\"Read\","
                + "\"disable_parallel_tool_use\":true},\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":2048},"
                + "\"output_config\":{\"effort\":\"high\",\"format\":{\"type\":\"json_schema\"}},"
                + "\"tools\":[{\"name\":\"Read\",\"description\":\"reads\",\"input_schema\":{\"type\":\"object\"}},"
                + "{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]"));

        assertThat(request.stream()).isTrue();
        assertThat(request.temperature()).isEqualTo(0.5);
        assertThat(request.topP()).isEqualTo(1.0);
        assertThat(request.topK()).isEqualTo(40);
        assertThat(request.stopSequences()).containsExactly("END");
        assertThat(request.toolChoice()).isEqualTo(new ToolChoice("tool", "Read", true));
        assertThat(request.thinking().budgetTokens()).isEqualTo(2048);
        assertThat(request.effort()).isEqualTo("high");
        assertThat(request.outputFormat().get("type").stringValue()).isEqualTo("json_schema");
        assertThat(request.tools()).extracting(Tool::name).containsExactly("Read", "web_search");
        assertThat(request.tools().get(1).inputSchema()).isNull();
    }
}
