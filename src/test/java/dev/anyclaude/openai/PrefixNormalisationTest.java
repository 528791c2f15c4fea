package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.RequestParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The differences Claude Code makes between requests of one session that carry no prompt content
 * (claude-code-traffic.md §2.3–2.5, §4) map to the same upstream bytes, for every backend flavor.
 */
class PrefixNormalisationTest {

    static final String SESSION = "5f1c8a52-0000-4000-8000-000000000001";

    static String upstream(String anthropicBody, OpenAiFlavor flavor) {
        return Json.string(ChatRequestMapper.map(RequestParser.parseMessages(anthropicBody.getBytes(StandardCharsets.UTF_8)),
                new ChatRequestMapper.Options(flavor, "upstream-model", null, SESSION)));
    }

    static String body(String fields) {
        return "{\"model\":\"claude-test\",\"max_tokens\":32000," + fields + "}";
    }

    static void sameUpstream(OpenAiFlavor flavor, String one, String other) {
        assertThat(upstream(body(other), flavor)).isEqualTo(upstream(body(one), flavor));
    }

    static final String TOOLS = """
            "tools":[{"name":"Bash","description":"Run","input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}]""";

    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void plainStringAndOneTextBlockAreTheSame(OpenAiFlavor flavor) {
        sameUpstream(flavor, """
                "messages":[{"role":"user","content":"list files"},{"role":"system","content":"Today is Tuesday."},
                  {"role":"assistant","content":"Sure."},{"role":"user","content":"go"}]""", """
                "messages":[{"role":"user","content":[{"type":"text","text":"list files"}]},
                  {"role":"system","content":[{"type":"text","text":"Today is Tuesday."}]},
                  {"role":"assistant","content":[{"type":"text","text":"Sure."}]},
                  {"role":"user","content":[{"type":"text","text":"go"}]}]""");
    }

    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void toolResultStringAndTextBlocksAreTheSame(OpenAiFlavor flavor) {
        String history = """
                "messages":[{"role":"user","content":"ls"},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":%s}]}]""";
        sameUpstream(flavor, TOOLS + "," + history.formatted("\"a.txt\""),
                TOOLS + "," + history.formatted("[{\"type\":\"text\",\"text\":\"a.txt\"}]"));
    }

    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void cacheControlAnywhereChangesNothing(OpenAiFlavor flavor) {
        sameUpstream(flavor, """
                "system":[{"type":"text","text":"You are a coding agent."}],
                """ + TOOLS + """
                ,"messages":[{"role":"user","content":[{"type":"text","text":"ls"}]},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt"}]}]""", """
                "cache_control":{"type":"ephemeral"},
                "system":[{"type":"text","text":"You are a coding agent.","cache_control":{"type":"ephemeral","ttl":"1h"}}],
                "tools":[{"name":"Bash","description":"Run","cache_control":{"type":"ephemeral"},
                  "input_schema":{"type":"object","properties":{"command":{"type":"string"}}}}],
                "messages":[{"role":"user","content":[{"type":"text","text":"ls","cache_control":{"type":"ephemeral"}}]},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"ls"},
                    "cache_control":{"type":"ephemeral"}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"a.txt",
                    "cache_control":{"type":"ephemeral"}}]}]""");
    }

    /** Claude Code sends a system turn as a block list with a breakpoint while last, a string after. */
    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void systemTurnLastOrNotRendersTheSame(OpenAiFlavor flavor) {
        String last = upstream(body("""
                "messages":[{"role":"user","content":"hi"},
                  {"role":"system","content":[{"type":"text","text":"# Environment\\ncwd: /w","cache_control":{"type":"ephemeral"}}],
                   "output_config":{"effort":"medium"}}]"""), flavor);
        String notLast = upstream(body("""
                "messages":[{"role":"user","content":"hi"},
                  {"role":"system","content":"# Environment\\ncwd: /w","output_config":{"effort":"medium"}},
                  {"role":"assistant","content":"Hello."},{"role":"user","content":"bye"}]"""), flavor);
        String head = PrefixMeter.throughLastMessage((ObjectNode) Json.parse(last));
        assertThat(notLast).startsWith(head);
    }

    /** The billing header's fingerprint follows the first prompt; subagents add a flag. Neither reaches upstream. */
    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void billingHeaderVariantsAreDropped(OpenAiFlavor flavor) {
        String system = """
                "system":[{"type":"text","text":"x-anthropic-billing-header: %s"},
                  {"type":"text","text":"You are a Claude agent.","cache_control":{"type":"ephemeral"}}],
                "messages":[{"role":"user","content":"hi"}]""";
        String plain = upstream(body(system.formatted("cc_version=2.1.328.b44; cc_entrypoint=sdk-cli;")), flavor);
        assertThat(plain).doesNotContain("billing").doesNotContain("cc_version");
        assertThat(upstream(body(system.formatted("cc_version=2.1.328.593; cc_entrypoint=cli;")), flavor))
                .isEqualTo(plain);
        assertThat(upstream(body(system.formatted(
                "cc_version=2.1.328.1f1; cc_entrypoint=sdk-cli; cc_is_subagent=true;")), flavor)).isEqualTo(plain);
        assertThat(upstream(body("""
                "system":"You are a Claude agent.","messages":[{"role":"user","content":"hi"}]"""), flavor))
                .isEqualTo(plain);
    }

    /** Fields that are not prompt text and change from request to request never reach the upstream body. */
    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void perRequestFieldsThatAreNotPromptTextAreDropped(OpenAiFlavor flavor) {
        String messages = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        String userId = Json.string(Json.MAPPER.getNodeFactory().stringNode(
                "{\"device_id\":\"d3v1c3\",\"account_uuid\":\"\",\"session_id\":\"" + SESSION + "\"}"));
        sameUpstream(flavor, "\"thinking\":{\"type\":\"adaptive\"}," + messages, """
                "thinking":{"type":"adaptive","display":"updates"},
                "metadata":{"user_id":%s},
                "context_management":{"edits":[{"type":"clear_thinking_20251015","keep":"all"}]},
                "safeguards":[{"type":"dangerous_tool_use","classifier_context":{"cwd":"/w","git_state":"clean"}}],
                "diagnostics":{"x":1},
                """.formatted(userId) + messages);
    }

    @ParameterizedTest
    @EnumSource(OpenAiFlavor.class)
    void thinkingSignaturesDoNotMatter(OpenAiFlavor flavor) {
        String history = """
                "thinking":{"type":"adaptive"},
                "messages":[{"role":"user","content":"hi"},
                  {"role":"assistant","content":[{"type":"thinking","thinking":"greet back","signature":"%s"},
                    {"type":"text","text":"Hello."}]},
                  {"role":"user","content":"bye"}]""";
        sameUpstream(flavor, history.formatted(""), history.formatted("EqQBCkgIARABGAIiQH7sig"));
    }

    @Test
    void theSystemTextOfTheCapturesCarriesNothingPerRequest() {
        JsonNode first = PrefixMeter.upstream(ClaudeCodeSessions.capture("captures/01-print-mode-first-request.json"),
                OpenAiFlavor.LLAMACPP).get("messages").get(0);
        JsonNode sixth = PrefixMeter.upstream(ClaudeCodeSessions.capture("captures/03-print-mode-parallel-tool-results.json"),
                OpenAiFlavor.LLAMACPP).get("messages").get(0);
        assertThat(first.get("role").stringValue()).isEqualTo("system");
        assertThat(sixth).isEqualTo(first);
    }
}
