package dev.anyclaude.toolcall;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BracketScannerTest {

    @Test
    void findsTheClosingBracketSkippingStrings() {
        String json = "{\"a\": \"}\\\"}\", \"b\": [1, {}]} tail";
        assertThat(BracketScanner.endOf(json, 0, false)).isEqualTo(json.indexOf(" tail"));
        String python = "x [1, ']', \"]\", (')')] y";
        assertThat(BracketScanner.endOf(python, 2, true)).isEqualTo(python.indexOf(" y"));
        assertThat(BracketScanner.endOf("{'a': '}'}", 0, false)).isEqualTo(8); // JSON mode knows no single quotes
        assertThat(BracketScanner.endOf("{\"a\": [1}", 0, false)).isEqualTo(BracketScanner.MISMATCH);
        assertThat(BracketScanner.endOf("abc", 0, false)).isEqualTo(BracketScanner.MISMATCH);
        assertThat(BracketScanner.endOf("{\"a\": [1]", 0, false)).isEqualTo(BracketScanner.OPEN);
    }

    @Test
    void tripleQuotedStringsHoldLoneQuotesAndBrackets() {
        String text = "[f(c=\"\"\"a \"]\" b\"\"\", d='''x')'''), g(e=\"\")]";
        assertThat(BracketScanner.endOf(text, 0, true)).isEqualTo(text.length());
    }

    @Test
    void resumesOverAGrowingTextWithTheSameAnswerAsOneScan() {
        String text = "[f(c=\"\"\"a \"]\" b\"\"\", d='x\\'y)'), g(e=\"\", h={'k': [1, \"}\"]})] rest";
        int expected = BracketScanner.endOf(text, 0, true);
        for (int step = 1; step <= 7; step++) {
            BracketScanner scanner = new BracketScanner(true);
            int result = BracketScanner.OPEN;
            for (int length = 0; length <= text.length() && result == BracketScanner.OPEN; length += step) {
                result = scanner.end(text.substring(0, Math.min(length, text.length())), 0);
            }
            if (result == BracketScanner.OPEN) {
                result = scanner.end(text, 0);
            }
            assertThat(result).as("step %d", step).isEqualTo(expected);
        }
    }
}
