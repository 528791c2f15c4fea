package dev.anyclaude.backend;

import dev.anyclaude.api.ApiError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class UpstreamErrorsTest {

    private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (a, b) -> true);

    /** JSON written with single quotes, for readability. */
    private static String j(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    private static ApiError map(int status, String body) {
        return map(status, NO_HEADERS, body, null);
    }

    private static ApiError map(int status, HttpHeaders headers, String body, Integer maxTokens) {
        return UpstreamErrors.map(status, headers, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "vllm", maxTokens, "qwen3");
    }

    private static HttpHeaders headers(Map<String, String> values) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        values.forEach((k, v) -> map.put(k, List.of(v)));
        return HttpHeaders.of(map, (a, b) -> true);
    }

    private static final String OPENAI_BODY = j("{'error':{'message':'something went wrong','type':'server_error',"
            + "'param':null,'code':null}}");

    // ---- statuses -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "[{index}] HTTP {0} -> {1} {2}")
    @CsvSource({
            "401, 403, permission_error",
            "403, 403, permission_error",
            "402, 402, billing_error",
            "404, 404, not_found_error",
            "408, 504, timeout_error",
            "504, 504, timeout_error",
            "413, 413, request_too_large",
            "429, 429, rate_limit_error",
            "500, 500, api_error",
            "501, 500, api_error",
            "502, 529, overloaded_error",
            "503, 529, overloaded_error",
            "529, 529, overloaded_error",
            "400, 400, invalid_request_error",
            "409, 400, invalid_request_error",
            "422, 400, invalid_request_error",
            "451, 400, invalid_request_error"})
    void statusMapsToTheAnthropicErrorClientsActOn(int upstream, int status, String type) {
        ApiError error = map(upstream, OPENAI_BODY);

        assertThat(error.status()).isEqualTo(status);
        assertThat(error.type()).isEqualTo(type);
        assertThat(error.message()).contains("vllm upstream").contains("something went wrong");
    }

    @Test
    void credentialsRejectionSaysItWasTheUpstreamsAndItsStatus() {
        assertThat(map(401, OPENAI_BODY).message())
                .isEqualTo("vllm upstream rejected the credentials (HTTP 401): something went wrong");
    }

    @Test
    void rateLimitKeepsRetryAfterAndRetryAfterMs() {
        ApiError error = map(429, headers(Map.of("retry-after", "7", "retry-after-ms", "6500", "x-other", "no")),
                OPENAI_BODY, null);

        assertThat(error.headers()).containsExactlyInAnyOrderEntriesOf(Map.of("retry-after", "7", "retry-after-ms", "6500"));
    }

    @Test
    void overloadAndTimeoutKeepRetryAfterToo() {
        HttpHeaders retry = headers(Map.of("retry-after", "3"));

        assertThat(map(503, retry, OPENAI_BODY, null).headers()).containsEntry("retry-after", "3");
        assertThat(map(504, retry, OPENAI_BODY, null).headers()).containsEntry("retry-after", "3");
    }

    @Test
    void nullHeadersAreNoHeaders() {
        assertThat(map(429, null, OPENAI_BODY, null).headers()).isEmpty();
    }

    // ---- bodies in each dialect ---------------------------------------------------------------------------

    @Test
    void openAiErrorObjectGivesItsMessage() {
        assertThat(map(404, j("{'error':{'message':'The model `gpt-9` does not exist','type':'invalid_request_error',"
                + "'param':null,'code':'model_not_found'}}")).message())
                .isEqualTo("vllm upstream answered 404 (unknown model or path?): The model `gpt-9` does not exist");
    }

    @Test
    void openRouterMetadataRawIsAppended() {
        ApiError error = map(502, j("{'error':{'code':502,'message':'Provider returned error','metadata':"
                + "{'raw':'upstream <b>exploded</b>','provider_name':'Foo'}}}"));

        assertThat(error.type()).isEqualTo("overloaded_error");
        assertThat(error.message()).endsWith("Provider returned error (upstream exploded)");
    }

    @Test
    void openRouterMetadataRawAsAnObjectIsAppendedAsJson() {
        ApiError error = map(400, j("{'error':{'code':400,'message':'Provider returned error','metadata':"
                + "{'raw':{'error':{'message':'bad tool schema'}},'provider_name':'Foo'}}}"));

        assertThat(error.message()).contains("Provider returned error").contains("bad tool schema");
    }

    @Test
    void openRouterNullMetadataRawAddsNothing() {
        ApiError error = map(502, j("{'error':{'code':502,'message':'Provider returned error','metadata':{'raw':null}}}"));

        assertThat(error.message()).endsWith(": Provider returned error");
    }

    @Test
    void oldVllmTopLevelErrorObjectGivesItsMessage() {
        ApiError error = map(400, j("{'object':'error','message':'Invalid tool choice','type':'BadRequestError',"
                + "'param':null,'code':400}"));

        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.message()).endsWith(": Invalid tool choice");
    }

    @Test
    void llamaCppContextSizeErrorUsesItsFields() {
        ApiError error = map(400, j("{'error':{'code':400,'message':'the request exceeds the available context size, "
                + "try increasing it','type':'exceed_context_size_error','n_prompt_tokens':13392,'n_ctx':8192}}"));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).isEqualTo("prompt is too long: 13392 tokens > 8192 maximum");
    }

    @Test
    void stringErrorOfLmStudioAndMlxGivesTheString() {
        ApiError error = map(404, j("{'error':'No models loaded. Please load a model first.'}"));

        assertThat(error.message()).endsWith(": No models loaded. Please load a model first.");
    }

    @Test
    void anthropicErrorKeepsItsTypeStatusAndMessage() {
        ApiError error = map(529, headers(Map.of("retry-after", "2")), j("{'type':'error','error':{'type':"
                + "'overloaded_error','message':'Overloaded'},'request_id':'req_1'}"), null);

        assertThat(error).isEqualTo(new ApiError(529, "overloaded_error", "Overloaded", Map.of("retry-after", "2")));
    }

    @Test
    void anthropicErrorOfAnUnknownTypeIsMappedByStatus() {
        ApiError error = map(503, j("{'type':'error','error':{'type':'brand_new_error','message':'hm'}}"));

        assertThat(error.type()).isEqualTo("overloaded_error");
        assertThat(error.message()).endsWith(": hm");
    }

    @Test
    void anthropicContextOverflowKeepsItsWording() {
        ApiError error = map(400, j("{'type':'error','error':{'type':'invalid_request_error',"
                + "'message':'prompt is too long: 209375 tokens > 200000 maximum'}}"));

        assertThat(error).isEqualTo(ApiError.invalidRequest("prompt is too long: 209375 tokens > 200000 maximum"));
    }

    @Test
    void htmlErrorPageIsReducedToShortText() {
        String page = "<html><head><title>502 Bad Gateway</title><style>body{color:red}</style></head>"
                + "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
                + "<script>var x = '<b>';</script>" + "<p>filler</p>".repeat(100) + "</body></html>";

        ApiError error = map(502, page);

        assertThat(error.message()).startsWith("vllm upstream is overloaded or unavailable (HTTP 502): "
                + "502 Bad Gateway 502 Bad Gateway nginx filler")
                .doesNotContain("<", ">", "color:red", "var x").endsWith("...");
        assertThat(error.message().length()).isLessThan(400);
    }

    @Test
    void emptyBodySaysSo() {
        assertThat(map(500, "").message()).isEqualTo("vllm upstream failed (HTTP 500): (empty response body)");
        assertThat(map(500, (String) null).message()).endsWith("(empty response body)");
        assertThat(map(500, " \n").message()).endsWith("(empty response body)");
    }

    @Test
    void jsonWithoutAnyMessageIsShownAsItIs() {
        assertThat(map(500, j("{'status':'broken'}")).message()).endsWith(": {\"status\":\"broken\"}");
    }

    @Test
    void nonStringMessageIsShownAsJson() {
        assertThat(map(500, j("{'error':{'message':{'detail':'nested'}}}")).message())
                .endsWith(": {\"detail\":\"nested\"}");
    }

    // ---- limit rewrites -----------------------------------------------------------------------------------

    @Test
    void vllmOutputShareTooLargeBecomesTheMaxTokensWording() {
        ApiError error = map(400, NO_HEADERS, j("{'error':{'message':\"This model's maximum context length is 32768 "
                + "tokens. However, you requested 40000 tokens (8000 in the messages, 32000 in the completion). "
                + "Please reduce the length of the messages or completion.\",'type':'BadRequestError','param':null,"
                + "'code':400}}"), 32000);

        assertThat(error).isEqualTo(ApiError.invalidRequest("max_tokens: 32000 > 24768, which is the maximum "
                + "allowed number of output tokens for qwen3"));
    }

    @Test
    void openAiContextLengthExceededIsPromptTooLong() {
        ApiError error = map(400, j("{'error':{'message':\"This model's maximum context length is 128000 tokens. "
                + "However, your messages resulted in 130512 tokens. Please reduce the length of the messages.\","
                + "'type':'invalid_request_error','param':'messages','code':'context_length_exceeded'}}"));

        assertThat(error).isEqualTo(ApiError.invalidRequest("prompt is too long: 130512 tokens > 128000 maximum"));
    }

    @Test
    void bareTextContextOverflowIsRewrittenToo() {
        ApiError error = map(400, NO_HEADERS, "This model's maximum context length is 4096 tokens. However, you "
                + "requested 5000 tokens (1000 in the messages, 4000 in the completion).", 4000);

        assertThat(error.message()).isEqualTo("max_tokens: 4000 > 3096, which is the maximum allowed number of "
                + "output tokens for qwen3");
    }

    @Test
    void contextOverflowMarkedByCodeIsRewrittenWhateverThe4xxStatus() {
        ApiError error = map(403, j("{'error':{'message':'too big','code':'context_length_exceeded'}}"));

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.message()).startsWith("prompt is too long: ");
    }

    @Test
    void contextWordsOnARateLimitAreNotRewritten() {
        ApiError error = map(429, j("{'error':{'message':'Rate limit reached: too many tokens per minute'}}"));

        assertThat(error.type()).isEqualTo("rate_limit_error");
    }

    @Test
    void openAiMaxTokensTooLargeBecomesTheMaxTokensWording() {
        ApiError error = map(400, NO_HEADERS, j("{'error':{'message':'max_tokens is too large: 128000. This model "
                + "supports at most 16384 completion tokens, whereas you provided 128000.','type':"
                + "'invalid_request_error','param':'max_tokens','code':null}}"), 128000);

        assertThat(error.message()).isEqualTo("max_tokens: 128000 > 16384, which is the maximum allowed number of "
                + "output tokens for qwen3");
    }
}
