package dev.anyclaude.config;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code .anyclauderc.json}: a JSON object whose fields are settings. This class reads the file and
 * reports malformed JSON with its line and column; which fields exist and what type each takes is the
 * command line's business (every flag is a field), see {@code cli.RcDefaults}.
 *
 * <p>The syntax is JSON with two allowances people expect from a hand-written settings file: comments
 * ({@code //} and {@code /* *\/}) and a trailing comma. A field given twice is an error.
 *
 * @param path   the file
 * @param fields its top-level fields, in file order
 */
public record RcFile(Path path, Map<String, JsonNode> fields) {
    public static final String NAME = ".anyclauderc.json";

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public RcFile {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /**
     * Reads and parses {@code path}.
     *
     * @throws IllegalArgumentException naming the file (and the line and column for malformed JSON)
     */
    public static RcFile read(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read: " + e.getMessage(), e);
        }
        return parse(path, text);
    }

    static RcFile parse(Path path, String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            String where = at == null || at == TokenStreamLocation.NA ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new IllegalArgumentException(path + ": invalid JSON" + where + ": " + firstLine(e.getOriginalMessage()), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException(path + ": empty file; it should hold a JSON object such as {\"mode\": \"lmstudio\"}");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException(path + ": the file must hold a JSON object ({...}), not "
                    + describe(root));
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        root.properties().forEach(e -> fields.put(e.getKey(), e.getValue()));
        return new RcFile(path, fields);
    }

    /** For messages: {@code a string}, {@code a number}, {@code an array}, ... */
    public static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isString()) {
            return "a string";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isArray()) {
            return "an array";
        }
        return node.isObject() ? "an object" : node.getNodeType().toString().toLowerCase(Locale.ROOT);
    }

    /**
     * The candidate most like {@code name}, for "did you mean": case, dashes and underscores are ignored
     * first ({@code base-url} is {@code baseUrl}), then the smallest edit distance wins when it is small
     * for the name's length (at most 2, or a third of it); null when nothing is close.
     */
    public static String closest(String name, Collection<String> candidates) {
        String key = squash(name);
        for (String candidate : candidates) {
            if (squash(candidate).equals(key)) {
                return candidate;
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(key, squash(candidate));
            if (d < bestDistance || (d == bestDistance && best != null && closerInLength(key, candidate, best))) {
                best = candidate;
                bestDistance = d;
            }
        }
        int allowed = Math.max(2, key.length() / 3);
        return bestDistance <= allowed ? best : null;
    }

    /** Ties go to the candidate as long as the typed name ({@code modle}: {@code model}, not {@code mode}), then the first in order. */
    private static boolean closerInLength(String typed, String candidate, String best) {
        int a = Math.abs(squash(candidate).length() - typed.length());
        int b = Math.abs(squash(best).length() - typed.length());
        return a < b || (a == b && candidate.compareTo(best) < 0);
    }

    private static String squash(String s) {
        return s.replaceAll("[-_\\s]", "").toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance with adjacent transpositions (optimal string alignment). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
