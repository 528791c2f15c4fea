package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HarmonyFormatTest {

    private static final ToolCallFormat HARMONY = new HarmonyFormat();

    private static Piece.Call call(String name, String json, String raw) {
        return new Piece.Call(name, new Arguments.JsonText(json), raw);
    }

    @Test
    void analysisThenCommentaryCallWithConstrainAndCallToken() {
        String head = "<|start|>assistant<|channel|>commentary to=functions.Read <|constrain|>json<|message|>";
        String json = "{\"file_path\":\"/etc/app/config.yml\"}";
        String raw = "<|channel|>analysis<|message|>Need to read the config.<|end|>" + head + json + "<|call|>";
        assertThat(ParserHarness.parse(HARMONY, raw)).containsExactly(
                new Piece.Thinking("Need to read the config."),
                call("functions.Read", json, head + json));
        assertThat(HARMONY.name()).isEqualTo("harmony");
    }

    @Test
    void finalChannelIsTextAndReturnTokenIsDropped() {
        String raw = "<|channel|>analysis<|message|>User asks: \"What is 2 + 2?\" Simple.<|end|>"
                + "<|start|>assistant<|channel|>final<|message|>2 + 2 = 4.<|return|>";
        assertThat(ParserHarness.parse(HARMONY, raw)).containsExactly(
                new Piece.Thinking("User asks: \"What is 2 + 2?\" Simple."), new Piece.Text("2 + 2 = 4."));
    }

    @Test
    void recipientInTheRoleHeaderOnTheAnalysisChannelAndSeveralCallsWithoutCallTokens() {
        String first = " to=functions.Bash<|channel|>analysis<|message|>";
        String second = "<|start|>assistant to=functions.Read<|channel|>commentary json<|message|>";
        String bash = "{\"command\": \"ls -la\", \"description\": \"List files\"}";
        String read = "{\"file_path\": \"src/App.java\", \"offset\": 10, \"limit\": 5}";
        assertThat(ParserHarness.parse(HARMONY, first + bash + "\n" + second + read)).containsExactly(
                call("functions.Bash", bash, first + bash),
                call("functions.Read", read, second + read));
    }

    @Test
    void missingConstrainAndMissingCallTokenAtTheEnd() {
        String head = "<|channel|>commentary to=functions.Grep<|message|>";
        String json = "{\"pattern\": \"TODO\", \"-n\": true, \"-i\": false, \"output_mode\": \"content\"}";
        assertThat(ParserHarness.parse(HARMONY, head + json)).containsExactly(call("functions.Grep", json, head + json));
    }

    @Test
    void emptyFinalThenReasoningThenEditWhoseStringsHoldBracesAnglesAndNewlines() {
        String head = "<|start|>assistant<|channel|>commentary to=functions.Edit <|constrain|>json<|message|>";
        String json = "{\"file_path\": \"Rail.java\", \"old_string\": \"if (part < railCount - 1) {\\n  draw(\\\"}\\\");\", "
                + "\"new_string\": \"if (part < 4) {\\n  draw(\\\"<|call|>\\\");\", \"replace_all\": false}";
        String raw = "<|channel|>final<|message|><|end|><|start|>assistant<|channel|>analysis<|message|>Thinking about edit..."
                + "<|end|>" + head + json;
        assertThat(ParserHarness.parse(HARMONY, raw)).containsExactly(
                new Piece.Thinking("Thinking about edit..."), call("functions.Edit", json, head + json));
    }

    @Test
    void commentaryPreambleIsTextBeforeTheCall() {
        String head = "<|start|>assistant<|channel|>commentary to=functions.Write<|constrain|>json<|message|>";
        String json = "{\"file_path\": \"index.html\", \"content\": \"<!doctype html>\\n<h1>Hi</h1>\\n\"}";
        String raw = "<|channel|>analysis<|message|>Plan it.<|end|><|start|>assistant<|channel|>commentary<|message|>"
                + "**Action plan**:\n1. Generate an HTML file<|end|>" + head + json + "<|call|>";
        assertThat(ParserHarness.parse(HARMONY, raw)).containsExactly(
                new Piece.Thinking("Plan it."),
                new Piece.Text("**Action plan**:\n1. Generate an HTML file"),
                call("functions.Write", json, head + json));
    }

    @Test
    void strippedTokensAnalysisThenCallThenFinal() {
        String head = "assistantcommentary to=functions.Write json";
        String json = "{\"file_path\":\"/tmp/notes.txt\",\"content\":\"line 1\\nline {2}\\n\"}";
        String raw = "analysisThe user wants a file. Provide path \"/tmp/notes.txt\"." + head + json + "assistantfinalDone.";
        assertThat(ParserHarness.parse(HARMONY, raw)).containsExactly(
                new Piece.Thinking("The user wants a file. Provide path \"/tmp/notes.txt\"."),
                call("functions.Write", json, head + json),
                new Piece.Text("Done."));
    }

    @Test
    void strippedTokensWithJsonGluedToTheName() {
        String head = "assistantcommentary to=functions.Readjson";
        String json = "{\n  \"file_path\": \"/workspace/config.yml\"\n}";
        assertThat(ParserHarness.parse(HARMONY, "analysisRead the config." + head + json)).containsExactly(
                new Piece.Thinking("Read the config."), call("functions.Read", json, head + json));
        String own = "assistantcommentary to=functions.parse_json";
        assertThat(ParserHarness.parse(HARMONY, "analysisParse it." + own + "{\"text\": \"[1]\"}")).containsExactly(
                new Piece.Thinking("Parse it."), call("functions.parse_json", "{\"text\": \"[1]\"}", own + "{\"text\": \"[1]\"}"));
    }

    @Test
    void strippedFinalAndStrippedRoleHeaderRecipient() {
        assertThat(ParserHarness.parse(HARMONY, "analysisWe need to answer with one word.assistantfinalfour"))
                .containsExactly(new Piece.Thinking("We need to answer with one word."), new Piece.Text("four"));
        assertThat(ParserHarness.parse(HARMONY, "analysisuser asks for the day.assistantfinalIt is Monday."))
                .containsExactly(new Piece.Thinking("user asks for the day."), new Piece.Text("It is Monday."));
        String head = "assistant to=functions.Bashcommentary json";
        assertThat(ParserHarness.parse(HARMONY, "analysisCheck the directory." + head + "{\"command\":\"pwd\"}"))
                .containsExactly(new Piece.Thinking("Check the directory."),
                        call("functions.Bash", "{\"command\":\"pwd\"}", head + "{\"command\":\"pwd\"}"));
    }

    @Test
    void partiallyStrippedHeaderWithoutMessageToken() {
        String head = "<|start|>assistantcommentary to=functions.Read ";
        String json = "{\"file_path\": \"README.md\"}";
        assertThat(ParserHarness.parse(HARMONY, "analysisNeed the readme.<|end|>" + head + json + "<|call|>"))
                .containsExactly(new Piece.Thinking("Need the readme."), call("functions.Read", json, head + json));
    }

    @Test
    void ordinaryTextIsNotReadAsStrippedChannels() {
        for (String text : new String[] {"analysis shows the bug is in the parser.", "finalize the release first.", "finally done.", "analysis\n\nof the logs",
                "Hello! 3 < 4 and {\"a\": 1}.", "assistant managers to=do", "commentary on the code: fine."}) {
            assertThat(ParserHarness.parse(HARMONY, text)).as(text).containsExactly(new Piece.Text(text));
        }
    }

    @Test
    void truncatedCallIsMalformedAndNonJsonBuiltinCallIsToo() {
        String cut = "<|start|>assistant<|channel|>commentary to=functions.Write <|constrain|>json<|message|>"
                + "{\"file_path\": \"a.txt\", \"content\": \"half";
        assertThat(ParserHarness.parse(HARMONY, "<|channel|>analysis<|message|>Write it.<|end|>" + cut)).containsExactly(
                new Piece.Thinking("Write it."),
                new Piece.Malformed(cut, "the output ended before the call's arguments were complete"));
        String python = "<|start|>assistant<|channel|>analysis to=python<|message|>";
        assertThat(ParserHarness.parse(HARMONY, python + "print(2 + 2)<|call|>")).containsExactly(
                new Piece.Malformed(python + "print(2 + 2)", "the arguments to python are not a JSON object"));
    }

    @Test
    void unknownToolIsStillACall() {
        String head = "<|channel|>commentary to=functions.get_weather <|constrain|>json<|message|>";
        assertThat(ParserHarness.parse(HARMONY, head + "{\"location\":\"San Francisco\"}<|call|>")).containsExactly(
                call("functions.get_weather", "{\"location\":\"San Francisco\"}", head + "{\"location\":\"San Francisco\"}"));
    }

    @Test
    void markersInCodeInTheFinalAnswerAreProse() {
        String answer = "Harmony marks channels with `<|channel|>` and ends calls with `<|call|>`.\n```\n"
                + "<|start|>assistant<|channel|>final<|message|>hi<|end|>\n```\nThat is all.";
        assertThat(ParserHarness.parse(HARMONY, "<|channel|>final<|message|>" + answer + "<|return|>"))
                .containsExactly(new Piece.Text(answer));
    }

    @Test
    void largeWriteInSmallChunksIsOneCall() {
        StringBuilder content = new StringBuilder();
        for (int i = 0; content.length() < 20_000; i++) {
            content.append("row ").append(i).append(" {\\\"x\\\": \\\"<|call|>\\\"}\\n");
        }
        String head = "<|start|>assistant<|channel|>commentary to=functions.Write <|constrain|>json<|message|>";
        String json = "{\"file_path\": \"big.txt\", \"content\": \"" + content + "\"}";
        assertThat(ParserHarness.parse(HARMONY, head + json + "<|call|>")).containsExactly(
                call("functions.Write", json, head + json));
    }

    @Test
    void claimsOnlyGenuineHarmonyMarkers() {
        assertThat(HARMONY.claims("<|channel|>analysis<|message|>")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HARMONY.claims("<|channel|>ana")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(HARMONY.claims("<|channel|>thought\n")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(HARMONY.claims("<|start|>assistant")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HARMONY.claims("assistantcommentary to=functions.Bash json{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HARMONY.claims("assistantcommentary to=fun")).isEqualTo(ToolCallFormat.Claim.MAYBE);
        assertThat(HARMONY.claims("to=functions.Readjson{")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HARMONY.claims("to=functions.Read <|constrain|>")).isEqualTo(ToolCallFormat.Claim.YES);
        assertThat(HARMONY.claims("to=functions.Read is how it is addressed")).isEqualTo(ToolCallFormat.Claim.NO);
        assertThat(HARMONY.openers()).doesNotContain("analysis", "assistantfinal");
    }
}
