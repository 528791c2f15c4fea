package dev.anyclaude.backend;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The headers of the client's request, names lower-cased. */
public record ClientHeaders(Map<String, List<String>> values) {

    public static final ClientHeaders EMPTY = new ClientHeaders(Map.of());

    public ClientHeaders {
        Map<String, List<String>> copy = new TreeMap<>();
        values.forEach((name, list) -> copy.merge(name.toLowerCase(Locale.ROOT), List.copyOf(list),
                (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
        values = Map.copyOf(copy);
    }

    public String first(String name) {
        List<String> list = values.get(name.toLowerCase(Locale.ROOT));
        return list == null || list.isEmpty() ? null : list.get(0);
    }

    /** Claude Code's per-session id, the natural key for affinity and upstream session hints. */
    public String sessionId() {
        return first("x-claude-code-session-id");
    }
}
