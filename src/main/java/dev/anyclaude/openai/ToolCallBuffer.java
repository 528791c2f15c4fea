package dev.anyclaude.openai;

import dev.anyclaude.toolcall.ToolArguments;
import dev.anyclaude.api.Json;
import dev.anyclaude.stream.ModelEvent;
import dev.anyclaude.stream.ModelEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Collects OpenAI tool-call fragments until the calls are certainly complete, then emits each once.
 * Buffering (rather than streaming the arguments) is what lets us cope with interleaved indexes,
 * names arriving late, cumulative snapshots and invalid JSON, none of which can be retracted once sent.
 */
final class ToolCallBuffer {

    private static final Logger LOG = LoggerFactory.getLogger(ToolCallBuffer.class);

    /** Indexed calls in index order, then the others in arrival order. */
    private static final Comparator<Call> ORDER = Comparator
            .comparing((Call call) -> call.index == null)
            .thenComparing(call -> call.index == null ? 0 : call.index)
            .thenComparing(call -> call.arrival);

    private static final class Call {
        final Integer index;
        final int arrival;
        String id;
        String name;
        final StringBuilder arguments = new StringBuilder();

        Call(Integer index, int arrival) {
            this.index = index;
            this.arrival = arrival;
        }
    }

    private final Supplier<String> idGenerator;
    private final List<Call> pending = new ArrayList<>();
    private final Map<String, Call> byKey = new HashMap<>();
    /** Ids already handed out in this response: a repeated upstream id would break the client's tool_result pairing. */
    private final Set<String> usedIds = new HashSet<>();
    private Call last;
    private int arrivals;

    ToolCallBuffer(Supplier<String> idGenerator) {
        this.idGenerator = idGenerator;
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /** One element of a streamed {@code delta.tool_calls}. */
    void addFragment(JsonNode fragment) {
        Integer index = indexOf(fragment.get("index"));
        String id = nonEmpty(Json.text(fragment, "id"));
        Call call;
        if (index != null) {
            call = byKey.get("#" + index);
            // Same index but another id: a server that numbers every call 0.
            if (call != null && call.id != null && id != null && !id.equals(call.id)) {
                call = null;
            }
        } else if (id != null) {
            call = byKey.get("id:" + id);
        } else {
            call = last;
        }
        if (call == null) {
            call = new Call(index, arrivals++);
            pending.add(call);
        }
        if (index != null) {
            byKey.put("#" + index, call);
        }
        if (id != null) {
            byKey.put("id:" + id, call);
        }
        last = call;
        merge(call, id, fragment.path("function"));
    }

    /** One element of a non-streamed {@code message.tool_calls}: always a whole call of its own. */
    void addWhole(JsonNode toolCall) {
        Call call = new Call(null, arrivals++);
        pending.add(call);
        merge(call, nonEmpty(Json.text(toolCall, "id")), toolCall.path("function"));
    }

    /**
     * Emits every buffered call, in order, and forgets them.
     *
     * @param truncated the response was cut at the token limit: arguments that needed closing are
     *                  then incomplete, and a call with half its input must not run
     */
    void flush(ModelEventSink sink, boolean truncated) {
        if (pending.isEmpty()) {
            return;
        }
        List<Call> calls = new ArrayList<>(pending);
        calls.sort(ORDER);
        pending.clear();
        byKey.clear();
        last = null;
        for (Call call : calls) {
            sink.accept(emit(call, truncated));
        }
    }

    private ModelEvent emit(Call call, boolean truncated) {
        String raw = call.arguments.toString();
        if (call.name == null) {
            LOG.warn("Upstream tool call {} has no name; delivering it as text", call.id);
            return asText("a tool call without a name was not executed", raw);
        }
        Optional<ToolArguments.Result> arguments = ToolArguments.decode(raw);
        if (arguments.isEmpty()) {
            LOG.warn("Arguments of upstream tool call {} ({}) are not valid JSON even after repair; delivering it as text",
                    call.name, call.id);
            return asText("tool call " + call.name + " was not executed: its arguments are not valid JSON", raw);
        }
        if (truncated && arguments.get().repaired()) {
            LOG.warn("Upstream tool call {} ({}) was cut off at the token limit; delivering it as text",
                    call.name, call.id);
            return asText("tool call " + call.name + " was not executed: the response hit the token limit "
                    + "before its arguments were complete", raw);
        }
        return new ModelEvent.ToolCall(idFor(call), call.name, arguments.get().json());
    }

    private String idFor(Call call) {
        String id = ToolIds.toAnthropic(call.id);
        if (id == null || !usedIds.add(id)) {
            id = idGenerator.get();
            usedIds.add(id);
        }
        return id;
    }

    private static ModelEvent.TextDelta asText(String what, String raw) {
        return new ModelEvent.TextDelta("[" + what + "; arguments: " + raw + "]");
    }

    private static void merge(Call call, String id, JsonNode function) {
        if (call.id == null) {
            call.id = id;
        }
        // Set once: some backends repeat the name in every fragment, concatenating would corrupt it.
        if (call.name == null) {
            call.name = nonEmpty(Json.text(function, "name"));
        }
        String fragment = argumentsOf(function.get("arguments"));
        if (fragment.isEmpty()) {
            return;
        }
        if (!call.arguments.isEmpty() && startsWith(fragment, call.arguments)) {
            // A cumulative snapshot, not a delta.
            call.arguments.setLength(0);
        }
        call.arguments.append(fragment);
    }

    /** Arguments are a string by the spec; a few servers send the object itself. */
    private static String argumentsOf(JsonNode arguments) {
        if (arguments == null || arguments.isNull() || arguments.isMissingNode()) {
            return "";
        }
        return arguments.isString() ? arguments.stringValue() : Json.string(arguments);
    }

    /** Compares in place: copying the buffer for every fragment would make long arguments quadratic. */
    private static boolean startsWith(String text, CharSequence prefix) {
        if (text.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (text.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static Integer indexOf(JsonNode index) {
        if (index != null && index.isIntegralNumber()) {
            return index.canConvertToInt() ? index.asInt() : null;
        }
        if (index != null && index.isString()) {
            try {
                return Integer.parseInt(index.stringValue().strip());
            } catch (NumberFormatException notAnIndex) {
                return null;
            }
        }
        return null;
    }

    private static String nonEmpty(String text) {
        return text == null || text.isEmpty() ? null : text;
    }
}
