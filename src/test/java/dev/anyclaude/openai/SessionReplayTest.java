package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replays whole Claude Code sessions ({@link ClaudeCodeSessions}) through the request mapping and holds
 * invariant 5: each turn's upstream request extends the previous turn's, byte for byte.
 */
class SessionReplayTest {

    static Stream<Arguments> sessionsAndFlavors() {
        List<Arguments> all = new ArrayList<>();
        for (ClaudeCodeSessions.Session session : ClaudeCodeSessions.all()) {
            for (OpenAiFlavor flavor : OpenAiFlavor.values()) {
                all.add(Arguments.of(session.name(), flavor));
            }
        }
        return all.stream();
    }

    static ClaudeCodeSessions.Session session(String name) {
        return ClaudeCodeSessions.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    static List<ObjectNode> upstream(ClaudeCodeSessions.Session session, OpenAiFlavor flavor) {
        return session.turns().stream().map(turn -> PrefixMeter.upstream(turn, flavor)).toList();
    }

    @Test
    void sessionsHaveSeveralTurns() {
        assertThat(ClaudeCodeSessions.all()).hasSizeGreaterThanOrEqualTo(4)
                .allSatisfy(session -> assertThat(session.turns()).hasSizeGreaterThanOrEqualTo(3));
    }

    /** The precise promise: the body up to the end of turn k's last message starts turn k+1's body. */
    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("sessionsAndFlavors")
    void everyTurnsBodyStartsWithThePreviousTurnsMessages(String name, OpenAiFlavor flavor) {
        List<ObjectNode> bodies = upstream(session(name), flavor);
        for (int k = 0; k + 1 < bodies.size(); k++) {
            String head = PrefixMeter.throughLastMessage(bodies.get(k));
            assertThat(Json.string(bodies.get(k))).as("turn %d", k + 1).startsWith(head);
            assertThat(Json.string(bodies.get(k + 1))).as("turn %d → %d", k + 1, k + 2).startsWith(head);
        }
    }

    /**
     * What the server's KV cache sees, in chat-template order: the system text never changes, the tool list
     * only grows at its end (a ToolSearch load), and the messages only grow at their end.
     */
    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("sessionsAndFlavors")
    void renderedPromptOnlyGrowsAtTheEndOfEachPart(String name, OpenAiFlavor flavor) {
        List<ObjectNode> bodies = upstream(session(name), flavor);
        for (int k = 0; k + 1 < bodies.size(); k++) {
            ObjectNode before = bodies.get(k);
            ObjectNode after = bodies.get(k + 1);
            String step = "turn " + (k + 1) + " → " + (k + 2);
            assertThat(after.get("messages").get(0)).as(step + ": system").isEqualTo(before.get("messages").get(0));
            assertThat(elements(after.get("tools"))).as(step + ": tools").startsWith(
                    elements(before.get("tools")).toArray(String[]::new));
            assertThat(elements(after.get("messages"))).as(step + ": messages").startsWith(
                    elements(before.get("messages")).toArray(String[]::new));
        }
    }

    /** Where the tool list stays the same, all of turn k's rendered prompt is reused. */
    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("sessionsAndFlavors")
    void renderedPromptIsAppendOnlyWhileNoToolIsLoaded(String name, OpenAiFlavor flavor) {
        ClaudeCodeSessions.Session session = session(name);
        List<ObjectNode> bodies = upstream(session, flavor);
        List<PrefixMeter.Step> steps = PrefixMeter.measure(session, flavor);
        for (PrefixMeter.Step step : steps) {
            boolean sameTools = elements(bodies.get(step.from() - 1).get("tools"))
                    .equals(elements(bodies.get(step.from()).get("tools")));
            if (sameTools) {
                assertThat(step.appendOnly()).as("turn %d → %d: first difference %s", step.from(), step.from() + 1,
                        step.firstDifference()).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("sessionsAndFlavors")
    void sameClientRequestGivesByteIdenticalUpstreamBodies(String name, OpenAiFlavor flavor) {
        for (ObjectNode turn : session(name).turns()) {
            byte[] first = Json.bytes(PrefixMeter.upstream(turn, flavor));
            byte[] again = Json.bytes(PrefixMeter.upstream((ObjectNode) Json.parse(Json.bytes(turn)), flavor));
            assertThat(again).isEqualTo(first);
        }
    }

    @Test
    void toolsLoadedByToolSearchGoLastInTheOrderTheyWereFirstLoaded() {
        List<ObjectNode> bodies = upstream(session("toolsearch"), OpenAiFlavor.LLAMACPP);
        List<String> eager = List.of("Agent", "Bash", "Edit", "ListAgents", "Read", "ReportFindings",
                "ScheduleWakeup", "Skill", "ToolSearch", "Workflow", "Write");
        assertThat(toolNames(bodies.getFirst())).containsExactlyElementsOf(eager);
        List<String> afterFirstLoad = new ArrayList<>(eager);
        afterFirstLoad.addAll(List.of("CronList", "NotebookEdit"));
        assertThat(toolNames(bodies.get(1))).containsExactlyElementsOf(afterFirstLoad);
        // Claude Code inserts CronCreate in front of CronList; upstream it comes after the earlier loads.
        List<String> afterSecondLoad = new ArrayList<>(afterFirstLoad);
        afterSecondLoad.add("CronCreate");
        assertThat(toolNames(bodies.getLast())).containsExactlyElementsOf(afterSecondLoad);
    }

    /** The sessions really exercise what breaks a naive prefix (claude-code-traffic.md §4). */
    @Nested
    class SessionsCoverThePrefixBreakers {
        @ParameterizedTest
        @EnumSource(value = OpenAiFlavor.class, names = {"LLAMACPP", "OPENAI"})
        void passthroughWouldLoseThePrefixWhereTheMappingKeepsIt(OpenAiFlavor flavor) {
            for (ClaudeCodeSessions.Session session : ClaudeCodeSessions.all()) {
                PrefixMeter.Step first = PrefixMeter.measure(session, flavor).getFirst();
                // The system turn turns from a block list with cache_control into a string: 20-35 % lost.
                assertThat(first.passthrough().share()).as(session.name()).isLessThan(0.8);
                assertThat(first.share()).as(session.name()).isGreaterThan(first.passthrough().share());
            }
        }

        @Test
        void claudeCodeInsertsLoadedToolsInTheMiddle() {
            List<ObjectNode> turns = session("toolsearch").turns();
            List<String> sent = new ArrayList<>();
            turns.getLast().get("tools").forEach(tool -> sent.add(tool.get("name").stringValue()));
            assertThat(sent.indexOf("CronCreate")).isLessThan(sent.indexOf("CronList"));
            assertThat(sent.indexOf("CronList")).isLessThan(sent.indexOf("Edit"));
        }

        @Test
        void aSystemTurnAndATypedPromptChangeFormOnceNoLongerLast() {
            ClaudeCodeSessions.Session session = session("print-mode tools");
            assertThat(session.turns().get(0).get("messages").get(1).get("content").isArray()).isTrue();
            assertThat(session.turns().get(1).get("messages").get(1).get("content").isString()).isTrue();
            ClaudeCodeSessions.Session interactive = session("interactive");
            assertThat(interactive.turns().get(2).get("messages").get(5).get("content").isArray()).isTrue();
            assertThat(interactive.turns().get(3).get("messages").get(5).get("content").isString()).isTrue();
        }
    }

    static List<String> elements(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(element -> out.add(Json.string(element)));
        }
        return out;
    }

    static List<String> toolNames(ObjectNode body) {
        List<String> names = new ArrayList<>();
        body.get("tools").forEach(tool -> names.add(tool.get("function").get("name").stringValue()));
        return names;
    }
}
