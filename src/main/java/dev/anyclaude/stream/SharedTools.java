package dev.anyclaude.stream;

import dev.anyclaude.api.BoundedMemo;
import dev.anyclaude.api.SameObjects;
import dev.anyclaude.api.Tool;

import java.util.ArrayList;
import java.util.List;

/**
 * The tools a response's tool calls are checked against, kept for as long as the response streams: each
 * tool's name, type and input schema, without its description or raw JSON (Claude Code's descriptions
 * are two thirds of its 32 KB tool list). Requests that offer the same tools (every main request of a
 * Claude Code version does) share one copy, so thousands of open streams hold one tool list, not
 * thousands. At most {@link #KEPT} lists are kept for sharing ({@link BoundedMemo}; streams keep the lists they
 * have).
 */
public final class SharedTools {
    /** Distinct tool lists kept (main agent, subagents, MCP variations of several clients). */
    static final int KEPT = 64;

    private static final BoundedMemo<Key, List<Tool>> LISTS = new BoundedMemo<>(KEPT);

    /** A tool list with its hash worked out once (hashing walks every schema). */
    private record Key(List<Tool> tools, int hash) {
        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.hash == hash && key.tools.equals(tools);
        }
    }

    private SharedTools() {
    }

    /**
     * The same lists found by the tools' instances ({@link SameObjects}): the parse memo gives every request of
     * a session the same ones, and hashing the content key walks every schema.
     */
    private static final BoundedMemo<SameObjects, List<Tool>> BY_INSTANCE = new BoundedMemo<>(KEPT);

    /** The tools as a response needs them, the same list object for equal tool lists; null stays null. */
    public static List<Tool> of(List<Tool> tools) {
        if (tools == null) {
            return null;
        }
        Object[] refs = new Object[tools.size() * 4];
        int i = 0;
        for (Tool tool : tools) {
            refs[i++] = tool.name();
            refs[i++] = tool.inputSchema();
            refs[i++] = tool.type();
            refs[i++] = Boolean.valueOf(tool.deferLoading());
        }
        return BY_INSTANCE.get(SameObjects.of(refs), key -> byContent(tools));
    }

    private static List<Tool> byContent(List<Tool> tools) {
        List<Tool> needed = new ArrayList<>(tools.size());
        for (Tool tool : tools) {
            needed.add(new Tool(tool.name(), null, tool.inputSchema(), tool.type(), tool.deferLoading(), null));
        }
        List<Tool> list = List.copyOf(needed);
        return LISTS.get(new Key(list, list.hashCode()), Key::tools);
    }

    /** How many distinct lists are kept now (tests). */
    static int kept() {
        return LISTS.size();
    }
}
