package dev.anyclaude.stream;

import dev.anyclaude.api.Tool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tools a response's tool calls are checked against, kept for as long as the response streams: each
 * tool's name, type and input schema, without its description or raw JSON (Claude Code's descriptions
 * are two thirds of its 32 KB tool list). Requests that offer the same tools (every main request of a
 * Claude Code version does) share one copy, so thousands of open streams hold one tool list, not
 * thousands. At most {@link #KEPT} lists are kept for sharing; past that the kept ones are dropped and
 * sharing starts again (streams keep the lists they have).
 */
public final class SharedTools {
    /** Distinct tool lists kept (main agent, subagents, MCP variations of several clients). */
    static final int KEPT = 64;

    private static final ConcurrentHashMap<Key, List<Tool>> LISTS = new ConcurrentHashMap<>();

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

    /** The tools as a response needs them, the same list object for equal tool lists; null stays null. */
    public static List<Tool> of(List<Tool> tools) {
        if (tools == null) {
            return null;
        }
        List<Tool> needed = new ArrayList<>(tools.size());
        for (Tool tool : tools) {
            needed.add(new Tool(tool.name(), null, tool.inputSchema(), tool.type(), tool.deferLoading(), null));
        }
        List<Tool> list = List.copyOf(needed);
        if (LISTS.size() >= KEPT) {
            LISTS.clear();
        }
        return LISTS.computeIfAbsent(new Key(list, list.hashCode()), Key::tools);
    }

    /** How many distinct lists are kept now (tests). */
    static int kept() {
        return LISTS.size();
    }
}
