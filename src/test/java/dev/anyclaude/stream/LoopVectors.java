package dev.anyclaude.stream;

import java.util.Random;

/**
 * Model output, written for the loop guard's tests and benchmark: normal output that repeats itself the
 * way code and data do (and must pass), and degenerate output (that must not).
 */
public final class LoopVectors {

    private static final String[] WORDS = {
        "the", "configuration", "is", "read", "once", "at", "startup", "and", "then", "cached", "so", "a",
        "change", "needs", "restart", "of", "service", "which", "we", "can", "avoid", "by", "watching", "file",
        "for", "updates", "instead", "this", "method", "returns", "an", "empty", "list", "when", "nothing",
        "matches", "query", "but", "caller", "expects", "null", "in", "that", "case", "I", "will", "fix", "test",
        "first", "it", "should", "fail", "before", "patch", "pass", "after", "one", "more", "thing", "to", "check",
        "whether", "parser", "handles", "trailing", "commas", "JSON", "input", "array", "object", "value",
        "stream", "closes", "early", "error", "path", "handler", "request", "response", "timeout", "retry",
        "budget", "window", "thread", "queue", "worker", "batch", "index", "column", "row", "table", "schema",
    };

    private LoopVectors() {
    }

    /** Prose of about {@code length} characters from a seeded choice of words, sentences and paragraphs. */
    public static String prose(Random random, int length) {
        StringBuilder out = new StringBuilder(length + 100);
        while (out.length() < length) {
            appendSentence(out, random);
            out.append(random.nextInt(6) == 0 ? "\n\n" : " ");
        }
        return out.toString();
    }

    static void appendSentence(StringBuilder out, Random random) {
        int words = 6 + random.nextInt(14);
        for (int i = 0; i < words; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            if (i == 0) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            } else {
                out.append(' ');
            }
            switch (random.nextInt(30)) {
                case 0 -> out.append('`').append(word).append("()`");
                case 1 -> out.append(random.nextInt(10_000));
                case 2 -> out.append(word).append(',');
                default -> out.append(word);
            }
        }
        out.append(random.nextInt(8) == 0 ? '?' : '.');
    }

    // ---- normal output that repeats itself ----------------------------------------------------------------

    private static final String[] FIELDS = {
        "id", "name", "email", "phone", "street", "city", "zip", "country", "createdAt", "updatedAt", "owner",
        "status", "priority", "title", "description", "category", "price", "quantity", "discount", "currency",
        "weight", "height", "width", "depth", "color", "material", "vendor", "sku", "barcode", "notes", "rating",
        "reviews", "visible", "archived", "parentId", "sortOrder", "slug", "locale", "timezone", "version",
    };
    private static final String[] TYPES = {"String", "long", "int", "boolean"};

    /** A Java bean of 40 fields with a getter, a setter and a toString line each: over 400 lines. */
    public static String javaBean() {
        StringBuilder out = new StringBuilder("package com.example.shop;\n\nimport java.util.Objects;\n\n"
                + "/** A product as the catalogue stores it. */\npublic class Product {\n\n");
        for (int i = 0; i < FIELDS.length; i++) {
            out.append("    private ").append(TYPES[i % TYPES.length]).append(' ').append(FIELDS[i]).append(";\n");
        }
        out.append('\n');
        for (int i = 0; i < FIELDS.length; i++) {
            String field = FIELDS[i];
            String type = TYPES[i % TYPES.length];
            String property = Character.toUpperCase(field.charAt(0)) + field.substring(1);
            String get = type.equals("boolean") ? "is" : "get";
            out.append("    public ").append(type).append(' ').append(get).append(property).append("() {\n")
                    .append("        return ").append(field).append(";\n")
                    .append("    }\n\n")
                    .append("    public void set").append(property).append('(').append(type).append(' ')
                    .append(field).append(") {\n")
                    .append("        this.").append(field).append(" = ").append(field).append(";\n")
                    .append("    }\n\n");
        }
        out.append("    @Override\n    public String toString() {\n        return \"Product{\"\n");
        for (String field : FIELDS) {
            out.append("                + \"").append(field).append("=\" + ").append(field).append(" + \", \"\n");
        }
        out.append("                + \"}\";\n    }\n}\n");
        return out.toString();
    }

    /** Sensor readings a minute apart: 600 rows that differ only in their numbers. */
    public static String csv() {
        StringBuilder out = new StringBuilder("timestamp,sensor,reading,status\n");
        for (int i = 0; i < 600; i++) {
            out.append(String.format("2026-03-%02d %02d:%02d:00,sensor-%d,%d.%d,OK\n",
                    1 + i / 1440, i / 60 % 24, i % 60, 1 + i % 3, 20 + i % 7, i % 10));
        }
        return out.toString();
    }

    /** A markdown table of 120 benchmark rows, most cells alike. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("Here are the timings:\n\n| run | case | result | time |\n"
                + "|-----|------|--------|------|\n");
        for (int i = 1; i <= 120; i++) {
            out.append("| ").append(i).append(" | parse-").append(i % 4 == 0 ? "large" : "small")
                    .append(" | ✓ pass | ").append(10 + i * 7 % 23).append(" ms |\n");
        }
        return out.append("\nAll runs passed.\n").toString();
    }

    /** A pretty-printed JSON array of 300 objects alike but for their ids. */
    public static String jsonArray() {
        StringBuilder out = new StringBuilder("```json\n[\n");
        for (int i = 0; i < 300; i++) {
            out.append("  {\n    \"id\": ").append(1000 + i).append(",\n    \"name\": \"worker\",\n")
                    .append("    \"enabled\": true,\n    \"tags\": [\"batch\", \"nightly\"]\n  }")
                    .append(i < 299 ? ",\n" : "\n");
        }
        return out.append("]\n```\n").toString();
    }

    /** Section rules of 80 and 120 characters, an array of 200 zeros and a 1000-space indented block. */
    public static String separatorsAndZeros() {
        StringBuilder out = new StringBuilder();
        for (int section = 1; section <= 6; section++) {
            out.append("=".repeat(80)).append("\nSECTION ").append(section).append('\n')
                    .append("=".repeat(80)).append("\n\nThe values for this section follow.\n")
                    .append("-".repeat(120)).append('\n');
        }
        out.append("static final int[] TABLE = {").append("0, ".repeat(199)).append("0};\n");
        out.append(" ".repeat(1000)).append("indented\n");
        return out.toString();
    }

    /** A test class of 50 near-identical tests, each with its own number. */
    public static String testFile() {
        StringBuilder out = new StringBuilder("import org.junit.jupiter.api.Test;\n\n"
                + "import static org.assertj.core.api.Assertions.assertThat;\n\nclass ParserTest {\n\n");
        for (int i = 1; i <= 50; i++) {
            out.append("    @Test\n    void parsesCase").append(i).append("() {\n")
                    .append("        assertThat(Parser.parse(\"case ").append(i).append("\")).isEqualTo(new Result(")
                    .append(i).append(", \"ok\"));\n    }\n\n");
        }
        return out.append("}\n").toString();
    }

    /** A build log: 400 lines a few milliseconds apart. */
    public static String log() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            out.append(String.format("2026-03-01T12:%02d:%02d.%03dZ INFO  worker-%d processed batch %d in %d ms\n",
                    i / 600, i / 10 % 60, i * 37 % 1000, i % 4, i, 40 + i * 13 % 9));
        }
        return out.toString();
    }

    // ---- degenerate output --------------------------------------------------------------------------------

    /** One paragraph, 12 times, after an introduction. */
    public static String paragraphLoop() {
        String paragraph = "To fix the failing test we need to update the parser so that it accepts a trailing "
                + "comma after the last element of an array. The change is small: in the loop that reads "
                + "elements, when we see a comma we peek at the next token, and if it is the closing bracket we "
                + "stop instead of reading another value. Let me make that change now.\n\n";
        return "I looked at the stack trace.\n\n" + paragraph.repeat(12);
    }

    /** One sentence, 200 times. */
    public static String sentenceLoop() {
        return "Let me check. " + "I will now check the configuration file again. ".repeat(200);
    }

    /** An answer, then newlines that never stop. */
    public static String newlinesForever() {
        return "Done.\n" + "\n".repeat(20_000);
    }

    /** One token, 2000 times. */
    public static String tokenLoop() {
        return "So the answer is " + "the ".repeat(2000);
    }

    /** Laughter, 3000 characters of it. */
    public static String laughter() {
        return "ha".repeat(1500);
    }

    /** One line of code, over and over. */
    public static String codeLineLoop() {
        return "```java\nint value() {\n" + "    return null;\n".repeat(300);
    }

    /** A loop whose passage holds characters outside the BMP. */
    public static String emojiLoop() {
        return "Again 🔁 and again ✨ ".repeat(300);
    }
}
