package dev.anyclaude.launch;

import dev.anyclaude.config.Deadlines;
import dev.anyclaude.config.GatewayConfig;
import dev.anyclaude.config.Protocol;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

class ClaudeEnvironmentTest {

    private static final GatewayConfig OPENAI = GatewayConfig.of("http://127.0.0.1:8000/v1", Protocol.OPENAI);
    private static final GatewayConfig ANTHROPIC = GatewayConfig.of("https://api.anthropic.com", Protocol.ANTHROPIC);
    private static final GatewayConfig LOCAL_ANTHROPIC = GatewayConfig.of("http://127.0.0.1:8080", Protocol.ANTHROPIC);
    private static final Map<String, String> PLAIN_USER = Map.of("PATH", "/usr/bin", "HOME", "/home/u");

    private static ClaudeEnvironment env(GatewayConfig config) {
        return ClaudeEnvironment.forGateway(config, "127.0.0.1", 41234, OptionalInt.empty());
    }

    @Test
    void anOpenAiUpstreamGetsTheGatewayAPlaceholderTokenAndTheGatewaySettings() {
        Map<String, String> child = env(OPENAI).applyTo(PLAIN_USER);

        assertThat(child).containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:41234")
                .containsEntry("ANTHROPIC_AUTH_TOKEN", ClaudeEnvironment.PLACEHOLDER_TOKEN)
                .containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("API_TIMEOUT_MS", String.valueOf(Duration.ofMinutes(31).toMillis()))
                .containsEntry("PATH", "/usr/bin").containsEntry("HOME", "/home/u")
                .doesNotContainKeys("ANTHROPIC_API_KEY", "CLAUDE_CODE_MAX_CONTEXT_TOKENS",
                        "CLAUDE_CODE_AUTO_COMPACT_WINDOW", "CLAUDE_CODE_MAX_OUTPUT_TOKENS");
    }

    @Test
    void theConfiguredModelsBecomeClaudeCodesModelVariables() {
        GatewayConfig config = OPENAI.withModel("qwen3-coder-30b")
                .withTiers(new dev.anyclaude.config.TierModels(null, "glm-4.7", "qwen3-4b"));

        Map<String, String> child = env(config).applyTo(PLAIN_USER);

        // an id Claude Code does not know is also what makes it take CLAUDE_CODE_MAX_CONTEXT_TOKENS
        assertThat(child).containsEntry("ANTHROPIC_MODEL", "qwen3-coder-30b")
                .containsEntry("ANTHROPIC_DEFAULT_SONNET_MODEL", "glm-4.7")
                .containsEntry("ANTHROPIC_DEFAULT_HAIKU_MODEL", "qwen3-4b")
                .doesNotContainKey("ANTHROPIC_DEFAULT_OPUS_MODEL");
    }

    @Test
    void modelVariablesTheUserSetWinAndAnthropicItselfGetsNone() {
        Map<String, String> user = new HashMap<>(PLAIN_USER);
        user.put("ANTHROPIC_MODEL", "my-choice");

        assertThat(env(OPENAI.withModel("qwen3-coder-30b")).applyTo(user)).containsEntry("ANTHROPIC_MODEL", "my-choice");
        assertThat(env(ANTHROPIC.withModel("claude-sonnet-4-5")).applyTo(PLAIN_USER)).doesNotContainKey("ANTHROPIC_MODEL");
    }

    @Test
    void valuesTheUserSetAreNeverOverriddenNotEvenEmptyOnes() {
        Map<String, String> user = new HashMap<>(PLAIN_USER);
        user.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "");
        user.put("CLAUDE_CODE_MAX_CONTEXT_TOKENS", "100000");
        user.put("CLAUDE_CODE_AUTO_COMPACT_WINDOW", "120000");
        user.put("CLAUDE_CODE_MAX_OUTPUT_TOKENS", "4096");
        user.put("API_TIMEOUT_MS", "5000");
        ClaudeEnvironment settings = ClaudeEnvironment.forGateway(OPENAI.withMaxOutputTokens(16000), "127.0.0.1", 41234,
                OptionalInt.of(262144));

        Map<String, String> child = settings.applyTo(user);

        assertThat(child).containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "")
                .containsEntry("CLAUDE_CODE_MAX_CONTEXT_TOKENS", "100000")
                .containsEntry("CLAUDE_CODE_AUTO_COMPACT_WINDOW", "120000")
                .containsEntry("CLAUDE_CODE_MAX_OUTPUT_TOKENS", "4096")
                .containsEntry("API_TIMEOUT_MS", "5000");
        assertThat(settings.additions(user)).containsOnlyKeys("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN");
    }

    @Test
    void theBaseUrlAlwaysPointsAtTheGateway() {
        Map<String, String> user = new HashMap<>(PLAIN_USER);
        user.put("ANTHROPIC_BASE_URL", "https://elsewhere.example");

        assertThat(env(OPENAI).applyTo(user)).containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:41234");
    }

    @Test
    void aCredentialOfTheUsersOwnIsKeptAndNoPlaceholderAdded() {
        Map<String, String> withKey = new HashMap<>(PLAIN_USER);
        withKey.put("ANTHROPIC_API_KEY", "sk-ant-users-own");
        Map<String, String> withToken = new HashMap<>(PLAIN_USER);
        withToken.put("ANTHROPIC_AUTH_TOKEN", "users-token");

        assertThat(env(OPENAI).applyTo(withKey)).containsEntry("ANTHROPIC_API_KEY", "sk-ant-users-own")
                .doesNotContainKey("ANTHROPIC_AUTH_TOKEN");
        assertThat(env(OPENAI).applyTo(withToken)).containsEntry("ANTHROPIC_AUTH_TOKEN", "users-token")
                .doesNotContainKey("ANTHROPIC_API_KEY");
    }

    @Test
    void aBlankCredentialIsNoCredential() {
        Map<String, String> user = new HashMap<>(PLAIN_USER);
        user.put("ANTHROPIC_API_KEY", " ");

        assertThat(env(OPENAI).applyTo(user)).containsEntry("ANTHROPIC_AUTH_TOKEN", ClaudeEnvironment.PLACEHOLDER_TOKEN)
                .containsEntry("ANTHROPIC_API_KEY", " ");
    }

    @Test
    void anthropicItselfGetsTheUsersOwnCredentialsAndNoPlaceholder() {
        assertThat(env(ANTHROPIC).applyTo(PLAIN_USER)).doesNotContainKeys("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY");
        assertThat(env(ANTHROPIC.withRelay(false)).applyTo(PLAIN_USER))
                .as("decoded, the client's credentials still go to anthropic.com")
                .doesNotContainKeys("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY");
        assertThat(env(LOCAL_ANTHROPIC.withRelay(true)).applyTo(PLAIN_USER))
                .as("a server relayed to verbatim gets the client's credentials")
                .doesNotContainKeys("ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_API_KEY");
    }

    @Test
    void upstreamsThatNeedNoCredentialFromClaudeGetThePlaceholder() {
        assertThat(env(LOCAL_ANTHROPIC).applyTo(PLAIN_USER))
                .as("an Anthropic-compatible local server the gateway decodes")
                .containsEntry("ANTHROPIC_AUTH_TOKEN", ClaudeEnvironment.PLACEHOLDER_TOKEN);
        assertThat(env(ANTHROPIC.withApiKeyEnv("MY_KEY")).applyTo(PLAIN_USER))
                .as("the gateway sends a key of its own")
                .containsEntry("ANTHROPIC_AUTH_TOKEN", ClaudeEnvironment.PLACEHOLDER_TOKEN);
    }

    @Test
    void aKnownContextWindowGoesInBothVariablesClaudeCodeReads() {
        ClaudeEnvironment settings = ClaudeEnvironment.forGateway(OPENAI, "127.0.0.1", 1, OptionalInt.of(32768));

        assertThat(settings.applyTo(PLAIN_USER)).contains(entry("CLAUDE_CODE_MAX_CONTEXT_TOKENS", "32768"),
                entry("CLAUDE_CODE_AUTO_COMPACT_WINDOW", "32768"));
    }

    @Test
    void aDiscoveredWindowIsUsedOnlyWhenNoneWasConfigured() {
        ClaudeEnvironment none = env(OPENAI);
        ClaudeEnvironment configured = ClaudeEnvironment.forGateway(OPENAI, "127.0.0.1", 1, OptionalInt.of(65536));

        assertThat(none.withDiscoveredContextWindow(OptionalInt.of(131072)).contextWindow()).hasValue(131072);
        assertThat(configured.withDiscoveredContextWindow(OptionalInt.of(131072)).contextWindow()).hasValue(65536);
        assertThat(none.withDiscoveredContextWindow(OptionalInt.empty()).contextWindow()).isEmpty();
    }

    @Test
    void theGatewaysOutputCapBecomesClaudeCodesOutputLimit() {
        assertThat(env(OPENAI.withMaxOutputTokens(8192)).applyTo(PLAIN_USER))
                .containsEntry("CLAUDE_CODE_MAX_OUTPUT_TOKENS", "8192");
    }

    @Test
    void theApiTimeoutOutlastsTheGatewaysTotalDeadline() {
        GatewayConfig config = OPENAI.withDeadlines(new Deadlines(Duration.ofMinutes(5), Duration.ofMinutes(1),
                Duration.ofMinutes(45)));

        assertThat(env(config).applyTo(PLAIN_USER)).containsEntry("API_TIMEOUT_MS",
                String.valueOf(Duration.ofMinutes(46).toMillis()));
    }

    @Test
    void variablesThatBypassTheBaseUrlAreRemovedAndReported() {
        Map<String, String> user = new HashMap<>(PLAIN_USER);
        user.put("CLAUDE_CODE_USE_BEDROCK", "1");
        user.put("CLAUDE_CODE_USE_VERTEX", "1");

        assertThat(env(OPENAI).applyTo(user)).doesNotContainKeys("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX");
        assertThat(env(OPENAI).removals(user)).containsExactly("CLAUDE_CODE_USE_BEDROCK", "CLAUDE_CODE_USE_VERTEX");
        assertThat(env(OPENAI).removals(PLAIN_USER)).isEmpty();
    }

    @Test
    void theUsersMapIsLeftAsItWas() {
        Map<String, String> user = new HashMap<>(PLAIN_USER);
        user.put("CLAUDE_CODE_USE_BEDROCK", "1");

        env(OPENAI).applyTo(user);

        assertThat(user).hasSize(3).containsEntry("CLAUDE_CODE_USE_BEDROCK", "1");
    }

    @Test
    void aWildcardListenAddressIsReachedOverLoopback() {
        assertThat(ClaudeEnvironment.gatewayUrl("0.0.0.0", 8082)).isEqualTo("http://127.0.0.1:8082");
        assertThat(ClaudeEnvironment.gatewayUrl("::", 8082)).isEqualTo("http://127.0.0.1:8082");
        assertThat(ClaudeEnvironment.gatewayUrl("::1", 8082)).isEqualTo("http://[::1]:8082");
        assertThat(ClaudeEnvironment.gatewayUrl("127.0.0.1", 8082)).isEqualTo("http://127.0.0.1:8082");
    }

    @Test
    void nonPositiveLimitsAreRefused() {
        assertThatThrownBy(() -> ClaudeEnvironment.forGateway(OPENAI, "127.0.0.1", 1, OptionalInt.of(0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context window");
    }
}
