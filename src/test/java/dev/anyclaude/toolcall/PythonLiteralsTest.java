package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PythonLiteralsTest {

    private static String json(String literal) throws PythonLiterals.NotLiteral {
        return Json.string(PythonLiterals.literal(literal));
    }

    @Test
    void constantsNumbersAndContainersBecomeJson() throws Exception {
        assertThat(json("[True, False, None, true, false, null]")).isEqualTo("[true,false,null,true,false,null]");
        assertThat(json("[0, -7, +3, 1_000, 0x1F, 0o17, 0b101, 12345678901234567890123]"))
                .isEqualTo("[0,-7,3,1000,31,15,5,12345678901234567890123]");
        assertThat(json("[1.5, -.25, 1e3, 2.0]")).isEqualTo("[1.5,-0.25,1000.0,2.0]");
        assertThat(json("((1, 2), (3,), (4), ())")).isEqualTo("[[1,2],[3],4,[]]");
        assertThat(json("{'a': {'b': [1, {'c': None}]}, 1: 'one', True: 't', None: 'n',}"))
                .isEqualTo("{\"a\":{\"b\":[1,{\"c\":null}]},\"1\":\"one\",\"true\":\"t\",\"null\":\"n\"}");
        assertThat(json("{1, 2}")).isEqualTo("[1,2]");
    }

    @Test
    void stringsInEveryQuotingWithPythonEscapes() throws Exception {
        assertThat(PythonLiterals.literal("'it\\'s'").stringValue()).isEqualTo("it's");
        assertThat(PythonLiterals.literal("\"tab\\there\\\\ \\x41\\u00e9\\U0001F600 \\101\\0\"").stringValue())
                .isEqualTo("tab\there\\ A\u00e9\uD83D\uDE00 A\0");
        assertThat(PythonLiterals.literal("'\\N{GREEK SMALL LETTER ALPHA} \\d'").stringValue()).isEqualTo("\u03b1 \\d");
        assertThat(PythonLiterals.literal("r'C:\\new\\path'").stringValue()).isEqualTo("C:\\new\\path");
        assertThat(PythonLiterals.literal("'''one 'quoted'\ntwo'''").stringValue()).isEqualTo("one 'quoted'\ntwo");
        assertThat(PythonLiterals.literal("\"abc\" 'def'\n  \"ghi\"").stringValue()).isEqualTo("abcdefghi");
        assertThat(PythonLiterals.literal("'line\\\ncontinued'").stringValue()).isEqualTo("linecontinued");
    }

    @Test
    void callsTakeKeywordArgumentsOnly() throws Exception {
        List<PythonLiterals.PyCall> calls = PythonLiterals.calls(" [ a.b-c(x=1 , y = 'z' ), d() ] ");
        assertThat(calls).extracting(PythonLiterals.PyCall::name).containsExactly("a.b-c", "d");
        assertThat(Json.string(calls.get(0).arguments())).isEqualTo("{\"x\":1,\"y\":\"z\"}");
        assertThat(PythonLiterals.calls("f(a=1)\ng(b=[2])")).hasSize(2);
        assertThat(Json.string(PythonLiterals.call("Grep(pattern='x', **{'-i': True}, -n=True)").arguments()))
                .isEqualTo("{\"pattern\":\"x\",\"-i\":true,\"-n\":true}");
    }

    @Test
    void anythingButLiteralsIsRejected() {
        for (String notACall : List.of("[f(1)]", "[f(a=b)]", "[f(a=1+2)]", "[f(a=g())]", "[f(a=f'x')]",
                "[f(a=1, a=2)]", "[f(a=1j)]", "[f(a=[1,)]", "[f(a=1)] x", "[]", "[f(a=1e999)]", "[f(a=...)]",
                "[f(a={[1]: 2})]", "[f(a='unclosed)]", "[1]")) {
            assertThatThrownBy(() -> PythonLiterals.calls(notACall)).as(notACall)
                    .isInstanceOf(PythonLiterals.NotLiteral.class);
        }
    }

    @Test
    void deepNestingIsRejectedNotAStackOverflow() {
        String deep = "[f(a=" + "[".repeat(5000) + "]".repeat(5000) + ")]";
        assertThatThrownBy(() -> PythonLiterals.calls(deep)).isInstanceOf(PythonLiterals.NotLiteral.class);
    }
}
