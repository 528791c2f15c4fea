package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.SseEncoder;
import dev.anyclaude.api.SseParser;
import dev.anyclaude.api.StopReason;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ResponseAssembler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static dev.anyclaude.openai.DecoderHarness.decodeStream;
import static dev.anyclaude.openai.DecoderHarness.finish;
import static dev.anyclaude.openai.DecoderHarness.text;
import static dev.anyclaude.openai.DecoderHarness.usage;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every form in which an OpenAI-compatible server reports cached prompt tokens reaches Claude Code as
 * {@code cache_read_input_tokens}, with {@code input_tokens} excluding them (Anthropic's meaning), so that
 * Claude Code's context accounting sees the whole prompt and the cache hits show.
 */
class CachedTokensTest {

    /** A text answer whose last chunk carries {@code tail}: fields after choices, e.g. usage and timings. */
    static String stream(String tail) {
        return """
                data: {"choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]}

                data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],%s}

                data: [DONE]

                """.formatted(tail);
    }

    static ModelEvent.Usage decodedUsage(String tail) {
        List<ModelEvent> events = decodeStream(stream(tail));
        assertThat(events).first().isEqualTo(text("Hi"));
        assertThat(events).last().isEqualTo(finish(StopReason.END_TURN));
        return (ModelEvent.Usage) events.stream().filter(e -> e instanceof ModelEvent.Usage).findFirst()
                .orElseThrow(() -> new AssertionError("no usage in " + events));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            OpenAI, OpenRouter, vLLM, mlx: prompt_tokens_details.cached_tokens | "usage":{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":900}}                  | 100 | 20 | 900
            Moonshot and others: cached_tokens at the top of usage              | "usage":{"prompt_tokens":1000,"completion_tokens":20,"cached_tokens":900}                                         | 100 | 20 | 900
            placeholder 0 in the details, the count at the top of usage          | "usage":{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":0},"cached_tokens":900} | 100 | 20 | 900
            gateway with Anthropic-style cache_read_input_tokens                 | "usage":{"prompt_tokens":1000,"completion_tokens":20,"cache_read_input_tokens":900}                               | 100 | 20 | 900
            Anthropic-style usage only: input_tokens already excludes the cache  | "usage":{"input_tokens":100,"output_tokens":20,"cache_read_input_tokens":900}                                       | 100 | 20 | 900
            DeepSeek: prompt_cache_hit_tokens                                    | "usage":{"prompt_tokens":1000,"completion_tokens":20,"prompt_cache_hit_tokens":900,"prompt_cache_miss_tokens":100} | 100 | 20 | 900
            DeepSeek without prompt_tokens: the miss count is the input          | "usage":{"completion_tokens":20,"prompt_cache_hit_tokens":900,"prompt_cache_miss_tokens":100}                     | 100 | 20 | 900
            llama.cpp: tokens_cached in usage                                    | "usage":{"prompt_tokens":1000,"completion_tokens":20,"tokens_cached":900}                                         | 100 | 20 | 900
            llama.cpp: tokens_cached at the top of the chunk                     | "usage":{"prompt_tokens":1000,"completion_tokens":20},"tokens_cached":900                                         | 100 | 20 | 900
            llama.cpp: timings.cache_n                                           | "usage":{"prompt_tokens":1000,"completion_tokens":20},"timings":{"cache_n":900,"prompt_n":100,"predicted_n":20}  | 100 | 20 | 900
            llama.cpp: timings alone, no usage                                   | "timings":{"cache_n":900,"prompt_n":100,"predicted_n":20}                                                         | 100 | 20 | 900
            llama.cpp: details and timings agree                                 | "usage":{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":900}},"timings":{"cache_n":900,"prompt_n":100} | 100 | 20 | 900
            no cache hit at all                                                  | "usage":{"prompt_tokens":1000,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":0}}                 | 1000 | 20 | 0
            more cached than the prompt (a server bug) never goes negative       | "usage":{"prompt_tokens":800,"completion_tokens":20,"prompt_tokens_details":{"cached_tokens":900}}                | 0 | 20 | 900
            """)
    void cachedTokensBecomeCacheReadInputTokens(String server, String tail, long input, long output, long cacheRead) {
        ModelEvent.Usage usage = decodedUsage(tail);
        assertThat(usage).as(server).isEqualTo(new ModelEvent.Usage(input, output, cacheRead, 0L));
    }

    @Test
    void cacheWritesAreTakenOutOfTheInputToo() {
        assertThat(decodedUsage("\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":20,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":600,\"cache_write_tokens\":300}}"))
                .isEqualTo(new ModelEvent.Usage(100L, 20L, 600L, 300L));
        assertThat(decodedUsage("\"usage\":{\"prompt_tokens\":1000,\"completion_tokens\":20,"
                + "\"cache_read_input_tokens\":600,\"cache_creation_input_tokens\":300}"))
                .isEqualTo(new ModelEvent.Usage(100L, 20L, 600L, 300L));
    }

    @Test
    void aWholeCompletionIsReadTheSameWay() {
        List<ModelEvent> events = new ArrayList<>();
        ChatCompletionDecoder.decode(Json.parse("""
                {"choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":1000,"completion_tokens":20,"cached_tokens":900}}"""),
                events::add, DecoderHarness.ids());
        assertThat(events).containsExactly(text("Hi"), usage(100, 20, 900, 0), finish(StopReason.END_TURN));
    }

    /** What Claude Code reads: the message_delta usage of the assembled Anthropic stream. */
    @Test
    void claudeCodeSeesCacheReadInputTokensAndTheUncachedInput() {
        List<ModelEvent> events = decodeStream(stream(
                "\"usage\":{\"prompt_tokens\":15230,\"completion_tokens\":41,"
                        + "\"prompt_tokens_details\":{\"cached_tokens\":15100}}"));
        List<JsonNode> anthropic = new ArrayList<>();
        SseParser parser = new SseParser((event, data) -> anthropic.add(Json.parse(data)));
        ResponseAssembler assembler = new ResponseAssembler(event -> parser.feed(SseEncoder.encode(event)),
                "msg_test", "claude-test", 100);
        events.forEach(assembler::accept);
        parser.end();
        JsonNode delta = anthropic.stream().filter(e -> "message_delta".equals(Json.text(e, "type"))).findFirst()
                .orElseThrow();
        assertThat(delta.get("usage").get("input_tokens").asLong()).isEqualTo(130);
        assertThat(delta.get("usage").get("cache_read_input_tokens").asLong()).isEqualTo(15100);
        assertThat(delta.get("usage").get("output_tokens").asLong()).isEqualTo(41);
    }

    @Test
    void emptyUsageObjectGivesNoFigures() {
        List<ModelEvent> events = decodeStream(stream("\"usage\":{}"));
        assertThat(events).containsExactly(text("Hi"), finish(StopReason.END_TURN));
    }
}
