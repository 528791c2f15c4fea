package dev.anyclaude.cli;

import dev.anyclaude.api.Json;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code anyclaude doctor} found: a checklist for people and the same checks, with the facts behind
 * them, as JSON for programs.
 */
final class DoctorReport {

    enum Status {
        OK("✓", "+"), WARN("!", "!"), FAIL("✗", "x"), SKIPPED("-", "-");

        private final String unicode;
        private final String ascii;

        Status(String unicode, String ascii) {
            this.unicode = unicode;
            this.ascii = ascii;
        }

        String mark(boolean unicodeOut) {
            return unicodeOut ? unicode : ascii;
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One line of the checklist, with the lines that explain it. */
    record Check(String id, String title, Status status, String summary, List<String> details) {
        Check {
            details = List.copyOf(details);
        }
    }

    private final String heading;
    private final List<Check> checks = new ArrayList<>();
    /** The facts behind the checks, for {@code --json}. */
    final ObjectNode facts = Json.object();

    DoctorReport(String heading) {
        this.heading = heading;
    }

    void add(String id, String title, Status status, String summary, List<String> details) {
        checks.add(new Check(id, title, status, summary, details));
    }

    void add(String id, String title, Status status, String summary) {
        add(id, title, status, summary, List.of());
    }

    List<Check> checks() {
        return List.copyOf(checks);
    }

    boolean failed() {
        return checks.stream().anyMatch(check -> check.status() == Status.FAIL);
    }

    /** 0 when nothing failed (warnings allowed), 1 when something did. */
    int exitCode() {
        return failed() ? 1 : 0;
    }

    void printText(PrintWriter out, boolean unicode) {
        out.println(heading);
        out.println();
        for (Check check : checks) {
            out.println(check.status().mark(unicode) + " " + check.title() + ": " + check.summary());
            for (String detail : check.details()) {
                out.println("    " + detail);
            }
        }
        out.println();
        long problems = count(Status.FAIL);
        long warnings = count(Status.WARN);
        if (problems == 0 && warnings == 0) {
            out.println("All checks passed.");
        } else {
            out.println(plural(problems, "problem") + ", " + plural(warnings, "warning") + ".");
        }
        out.flush();
    }

    void printJson(PrintWriter out) {
        ObjectNode root = Json.object();
        root.put("ok", !failed());
        root.put("exit_code", exitCode());
        ArrayNode list = root.putArray("checks");
        for (Check check : checks) {
            ObjectNode item = list.addObject();
            item.put("id", check.id());
            item.put("status", check.status().wire());
            item.put("summary", check.summary());
            ArrayNode details = item.putArray("details");
            check.details().forEach(details::add);
        }
        root.setAll(facts);
        out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        out.flush();
    }

    private long count(Status status) {
        return checks.stream().filter(check -> check.status() == status).count();
    }

    private static String plural(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
