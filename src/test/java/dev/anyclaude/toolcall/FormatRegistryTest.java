package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FormatRegistryTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Qwen/Qwen3-Coder-30B-A3B-Instruct, qwen3-coder",
            "mlx-community/Qwen3-Coder-Next-4bit, qwen3-coder",
            "qwen3.5-27b, qwen3-coder",
            "Qwen3.6-35B-A3B-GGUF:Q4_K_M, qwen3-coder",
            "unsloth/Nemotron-3-Nano-30B-A3B, qwen3-coder",
            "stepfun-ai/Step-3.5-Flash, qwen3-coder",
            "Qwen/Qwen3-235B-A22B-Instruct-2507, hermes",
            "qwen2.5-coder-32b-instruct, hermes",
            "Qwen/QwQ-32B, hermes",
            "NousResearch/Hermes-3-Llama-3.1-8B, hermes",
            "NousResearch/Nous-Hermes-2-Mixtral-8x7B-DPO, hermes",
            "ibm-granite/granite-4.0-h-tiny, hermes",
            "openai/gpt-oss-120b, harmony",
            "meta-llama/Llama-3.3-70B-Instruct, llama3-json",
            "llama3.2:3b, llama3-json",
            "meta-llama/Llama-4-Scout-17B-16E-Instruct, pythonic",
            "mistralai/Mistral-Small-3.2-24B-Instruct-2506, mistral",
            "devstral-small-2505, mistral",
            "Magistral-Small-2509, mistral",
            "mixtral-8x22b, mistral",
            "deepseek-ai/DeepSeek-V3.1-Terminus, deepseek-v31",
            "deepseek-ai/DeepSeek-V3.2-Exp, deepseek-v32",
            "deepseek-v4-flash, deepseek-v32",
            "deepseek-ai/DeepSeek-R1-0528, deepseek-r1",
            "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B, deepseek-r1",
            "deepseek-ai/DeepSeek-R1-0528-Qwen3-8B, deepseek-r1",
            "moonshotai/Kimi-K2-Instruct-0905, kimi-k2",
            "zai-org/GLM-4.5-Air, glm45",
            "glm-4.6, glm45",
            "zai-org/GLM-4.7-Flash, glm47",
            "glm-5, glm47",
            "MiniMaxAI/MiniMax-M2.1, minimax-m2",
            "ibm-granite/granite-3.1-8b-instruct, granite",
            "microsoft/Phi-4-mini-instruct, phi4-mini",
            "CohereLabs/c4ai-command-r7b-12-2024, command",
            "ai21labs/AI21-Jamba-Mini-1.6, tool-calls-array",
            "tencent/Hunyuan-A13B-Instruct, tool-calls-array",
            "nvidia/NVIDIA-Nemotron-Nano-9B-v2, nemotron",
            "nvidia/Llama-3_3-Nemotron-Super-49B-v1_5, nemotron",
            "LiquidAI/LFM2-1.2B, lfm2",
            "google/functiongemma-270m-it, functiongemma",
            "google/gemma-4-27b-it, gemma4",
            "Salesforce/Llama-xLAM-2-8b-fc-r, xlam",
            "ByteDance-Seed/Seed-OSS-36B-Instruct, seed-oss"})
    void theModelNameTellsTheFamilyFormat(String model, String format) {
        assertThat(FormatRegistry.formatNameForModel(model)).contains(format);
        assertThat(FormatRegistry.forModel(model)).as("format %s is registered", format)
                .hasValueSatisfying(found -> assertThat(found.name()).isEqualTo(format));
        assertThat(FormatRegistry.choose("auto", model).name()).isEqualTo(format);
    }

    /** Names are remembered with what they gave; a long one (not kept) and a repeated one give the same. */
    @Test
    void aNameGivesTheSameFormatEveryTimeHoweverLong() {
        String longName = "org/" + "very-long-fine-tune-".repeat(20) + "Qwen3-Coder-30B-A3B-Instruct";
        for (int i = 0; i < 3; i++) {
            assertThat(FormatRegistry.formatNameForModel("Qwen/Qwen3-Coder-30B-A3B-Instruct")).contains("qwen3-coder");
            assertThat(FormatRegistry.formatNameForModel(longName)).contains("qwen3-coder");
            assertThat(FormatRegistry.formatNameForModel("gpt-4o")).isEmpty();
        }
    }

    @Test
    void unknownModelsHaveNoFormatByName() {
        assertThat(FormatRegistry.formatNameForModel("gpt-4o")).isEmpty();
        assertThat(FormatRegistry.formatNameForModel("claude-sonnet-4-5")).isEmpty();
        assertThat(FormatRegistry.formatNameForModel(null)).isEmpty();
        assertThat(FormatRegistry.forModel("gpt-4o")).isEmpty();
    }

    @Test
    void autoFallsBackToSniffingAndExplicitNamesAreTakenAsGiven() {
        assertThat(FormatRegistry.choose("auto", "some-unknown-model")).isSameAs(FormatRegistry.auto());
        assertThat(FormatRegistry.choose(null, null)).isSameAs(FormatRegistry.auto());
        assertThat(FormatRegistry.choose("NONE", "qwen3-coder")).isSameAs(FormatRegistry.none());
        assertThatThrownBy(() -> FormatRegistry.choose("no-such-format", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-format")
                .hasMessageContaining("auto, none");
    }

    @Test
    void autoByModelNameGivesTheRegisteredFamilyFormat() {
        for (ToolCallFormat format : FormatRegistry.formats()) {
            assertThat(FormatRegistry.byName(format.name())).containsSame(format);
        }
        assertThat(FormatRegistry.choose("auto", "Qwen3-32B")).isSameAs(FormatRegistry.byName("hermes").orElseThrow());
        assertThat(FormatRegistry.choose("Kimi-K2", "Qwen3-32B").name()).isEqualTo("kimi-k2");
    }

    @Test
    void formatNamesAreUniqueAndEveryFormatHasOpeners() {
        Set<String> names = new HashSet<>();
        for (ToolCallFormat format : FormatRegistry.formats()) {
            assertThat(names.add(format.name())).as("duplicate format name %s", format.name()).isTrue();
            assertThat(format.openers()).as("openers of %s", format.name()).isNotEmpty();
        }
        assertThat(FormatRegistry.names()).endsWith("auto", "none");
    }

    @Test
    void theAutoFormatKnowsTheOpenersOfEveryFamily() {
        List<String> openers = FormatRegistry.auto().openers();
        for (ToolCallFormat format : FormatRegistry.formats()) {
            assertThat(openers).containsAll(format.openers());
        }
    }

    @Test
    void noneLeavesTextAndReasoningUntouched() {
        assertThat(ParserHarness.parse(FormatRegistry.none(), "<think>a</think><tool_call>{}</tool_call>"))
                .containsExactly(new Piece.Text("<think>a</think><tool_call>{}</tool_call>"));
    }
}
