package dev.anyclaude.route;

import dev.anyclaude.api.Json;
import dev.anyclaude.config.TierModels;
import dev.anyclaude.route.ModelMap.Tier;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class ModelMapTest {

    private static final ModelMap TIERED = new ModelMap("main-model", new TierModels("big-model", "mid-model", "small-model"));
    private static final ModelMap DEFAULT_ONLY = new ModelMap("main-model", null);
    private static final ModelMap NOTHING = new ModelMap(null, null);
    private static final ModelMap HAIKU_ONLY = new ModelMap(null, new TierModels(null, null, "small-model"));

    /** Names Claude Code 2.1.328 sends (captures, debug logs) and names of earlier versions people still use. */
    @ParameterizedTest(name = "[{index}] {0} is {1}")
    @CsvSource({
            // the default main model, aliases resolved by Claude Code
            "claude-opus-5-5, OPUS",
            "claude-sonnet-5-5, SONNET",
            "claude-haiku-5-5, HAIKU",
            // the auto-mode classifier's hard-coded model
            "claude-sonnet-5, SONNET",
            // dated ids of earlier generations
            "claude-sonnet-4-5-20250929, SONNET",
            "claude-haiku-4-5-20251001, HAIKU",
            "claude-opus-4-6, OPUS",
            "claude-opus-4-8, OPUS",
            "claude-3-5-haiku-20241022, HAIKU",
            "claude-3-5-sonnet-latest, SONNET",
            "claude-3-opus-20240229, OPUS",
            "claude-sonnet-4.5, SONNET",
            "claude-sonnet-4@20250514, SONNET",
            // the 1M-context marker and other bracketed suffixes
            "claude-opus-4-6[1m], OPUS",
            "claude-sonnet-5-5[1m], SONNET",
            "claude-haiku-5-5 [fast], HAIKU",
            // bare aliases, any case
            "opus, OPUS",
            "Sonnet, SONNET",
            "HAIKU, HAIKU",
            "sonnet[1m], SONNET",
            // Claude names of no tier
            "claude-fable-5-2, OTHER_CLAUDE",
            "claude-custom-thing, OTHER_CLAUDE",
            "claude-gw-model, OTHER_CLAUDE",
            "claude-opusx-1, OTHER_CLAUDE",
            // upstream ids picked with /model or ANTHROPIC_MODEL
            "gw-model, UPSTREAM",
            "qwen/qwen3-coder, UPSTREAM",
            "qwen3-coder:30b, UPSTREAM",
            "anthropic/claude-sonnet-4.5, UPSTREAM",
            "us.anthropic.claude-sonnet-4-5-v1:0, UPSTREAM",
            "fable, UPSTREAM",
            "my-opus-finetune, UPSTREAM"})
    void claudeCodeNamesFallIntoTheirTier(String clientModel, Tier tier) {
        assertThat(ModelMap.tierOf(clientModel)).isEqualTo(tier);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "claude-opus-5-5, big-model",
            "claude-opus-4-6[1m], big-model",
            "opus, big-model",
            "claude-sonnet-5, mid-model",
            "claude-sonnet-4-5-20250929, mid-model",
            "claude-haiku-5-5, small-model",
            "claude-3-5-haiku-20241022, small-model",
            "haiku, small-model",
            "claude-fable-5-2, main-model",
            "gw-model, gw-model",
            "qwen/qwen3-coder, qwen/qwen3-coder",
            "my-gw[1m], my-gw"})
    void eachTierGoesToItsModelAndOtherNamesPassThrough(String clientModel, String upstream) {
        assertThat(TIERED.map(clientModel).upstreamModel()).isEqualTo(upstream);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "claude-opus-5-5, main-model",
            "claude-sonnet-5, main-model",
            "claude-haiku-5-5, main-model",
            "claude-fable-5-2, main-model",
            "sonnet, main-model",
            "gw-model, gw-model",
            "Qwen/Qwen3-Coder-30B-A3B-Instruct, Qwen/Qwen3-Coder-30B-A3B-Instruct"})
    void theDefaultModelTakesEveryClaudeNameButNotAnUpstreamId(String clientModel, String upstream) {
        assertThat(DEFAULT_ONLY.map(clientModel).upstreamModel()).isEqualTo(upstream);
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource({
            "claude-opus-5-5, claude-opus-5-5",
            "claude-sonnet-5-5[1m], claude-sonnet-5-5",
            "gw-model, gw-model"})
    void withNothingConfiguredNamesGoUpstreamUnchangedButForTheSuffix(String clientModel, String upstream) {
        assertThat(NOTHING.map(clientModel).upstreamModel()).isEqualTo(upstream);
        assertThat(NOTHING.map(clientModel).rule()).isEqualTo("unchanged");
    }

    @Test
    void backgroundRequestsWithAHaikuNameGoToTheHaikuModelWhileTheMainModelIsForwarded() {
        assertThat(HAIKU_ONLY.map("claude-haiku-5-5").upstreamModel()).isEqualTo("small-model");
        assertThat(HAIKU_ONLY.map("claude-opus-5-5").upstreamModel()).isEqualTo("claude-opus-5-5");
    }

    @Test
    void aMappingSaysWhy() {
        assertThat(TIERED.map("claude-sonnet-5")).isEqualTo(
                new ModelMap.Mapping("claude-sonnet-5", Tier.SONNET, "mid-model", "sonnet model"));
        assertThat(TIERED.map("claude-fable-5-2").rule()).isEqualTo("default model");
        assertThat(TIERED.map("gw-model").rule()).isEqualTo("unchanged");
    }

    /** The repository's captures, and the full set in shared/ where it is at hand (it has a non-Claude main model). */
    @Test
    void everyCapturedClaudeCodeRequestIsMapped() throws IOException {
        int checked = 0;
        for (Path dir : List.of(Path.of("src/test/resources/captures"),
                Path.of("../shared/reference/claude-code-captures"), Path.of("/work/shared/reference/claude-code-captures"))) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                    JsonNode capture = Json.parse(Files.readAllBytes(file));
                    // most captures wrap the request ({method, path, body}); some are the bare body
                    String model = Json.text(capture.has("body") ? capture.get("body") : capture, "model");
                    assertThat(model).as(file.toString()).isNotNull();
                    ModelMap.Mapping mapping = TIERED.map(model);
                    if (model.startsWith("claude-")) {
                        assertThat(mapping.upstreamModel()).as(file.toString()).isIn("big-model", "mid-model",
                                "small-model", "main-model");
                    } else {
                        assertThat(mapping.upstreamModel()).as(file.toString()).isEqualTo(model);
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theStartUpLineShowsTheTable() {
        assertThat(TIERED.describe()).isEqualTo("opus -> big-model, sonnet -> mid-model, haiku -> small-model, "
                + "other claude -> main-model, other names unchanged");
        assertThat(HAIKU_ONLY.describe()).isEqualTo("opus -> unchanged, sonnet -> unchanged, haiku -> small-model, "
                + "other claude -> unchanged, other names unchanged");
        assertThat(DEFAULT_ONLY.describe()).isEqualTo("claude names -> main-model, other names unchanged");
        assertThat(NOTHING.describe()).isEqualTo("client model names unchanged");
    }
}
