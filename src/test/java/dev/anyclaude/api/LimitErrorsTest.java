package dev.anyclaude.api;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LimitErrorsTest {

    private static final String MODEL = "qwen3-coder";

    private static ApiError rewrite(String message, Integer requestedMaxTokens) {
        return LimitErrors.rewrite(message, requestedMaxTokens, MODEL);
    }

    private static void assertInvalidRequest(ApiError error, String message) {
        assertThat(error).isNotNull();
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).isEqualTo(message);
    }

    @Test
    void vllmOutputShareTooLargeBecomesTheMaxTokensWording() {
        ApiError error = rewrite("This model's maximum context length is 32768 tokens. However, you requested 40000 "
                + "tokens (8000 in the messages, 32000 in the completion). Please reduce the length of the messages "
                + "or completion.", 32000);

        assertInvalidRequest(error, "max_tokens: 32000 > 24768, which is the maximum allowed number of output tokens "
                + "for qwen3-coder");
    }

    @Test
    void vllmPromptAloneLargerThanTheWindowIsPromptTooLong() {
        ApiError error = rewrite("This model's maximum context length is 32768 tokens. However, you requested 41000 "
                + "tokens (40000 in the messages, 1000 in the completion).", 1000);

        assertInvalidRequest(error, "prompt is too long: 40000 tokens > 32768 maximum");
    }

    @Test
    void vllmPromptExactlyTheWindowIsPromptTooLong() {
        ApiError error = rewrite("maximum context length is 8192 tokens. However, you requested 8200 tokens "
                + "(8192 in the messages, 8 in the completion)", 8);

        assertInvalidRequest(error, "prompt is too long: 8192 tokens > 8192 maximum");
    }

    @Test
    void outputLimitWordingWithoutAModelNameSaysThisModel() {
        ApiError error = LimitErrors.rewrite("maximum context length is 100 tokens. However, you requested 150 tokens "
                + "(50 in the messages, 100 in the completion)", 100, null);

        assertThat(error.message()).endsWith("output tokens for this model");
    }

    @Test
    void openAiResultedInWordingIsPromptTooLong() {
        ApiError error = rewrite("This model's maximum context length is 128000 tokens. However, your messages "
                + "resulted in 130512 tokens. Please reduce the length of the messages.", 4096);

        assertInvalidRequest(error, "prompt is too long: 130512 tokens > 128000 maximum");
    }

    @Test
    void llamaCppContextSizeWordingIsPromptTooLong() {
        ApiError error = rewrite("request (13392 tokens) exceeds the available context size (8192 tokens), "
                + "try increasing it", 1024);

        assertInvalidRequest(error, "prompt is too long: 13392 tokens > 8192 maximum");
    }

    @Test
    void numbersFromFieldsAreUsedWhenTheTextHasNone() {
        ApiError error = LimitErrors.rewrite("the request exceeds the context", 13392L, 8192L, true, 1024, MODEL);

        assertInvalidRequest(error, "prompt is too long: 13392 tokens > 8192 maximum");
    }

    @Test
    void anthropicWordingIsKeptWithItsNumbers() {
        ApiError error = rewrite("prompt is too long: 209375 tokens > 200000 maximum", null);

        assertInvalidRequest(error, "prompt is too long: 209375 tokens > 200000 maximum");
    }

    @Test
    void openAiMaxTokensTooLargeBecomesTheMaxTokensWording() {
        ApiError error = rewrite("max_tokens is too large: 128000. This model supports at most 16384 completion "
                + "tokens, whereas you provided 128000.", 128000);

        assertInvalidRequest(error, "max_tokens: 128000 > 16384, which is the maximum allowed number of output "
                + "tokens for qwen3-coder");
    }

    @Test
    void lessThanOrEqualToWordingGivesTheLimit() {
        ApiError error = rewrite("max_tokens must be less than or equal to 8192", 32000);

        assertThat(error.message()).startsWith("max_tokens: 32000 > 8192,");
    }

    @Test
    void outputLimitIsNotRewrittenWithoutTheRequestedValue() {
        assertThat(rewrite("max_tokens is too large: 128000. This model supports at most 16384 completion tokens",
                null)).isNull();
    }

    @Test
    void outputLimitAboveTheRequestIsNotAnOutputLimitError() {
        // the number the message names is no smaller than what was asked: something else is wrong
        assertThat(rewrite("max_tokens must be at most 16384", 1000)).isNull();
    }

    @Test
    void anthropicOutputLimitWordingIsLeftAlone() {
        assertThat(rewrite("max_tokens: 64000 > 32000, which is the maximum allowed number of output tokens for "
                + "claude-x", 64000)).isNull();
    }

    @Test
    void contextWordsWithoutNumbersStillSayPromptIsTooLong() {
        ApiError error = rewrite("Trying to keep the first tokens when context the overflows. However, the model is "
                + "loaded with context length of only 4096 tokens", 1000);

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).startsWith("prompt is too long: ")
                .contains("context length of only 4096 tokens");
    }

    @Test
    void contextHintWithoutWordsOrNumbersSaysPromptIsTooLong() {
        ApiError error = LimitErrors.rewrite("bad request", null, null, true, null, MODEL);

        assertThat(error.message()).startsWith("prompt is too long: ").contains("bad request");
    }

    @Test
    void unrelatedMessageIsNotRewritten() {
        assertThat(rewrite("model 'gpt-5' not found", 1000)).isNull();
        assertThat(rewrite("Invalid API key", null)).isNull();
    }
}
