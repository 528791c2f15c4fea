package dev.anyclaude.contract;

import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.StopReason;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import dev.anyclaude.contract.ContractSupport.Mode;
import dev.anyclaude.testing.Started;
import dev.anyclaude.testing.AnthropicSse;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.Chunking;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayUnderTest;
import dev.anyclaude.testing.OpenAiSse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static dev.anyclaude.contract.ContractSupport.blockTypes;
import static dev.anyclaude.contract.ContractSupport.request;
import static dev.anyclaude.contract.ContractSupport.send;
import static dev.anyclaude.contract.ContractSupport.texts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tool-call recovery in the gateway: decoded upstream replies (OpenAI, and Anthropic-protocol servers that
 * are decoded) pass the text tool-call filter before the client sees them, streaming or not, whatever the
 * chunking; {@code --tool-format none} leaves them untouched.
 */
class TextToolCallContractTest {

    private static final String UPSTREAM_MODEL = "some-local-model";
    private static final String RAW = "<think>The user wants weather.</think>\n\nParis is sunny.";

    private static final Started OPEN = new Started();
    private static FakeUpstream openAi;
    private static FakeUpstream anthropic;
    private static GatewayUnderTest openAiAuto;
    private static GatewayUnderTest openAiNone;
    private static GatewayUnderTest anthropicDecoded;
    private static volatile Chunking chunking = Chunking.whole();

    @BeforeAll
    static void start() {
        openAi = open(FakeUpstream.start(TextToolCallContractTest::openAiTurn));
        anthropic = open(FakeUpstream.start(TextToolCallContractTest::anthropicTurn));
        GatewayConfig openAiConfig = GatewayConfig.of(openAi.baseUrl() + "/v1", Protocol.OPENAI).withModel(UPSTREAM_MODEL);
        openAiAuto = open(GatewayUnderTest.start(openAiConfig));
        openAiNone = open(GatewayUnderTest.start(openAiConfig.withToolFormat("none")));
        anthropicDecoded = open(GatewayUnderTest.start(GatewayConfig.of(anthropic.baseUrl(), Protocol.ANTHROPIC)
                .withRelay(false).withModel(UPSTREAM_MODEL)));
    }

    private static <T extends AutoCloseable> T open(T closeable) {
        return OPEN.add(closeable);
    }

    @AfterAll
    static void stop() {
        OPEN.close();
    }

    @AfterEach
    void everyStreamWasValid() {
        for (GatewayUnderTest gateway : List.of(openAiAuto, openAiNone, anthropicDecoded)) {
            gateway.streams().assertAllValid();
            gateway.streams().clear();
        }
        assertThat(openAi.handlerErrors()).isEmpty();
        assertThat(anthropic.handlerErrors()).isEmpty();
    }

    private static Reply openAiTurn(RecordedRequest request) {
        if (!request.path().equals("/v1/chat/completions")) {
            return Reply.notFound(request);
        }
        OpenAiSse turn = OpenAiSse.chat(UPSTREAM_MODEL).role().text(RAW.substring(0, 9), RAW.substring(9))
                .finish("stop").usage(20, 12, 0).done();
        Reply reply = request.wantsStream() ? turn.reply() : Reply.json(200, turn.completion());
        return reply.withChunking(chunking);
    }

    private static Reply anthropicTurn(RecordedRequest request) {
        if (!request.path().equals("/v1/messages")) {
            return Reply.notFound(request);
        }
        return AnthropicSse.message("msg_1", UPSTREAM_MODEL, 20, 0).text(RAW.substring(0, 5), RAW.substring(5))
                .end("end_turn", 12).replyFor(request).withChunking(chunking);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void reasoningWrittenInTheTextOfAnOpenAiReplyBecomesAThinkingBlock(Mode mode, Chunking split) {
        chunking = split;
        Message message = send(openAiAuto.sdk(), mode, request("claude-test"));

        assertThat(blockTypes(message)).containsExactly("thinking", "text");
        assertThat(message.content().get(0).asThinking().thinking()).isEqualTo("The user wants weather.");
        assertThat(texts(message)).containsExactly("Paris is sunny.");
        assertThat(message.stopReason()).contains(StopReason.END_TURN);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modesAndChunkings")
    void decodedAnthropicRepliesPassTheFilterToo(Mode mode, Chunking split) {
        chunking = split;
        Message message = send(anthropicDecoded.sdk(), mode, request("claude-test"));

        assertThat(blockTypes(message)).containsExactly("thinking", "text");
        assertThat(texts(message)).containsExactly("Paris is sunny.");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.anyclaude.contract.ContractSupport#modes")
    void formatNoneLeavesTheTextAsTheModelWroteIt(Mode mode) {
        chunking = Chunking.oneByte();
        Message message = send(openAiNone.sdk(), mode, request("claude-test"));

        assertThat(blockTypes(message)).containsExactly("text");
        assertThat(texts(message)).containsExactly(RAW);
    }

    @Test
    void anUnknownFormatNameStopsTheGatewayFromStarting() {
        assertThatThrownBy(() -> GatewayUnderTest.start(GatewayConfig.of(openAi.baseUrl() + "/v1", Protocol.OPENAI)
                .withToolFormat("klingon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown tool-call format 'klingon'");
    }
}
