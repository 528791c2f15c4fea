package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Damaged and random outputs through every chunking of {@link ParserHarness}: the Hermes, Qwen3-Coder,
 * Seed-OSS, GLM and MiniMax parsers never throw and give the same pieces however the text is split.
 */
class TagFormatsSplitInvarianceTest {

    private static final List<ToolCallFormat> FORMATS = List.of(new HermesFormat(), new Qwen3CoderFormat(),
            new Qwen3CoderFormat(true), new SeedOssFormat(), new Glm45Format(), new Glm47Format(), new MiniMaxM2Format());

    private static final String[] TOKENS = {"<tool_call>", "</tool_call>", "<function=", "Read", ">", "</function>",
            "<parameter=", "file_path", "</parameter>", "\n", " ", "{", "}", "\"", "'", "\\", "\"name\": ", ":", ",",
            "<think>", "</think>", "`", "```", "<arg_key>", "</arg_key>", "<arg_value>", "</arg_value>", "\\n",
            "<seed:tool_call>", "</seed:tool_call>", "<seed:think>", "</seed:think>", "<seed:cot_budget_reflect>",
            "</seed:cot_budget_reflect>", "<minimax:tool_call>", "</minimax:tool_call>", "<invoke name=\"", "\">",
            "</invoke>", "<parameter name=\"", "x", "<", "格", "😀", "[", "]"};

    private static final String[] VALID = {
            "Hi <think>plan</think>\n<tool_call>\n{\"name\": \"Read\", \"arguments\": {\"file_path\": \"a}\\\"</tool_call>\"}}\n</tool_call>\nok",
            "<tool_call>\n<function=Write>\n<parameter=file_path>\n/a\n</parameter>\n<parameter=content>\nx </parameter> y\n"
                    + "</parameter>\n</function>\n</tool_call>\nDone",
            "<seed:think>a<seed:cot_budget_reflect>b</seed:cot_budget_reflect></seed:think><seed:tool_call>\n<function=Read>\n"
                    + "<parameter=file_path>x</parameter>\n</function>\n</seed:tool_call>",
            "t</think><tool_call>Read\n<arg_key>file_path</arg_key>\n<arg_value>a</arg_value>\n</tool_call><tool_call>get_time</tool_call>end",
            "r</think>\n<minimax:tool_call>\n<invoke name=\"Read\">\n<parameter name=\"file_path\">a</parameter>\n</invoke>\n"
                    + "<invoke name=\"B\">\n<parameter name=\"c\">d</parameter>\n</invoke>\n</minimax:tool_call>x"};

    @Test
    void damagedCallsParseTheSameUnderEverySplit() {
        Random random = new Random(7);
        for (int n = 0; n < 300; n++) {
            StringBuilder text = new StringBuilder(VALID[random.nextInt(VALID.length)]);
            for (int edits = 1 + random.nextInt(4); edits > 0 && !text.isEmpty(); edits--) {
                int at = random.nextInt(text.length() + 1);
                switch (random.nextInt(3)) {
                    case 0 -> text.delete(Math.min(at, text.length()), Math.min(text.length(), at + 1 + random.nextInt(12)));
                    case 1 -> text.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
                    default -> text.setLength(at);
                }
            }
            check(text.toString());
        }
    }

    @Test
    void markerSoupParsesTheSameUnderEverySplit() {
        Random random = new Random(99);
        for (int n = 0; n < 300; n++) {
            StringBuilder text = new StringBuilder();
            for (int i = 1 + random.nextInt(30); i > 0; i--) {
                text.append(TOKENS[random.nextInt(TOKENS.length)]);
            }
            check(text.toString());
        }
    }

    private static void check(String raw) {
        if (raw.isEmpty()) {
            return;
        }
        for (ToolCallFormat format : FORMATS) {
            assertThatCode(() -> ParserHarness.parse(format, raw)).as("%s on %s", format.name(), raw).doesNotThrowAnyException();
        }
    }
}
