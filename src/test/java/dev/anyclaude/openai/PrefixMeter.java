package dev.anyclaude.openai;

import dev.anyclaude.api.Json;
import dev.anyclaude.api.RequestParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How much of one request's prompt the next request of the same session starts with, measured on the
 * upstream bodies the mapping produces.
 *
 * <p>Two views. The <em>body</em> view is the JSON sent: everything up to the end of turn k's last message
 * must reappear byte for byte at the start of turn k+1's body. The <em>prompt</em> view is what a chat
 * template renders, in its order: the system text, then the tool list, then every other message; each part
 * is its JSON (the system text as such) followed by a newline. A server's KV cache reuses the common
 * prefix of the rendered prompts, so the prompt view's common prefix is what a local server can skip.
 * The same view over the Anthropic request as Claude Code sent it (system blocks, tools, messages, with
 * {@code cache_control} and all) is the <em>passthrough</em> figure: what a proxy that forwards the
 * request as it comes would give.
 */
public final class PrefixMeter {

    /**
     * One step of a session, turn {@code from} to turn {@code from + 1} (1-based).
     *
     * @param bodyPrefix      whether turn k's body up to the end of its last message starts turn k+1's body
     * @param previousPrompt  prompt-view bytes of turn k
     * @param prompt          prompt-view bytes of turn k+1
     * @param common          their common prefix
     * @param firstDifference where the prompts first differ (a part of the prompt view), or null
     * @param passthrough     the same three figures over the Anthropic request as sent
     */
    public record Step(int from, boolean bodyPrefix, long previousPrompt, long prompt, long common,
                       String firstDifference, Figures passthrough) {

        /** The share of turn k+1's prompt that is a common prefix with turn k. */
        public double share() {
            return prompt == 0 ? 1 : (double) common / prompt;
        }

        /** The best share possible: all of turn k reused. */
        public double ideal() {
            return prompt == 0 ? 1 : (double) Math.min(previousPrompt, prompt) / prompt;
        }

        /** Whether all of turn k's prompt is reused. */
        public boolean appendOnly() {
            return common == previousPrompt;
        }
    }

    public record Figures(long previousPrompt, long prompt, long common) {
        public double share() {
            return prompt == 0 ? 1 : (double) common / prompt;
        }
    }

    private PrefixMeter() {
    }

    /** The upstream body for one Claude Code request, as the OpenAI backend sends it. */
    public static ObjectNode upstream(ObjectNode anthropicBody, OpenAiFlavor flavor) {
        return ChatRequestMapper.map(RequestParser.parseMessages(Json.bytes(anthropicBody)),
                new ChatRequestMapper.Options(flavor, "upstream-model", null, "session-1"));
    }

    public static List<Step> measure(ClaudeCodeSessions.Session session, OpenAiFlavor flavor) {
        List<ObjectNode> upstream = new ArrayList<>();
        for (ObjectNode turn : session.turns()) {
            upstream.add(upstream(turn, flavor));
        }
        List<Step> steps = new ArrayList<>();
        for (int k = 0; k + 1 < upstream.size(); k++) {
            ObjectNode previous = upstream.get(k);
            ObjectNode next = upstream.get(k + 1);
            List<Part> before = promptParts(previous);
            List<Part> after = promptParts(next);
            byte[] a = join(before);
            byte[] b = join(after);
            byte[] rawA = join(anthropicParts(session.turns().get(k)));
            byte[] rawB = join(anthropicParts(session.turns().get(k + 1)));
            steps.add(new Step(k + 1, bodyPrefix(previous, next), a.length, b.length, commonPrefix(a, b),
                    firstDifference(before, after),
                    new Figures(rawA.length, rawB.length, commonPrefix(rawA, rawB))));
        }
        return steps;
    }

    /**
     * Turn k's body up to the end of its last message: the body written with only the fields before and
     * including {@code messages}, less the closing {@code ]}} of the array and the object.
     */
    static String throughLastMessage(ObjectNode body) {
        ObjectNode head = Json.object();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            head.set(field.getKey(), field.getValue());
            if (field.getKey().equals("messages")) {
                break;
            }
        }
        String text = Json.string(head);
        return text.substring(0, text.length() - 2);
    }

    static boolean bodyPrefix(ObjectNode previous, ObjectNode next) {
        String head = throughLastMessage(previous);
        if (!Json.string(previous).startsWith(head)) {
            throw new IllegalStateException("fields after messages changed its serialisation");
        }
        return Json.string(next).startsWith(head);
    }

    /** One piece of the prompt view, named for reports. */
    record Part(String name, String text) {
    }

    /** The chat-template order: system text, tools, then the other messages. */
    static List<Part> promptParts(ObjectNode body) {
        List<Part> parts = new ArrayList<>();
        JsonNode messages = body.get("messages");
        int first = 0;
        if (!messages.isEmpty() && "system".equals(Json.text(messages.get(0), "role"))) {
            parts.add(new Part("system", Json.text(messages.get(0), "content")));
            first = 1;
        }
        JsonNode tools = body.get("tools");
        if (tools != null) {
            for (int i = 0; i < tools.size(); i++) {
                parts.add(new Part("tools[" + i + "] " + tools.get(i).path("function").path("name").stringValue(),
                        Json.string(tools.get(i))));
            }
        }
        for (int i = first; i < messages.size(); i++) {
            parts.add(new Part("messages[" + i + "] " + Json.text(messages.get(i), "role"), Json.string(messages.get(i))));
        }
        return parts;
    }

    /** The Anthropic request in the same order, as Claude Code sent it. */
    static List<Part> anthropicParts(ObjectNode body) {
        List<Part> parts = new ArrayList<>();
        JsonNode system = body.get("system");
        if (system != null && system.isArray()) {
            for (int i = 0; i < system.size(); i++) {
                parts.add(new Part("system[" + i + "]", Json.string(system.get(i))));
            }
        } else if (system != null) {
            parts.add(new Part("system", Json.string(system)));
        }
        JsonNode tools = body.get("tools");
        if (tools != null) {
            for (int i = 0; i < tools.size(); i++) {
                parts.add(new Part("tools[" + i + "]", Json.string(tools.get(i))));
            }
        }
        JsonNode messages = body.get("messages");
        for (int i = 0; i < messages.size(); i++) {
            parts.add(new Part("messages[" + i + "]", Json.string(messages.get(i))));
        }
        return parts;
    }

    static byte[] join(List<Part> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            out.writeBytes(part.text().getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        return out.toByteArray();
    }

    static long commonPrefix(byte[] a, byte[] b) {
        int n = Math.min(a.length, b.length);
        int mismatch = java.util.Arrays.mismatch(a, 0, n, b, 0, n);
        return mismatch < 0 ? n : mismatch;
    }

    private static String firstDifference(List<Part> before, List<Part> after) {
        for (int i = 0; i < before.size(); i++) {
            if (i >= after.size()) {
                return "turn k+1 is shorter";
            }
            if (!before.get(i).text().equals(after.get(i).text())) {
                return before.get(i).name() + " → " + after.get(i).name();
            }
        }
        return null;
    }
}
