package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import dev.anyclaude.toolcall.Arguments.JsonText;
import dev.anyclaude.toolcall.Arguments.Param;
import dev.anyclaude.toolcall.Arguments.Params;
import dev.anyclaude.toolcall.Arguments.ValueKind;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ArgumentTyperTest {

    // ---- Claude Code's tool schemas (descriptions left out) ----

    static final String BASH = """
            {"$schema":"https://json-schema.org/draft/2020-12/schema","type":"object","properties":{
              "command":{"type":"string"},"timeout":{"type":"number"},"description":{"type":"string"},
              "run_in_background":{"type":"boolean"},"dangerouslyDisableSandbox":{"type":"boolean"}},
             "required":["command"],"additionalProperties":false}""";
    static final String READ = """
            {"type":"object","properties":{"file_path":{"type":"string"},
              "offset":{"type":"integer","minimum":0,"maximum":9007199254740991},
              "limit":{"type":"integer","exclusiveMinimum":0,"maximum":9007199254740991},
              "pages":{"type":"string"},"allow_large":{"type":"boolean"}},
             "required":["file_path"],"additionalProperties":false}""";
    static final String WRITE = """
            {"type":"object","properties":{"file_path":{"type":"string"},"content":{"type":"string"}},
             "required":["file_path","content"],"additionalProperties":false}""";
    static final String EDIT = """
            {"type":"object","properties":{"file_path":{"type":"string"},"old_string":{"type":"string"},
              "new_string":{"type":"string"},"replace_all":{"default":false,"type":"boolean"}},
             "required":["file_path","old_string","new_string"],"additionalProperties":false}""";
    static final String TODO_WRITE = """
            {"type":"object","properties":{"todos":{"type":"array","items":{"type":"object","properties":{
              "content":{"type":"string","minLength":1},
              "status":{"type":"string","enum":["pending","in_progress","completed"]},
              "activeForm":{"type":"string","minLength":1}},
              "required":["content","status","activeForm"],"additionalProperties":false}}},
             "required":["todos"],"additionalProperties":false}""";
    static final String GREP = """
            {"type":"object","properties":{"pattern":{"type":"string"},"path":{"type":"string"},
              "glob":{"type":"string"},
              "output_mode":{"type":"string","enum":["content","files_with_matches","count"]},
              "-B":{"type":"number"},"-A":{"type":"number"},"-C":{"type":"number"},
              "-n":{"type":"boolean"},"-i":{"type":"boolean"},"type":{"type":"string"},
              "head_limit":{"type":"number"},"offset":{"type":"number"},"multiline":{"type":"boolean"}},
             "required":["pattern"],"additionalProperties":false}""";
    static final String REPORT_FINDINGS = """
            {"type":"object","properties":{"findings":{"type":"array","items":{"type":"object","properties":{
              "file":{"type":"string"},"line":{"type":"integer"},"summary":{"type":"string"},
              "severity":{"type":"string","enum":["important","pre_existing","nit"]}},
              "required":["file","summary"]}}},"required":["findings"]}""";

    // ---- helpers ----

    private static JsonNode schema(String json) {
        return json == null ? null : Json.parse(json);
    }

    private static Optional<String> typeJson(String text, String schema) {
        return ArgumentTyper.type(new JsonText(text), schema(schema)).map(Json::string);
    }

    private static String typeJsonOrFail(String text, String schema) {
        return typeJson(text, schema).orElseThrow(() -> new AssertionError("no object from " + text));
    }

    private static Param untyped(String name, String value) {
        return new Param(name, value, ValueKind.UNTYPED);
    }

    private static String typeParams(String schema, Param... params) {
        return ArgumentTyper.type(new Params(List.of(params)), schema(schema)).map(Json::string).orElseThrow();
    }

    /** The §5.8 conversion of one raw parameter value under a property schema, as JSON text. */
    private static String convert(String propertySchema, String raw) {
        String schema = "{\"type\":\"object\",\"properties\":{\"p\":" + propertySchema + "},\"required\":[\"p\"]}";
        ObjectNode input = ArgumentTyper.type(new Params(List.of(untyped("p", raw))), schema(schema)).orElseThrow();
        return Json.string(input.get("p"));
    }

    // ---- §5.8 conversion table: every row ----

    @Nested
    class ConversionTable {

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
                "{\"type\":\"integer\"}                                 | 42                 | 42",
                "{\"type\":\"integer\"}                                 | -14                | -14",
                "{\"type\":\"integer\"}                                 | 3.0                | 3",
                "{\"type\":\"integer\"}                                 | abc                | \"abc\"",
                "{\"type\":\"number\"}                                  | 3.14               | 3.14",
                "{\"type\":\"number\"}                                  | 1e3                | 1000",
                "{\"type\":\"boolean\"}                                 | true               | true",
                "{\"type\":\"boolean\"}                                 | True               | true",
                "{\"type\":\"boolean\"}                                 | FALSE              | false",
                "{\"type\":\"string\"}                                  | 5123123            | \"5123123\"",
                "{\"type\":\"string\"}                                  | \"foo\"            | \"\\\"foo\\\"\"",
                "{\"type\":\"string\"}                                  | null               | \"null\"",
                "{\"type\":[\"string\",\"null\"]}                       | null               | null",
                "{\"type\":[\"string\",\"null\"]}                       | None               | null",
                "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"null\"}]}   | None           | null",
                "{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]} | 123            | 123",
                "{\"type\":\"object\"}                                  | {\"key\": \"value\"} | {\"key\":\"value\"}",
                "{\"type\":\"object\"}                                  | {'key': 'value'}   | {\"key\":\"value\"}",
                "{\"type\":\"object\"}                                  | \"{\\\"key\\\": \\\"value\\\"}\" | {\"key\":\"value\"}",
                "{\"type\":\"array\"}                                   | [\"a\", \"b\"]     | [\"a\",\"b\"]",
                "{\"type\":\"array\"}                                   | [{\"item\": \"Check stuff\", \"selected\": false}] | [{\"item\":\"Check stuff\",\"selected\":false}]",
                "{\"enum\":[\"celsius\",\"fahrenheit\"]}                | celsius            | \"celsius\"",
                "{\"enum\":[1,2,3]}                                     | 2                  | 2",
        })
        void row(String propertySchema, String raw, String expected) {
            assertThat(convert(propertySchema, raw)).isEqualTo(expected);
        }

        @Test
        void parameterNotInSchemaIsLenientText() {
            assertThat(typeParams("{\"type\":\"object\",\"properties\":{}}", untyped("q", "hello world")))
                    .isEqualTo("{\"q\":\"hello world\"}");
        }

        @Test
        void stringValueKeepsItsOwnNewlinesAndIndentation() {
            // the parser already dropped the template's framing newlines: what is left is the value
            assertThat(convert("{\"type\":\"string\"}", "def f():\n    return 1\n"))
                    .isEqualTo("\"def f():\\n    return 1\\n\"");
        }
    }

    // ---- §5.8 details around the table ----

    @Nested
    class Params58 {

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
                "{\"type\":\"integer\"}   | 1.5       | 1.5",
                "{\"type\":\"integer\"}   | ' 7 '     | 7",
                "{\"type\":\"integer\"}   | +5        | 5",
                "{\"type\":\"integer\"}   | 1e3       | 1000",
                "{\"type\":\"integer\"}   | 0x10      | \"0x10\"",
                "{\"type\":\"integer\"}   | \"5\"     | 5",
                "{\"type\":\"integer\"}   | '5'       | 5",
                "{\"type\":\"integer\"}   | 123456789012345678901234567890 | 123456789012345678901234567890",
                "{\"type\":\"number\"}    | NaN       | \"NaN\"",
                "{\"type\":\"number\"}    | Infinity  | \"Infinity\"",
                "{\"type\":\"number\"}    | 1e999     | \"1e999\"",
                "{\"type\":\"number\"}    | -0.25     | -0.25",
                "{\"type\":\"number\"}    | 2.50      | 2.5",
                "{\"type\":\"boolean\"}   | yes       | true",
                "{\"type\":\"boolean\"}   | No        | false",
                "{\"type\":\"boolean\"}   | 1         | true",
                "{\"type\":\"boolean\"}   | 0         | false",
                "{\"type\":\"boolean\"}   | maybe     | \"maybe\"",
                "{\"type\":[\"boolean\",\"string\"]}  | yes   | \"yes\"",
                "{\"type\":[\"boolean\",\"string\"]}  | TRUE  | true",
                "{\"type\":[\"boolean\",\"integer\"]} | 1     | 1",
                "{\"type\":\"integer\"}   | null      | null",
                "{\"type\":\"integer\"}   | NONE      | null",
                "{\"type\":\"string\"}    | None      | \"None\"",
                "{\"type\":\"string\"}    | true      | \"true\"",
                "{\"type\":\"string\"}    | ``        | \"\"",
                "{\"type\":\"object\"}    | {'a': True, 'b': None, 'c': (1, 2)} | {\"a\":true,\"b\":null,\"c\":[1,2]}",
                "{\"type\":\"object\"}    | {\"a\": 1,}                  | {\"a\":1}",
                "{\"type\":\"object\"}    | [1, 2]                       | [1,2]",
                "{\"type\":\"object\"}    | not json                     | \"not json\"",
                "{\"type\":\"array\"}     | ['a', 'b']                   | [\"a\",\"b\"]",
                "{\"type\":\"array\"}     | [{\"query\":\"CA\",\"recall\":\"LA\"}]} | [{\"query\":\"CA\",\"recall\":\"LA\"}]",
                "{\"type\":\"array\"}     | [1, 2                        | [1,2]",
                "{\"type\":[\"array\",\"string\"]} | [1, 2               | \"[1, 2\"",
                "{\"type\":[\"array\",\"string\"]} | [WIP] fix           | \"[WIP] fix\"",
                "{\"type\":[\"array\",\"string\"]} | [\"a\"]             | [\"a\"]",
                "{\"type\":\"array\"}     | \"[\\\"a\\\"]\"              | [\"a\"]",
                "{\"const\":\"x\"}        | x                            | \"x\"",
                "{\"enum\":[\"a\",null]}  | null                         | null",
                "{\"enum\":[1.5,2.5]}     | 2.5                          | 2.5",
                "{\"type\":\"int\"}       | 4                            | 4",
                "{\"type\":\"dict\"}      | {'a': 1}                     | {\"a\":1}",
                "{\"type\":\"float\"}     | 2                            | 2",
                "{\"type\":\"bool\"}      | True                         | true",
                "{}                       | 42                           | 42",
                "{\"description\":\"anything\"} | {\"a\": 1}             | {\"a\":1}",
                "{\"type\":\"integer\",\"nullable\":true} | null         | null",
                "{\"properties\":{\"n\":{\"type\":\"integer\"}}} | {\"n\": \"1\"} | {\"n\":1}",
                "{\"type\":\"string\",\"enum\":[\"pending\",\"in_progress\"]} | In_Progress | \"in_progress\"",
                "{\"type\":\"string\",\"enum\":[\"a\",\"A\"]} | a         | \"a\"",
                "{\"type\":\"string\",\"enum\":[\"ab\",\"AB\"]} | Ab      | \"Ab\"",
                "{\"type\":\"remote\"}    | 3                            | 3",
        })
        void convertsByTheSchema(String propertySchema, String raw, String expected) {
            assertThat(convert(propertySchema, raw)).isEqualTo(expected);
        }

        @Test
        void allOfIntersects() {
            assertThat(convert("{\"allOf\":[{\"type\":[\"integer\",\"string\"]},{\"type\":\"integer\"}]}", "12"))
                    .isEqualTo("12");
            assertThat(convert("{\"allOf\":[{\"type\":\"number\"},{\"type\":\"integer\"}]}", "3.0")).isEqualTo("3");
            assertThat(convert("{\"allOf\":[{\"type\":\"string\"},{\"description\":\"x\"}]}", "12")).isEqualTo("\"12\"");
            assertThat(convert("{\"allOf\":[{\"type\":\"string\"},{\"type\":\"integer\"}]}", "12"))
                    .as("a contradiction constrains nothing rather than everything").isEqualTo("12");
        }

        @Test
        void oneOfAndAnyOfAreUnions() {
            assertThat(convert("{\"oneOf\":[{\"type\":\"boolean\"},{\"type\":\"array\",\"items\":{\"type\":\"integer\"}}]}",
                    "[\"1\", 2]")).isEqualTo("[1,2]");
            assertThat(convert("{\"anyOf\":[{\"type\":\"string\"},{}]}", "12"))
                    .as("a branch that allows anything opens the union").isEqualTo("12");
        }

        @Test
        void stringIsKeptWholeWhitespaceIncluded() {
            assertThat(convert("{\"type\":\"string\"}", "  indented\n\n")).isEqualTo("\"  indented\\n\\n\"");
            assertThat(convert("{\"type\":\"string\"}", "\r\nwindows\r\n")).isEqualTo("\"\\r\\nwindows\\r\\n\"");
            assertThat(convert("{\"type\":\"string\"}", "\n")).isEqualTo("\"\\n\"");
            assertThat(convert("{\"type\":\"string\"}", "")).isEqualTo("\"\"");
        }

        @Test
        void numbersAndNullsAroundTemplateNewlines() {
            assertThat(convert("{\"type\":\"integer\"}", "\n3\n")).isEqualTo("3");
            assertThat(convert("{\"type\":[\"integer\",\"null\"]}", "\nNone\n")).isEqualTo("null");
        }

        @Test
        void objectValuesAreTypedInside() {
            String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},\"s\":{\"type\":\"string\"}}}";
            assertThat(convert(schema, "{\"n\": \"5\", \"s\": 5, \"other\": \"5\"}"))
                    .isEqualTo("{\"n\":5,\"s\":\"5\",\"other\":\"5\"}");
        }
    }

    // ---- value kinds, names, unknown parameters ----

    @Nested
    class ParamKinds {

        @Test
        void stringKindStaysAStringWhereAStringIsAllowedOrNothingIsKnown() {
            String schema = "{\"type\":\"object\",\"properties\":{\"s\":{\"type\":\"string\"},"
                    + "\"u\":{\"type\":[\"string\",\"boolean\"]}}}";
            assertThat(typeParams(schema, new Param("s", "true", ValueKind.STRING),
                    new Param("u", "true", ValueKind.STRING), new Param("x", "42", ValueKind.STRING),
                    new Param("n", "\nnull\n", ValueKind.STRING)))
                    .isEqualTo("{\"s\":\"true\",\"u\":\"true\",\"x\":\"42\",\"n\":\"\\nnull\\n\"}");
        }

        @Test
        void stringKindIsConvertedWhereTheSchemaAllowsNoString() {
            String schema = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"},\"b\":{\"type\":\"boolean\"}}}";
            assertThat(typeParams(schema, new Param("n", "5", ValueKind.STRING), new Param("b", "True", ValueKind.STRING)))
                    .isEqualTo("{\"n\":5,\"b\":true}");
        }

        @Test
        void jsonKindIsJsonOrAPythonLiteralElseAString() {
            String schema = "{\"type\":\"object\",\"properties\":{\"o\":{\"type\":\"object\"},\"n\":{\"type\":\"integer\"},"
                    + "\"s\":{\"type\":\"string\"}}}";
            assertThat(typeParams(schema,
                    new Param("o", "{'a': True}", ValueKind.JSON),
                    new Param("n", " 7 ", ValueKind.JSON),
                    new Param("s", "\"quoted\"", ValueKind.JSON),
                    new Param("x", "oops", ValueKind.JSON),
                    new Param("y", "[1, None]", ValueKind.JSON),
                    new Param("z", "\"abc\"", ValueKind.JSON)))
                    .isEqualTo("{\"o\":{\"a\":true},\"n\":7,\"s\":\"quoted\",\"x\":\"oops\",\"y\":[1,null],\"z\":\"abc\"}");
        }

        @Test
        void jsonKindNumberForAStringPropertyBecomesItsText() {
            String schema = "{\"type\":\"object\",\"properties\":{\"ref\":{\"type\":\"string\"}}}";
            assertThat(typeParams(schema, new Param("ref", "5123123", ValueKind.JSON))).isEqualTo("{\"ref\":\"5123123\"}");
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
                "42            | 42",
                "-1.5          | -1.5",
                "true          | true",
                "True          | true",
                "null          | null",
                "None          | null",
                "[1, 2]        | [1,2]",
                "{\"a\": 1}    | {\"a\":1}",
                "{'a': 1}      | {\"a\":1}",
                "hello world   | \"hello world\"",
                "\"quoted\"    | \"\\\"quoted\\\"\"",
                "'single'      | \"'single'\"",
                "007           | \"007\"",
                "1e999         | \"1e999\"",
                "{broken       | \"{broken\"",
        })
        void parametersTheSchemaDoesNotNameAreReadLeniently(String raw, String expected) {
            assertThat(typeParams("{\"type\":\"object\",\"properties\":{\"known\":{\"type\":\"string\"}}}", untyped("q", raw)))
                    .isEqualTo("{\"q\":" + expected + "}");
        }

        @Test
        void withoutASchemaEveryParameterIsReadLeniently() {
            assertThat(ArgumentTyper.type(new Params(List.of(untyped("n", "5"), untyped("s", "hello"),
                    new Param("t", "5", ValueKind.STRING))), null).map(Json::string))
                    .contains("{\"n\":5,\"s\":\"hello\",\"t\":\"5\"}");
        }

        @Test
        void duplicateParameterLastWinsAtTheFirstPosition() {
            String schema = "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\"}}}";
            assertThat(typeParams(schema, untyped("a", "1"), untyped("b", "2"), untyped("a", "3")))
                    .isEqualTo("{\"a\":3,\"b\":2}");
        }

        @Test
        void parameterOrderIsTheModels() {
            String schema = "{\"type\":\"object\",\"properties\":{\"req1\":{\"type\":\"string\"},\"req2\":{\"type\":\"integer\"},"
                    + "\"opt2\":{\"type\":\"integer\"},\"opt4\":{\"type\":\"integer\"}}}";
            assertThat(typeParams(schema, untyped("req1", "hello"), untyped("req2", "42"), untyped("opt4", "100"),
                    untyped("opt2", "200")))
                    .isEqualTo("{\"req1\":\"hello\",\"req2\":42,\"opt4\":100,\"opt2\":200}");
        }

        @Test
        void noParametersIsAnEmptyObject() {
            assertThat(typeParams(READ)).isEqualTo("{}");
        }

        @Test
        void nullNamesAndValuesDoNotBreakTyping() {
            assertThat(typeParams(READ, new Param(null, "x", ValueKind.UNTYPED), new Param("file_path", null, null)))
                    .isEqualTo("{\"file_path\":\"\"}");
        }

        @Test
        void loneUndeclaredArgumentsWrapperIsUnwrapped() {
            assertThat(typeParams(READ, untyped("arguments", "{\"file_path\": \"/a\", \"limit\": \"5\"}")))
                    .isEqualTo("{\"file_path\":\"/a\",\"limit\":5}");
            assertThat(typeParams(READ, untyped("input", "{'file_path': '/a'}"))).isEqualTo("{\"file_path\":\"/a\"}");
            String declared = "{\"type\":\"object\",\"properties\":{\"input\":{\"type\":\"string\"}}}";
            assertThat(typeParams(declared, untyped("input", "{\"a\": 1}"))).isEqualTo("{\"input\":\"{\\\"a\\\": 1}\"}");
            assertThat(typeParams(READ, untyped("arguments", "not an object"))).isEqualTo("{\"arguments\":\"not an object\"}");
        }
    }

    // ---- JSON-native arguments ----

    @Nested
    class JsonNative {

        @ParameterizedTest
        @NullSource
        @ValueSource(strings = {"", "  ", "{}", "null", "\"\"", "\"null\"", "\"{}\""})
        void emptyArgumentsAreAnEmptyObject(String text) {
            assertThat(typeJson(text, READ)).contains("{}");
        }

        @ParameterizedTest
        @ValueSource(strings = {"[1, 2]", "42", "true", "\"just text\"", "not json", "{'a': b}", "\"[1]\"",
                "{\"a\": 1}{\"b\": 2}", "[]"})
        void noObjectGivesNothing(String text) {
            assertThat(typeJson(text, READ)).isEmpty();
        }

        @Test
        void doubleAndTripleEncodedObjectsAreDecoded() {
            String once = "{\"file_path\": \"/a\", \"limit\": 5}";
            String twice = Json.string(Json.MAPPER.getNodeFactory().stringNode(once));
            String thrice = Json.string(Json.MAPPER.getNodeFactory().stringNode(twice));
            assertThat(typeJson(twice, READ)).contains("{\"file_path\":\"/a\",\"limit\":5}");
            assertThat(typeJson(thrice, READ)).contains("{\"file_path\":\"/a\",\"limit\":5}");
        }

        @Test
        void pythonLiteralPayloadIsRead() {
            // E16
            assertThat(typeJson("{'file_path': '/a', 'offset': 5, 'allow_large': True, 'pages': None}", READ))
                    .contains("{\"file_path\":\"/a\",\"offset\":5,\"allow_large\":true}");
            assertThat(typeJson("{\"command\": \"ls\", \"run_in_background\": False}", BASH))
                    .contains("{\"command\":\"ls\",\"run_in_background\":false}");
            assertThat(typeJson("\"{'command': 'ls'}\"", BASH)).contains("{\"command\":\"ls\"}");
            assertThat(typeJson("```python\n{'command': 'ls',}\n```", BASH)).contains("{\"command\":\"ls\"}");
        }

        @Test
        void repairsOfToolArgumentsApply() {
            assertThat(typeJson("```json\n{\"command\": \"ls\", \"timeout\": \"1000\",}\n```", BASH))
                    .contains("{\"command\":\"ls\",\"timeout\":1000}");
            assertThat(typeJson("{\"command\": \"echo hi", BASH)).contains("{\"command\":\"echo hi\"}");
        }

        @Test
        void wrongScalarTypesAreFixedByTheSchema() {
            assertThat(typeJson("{\"file_path\": \"/a\", \"offset\": \"10\", \"limit\": \"20.0\", \"allow_large\": \"TRUE\"}", READ))
                    .contains("{\"file_path\":\"/a\",\"offset\":10,\"limit\":20,\"allow_large\":true}");
            assertThat(typeJson("{\"command\": \"sleep 1\", \"timeout\": \"60000\", \"run_in_background\": \"false\"}", BASH))
                    .contains("{\"command\":\"sleep 1\",\"timeout\":60000,\"run_in_background\":false}");
            assertThat(typeJson("{\"file_path\": \"/a\", \"offset\": 10.0}", READ))
                    .contains("{\"file_path\":\"/a\",\"offset\":10}");
        }

        @Test
        void stringsStayStrings() {
            // E26
            assertThat(typeJson("{\"file_path\": \"/a\", \"content\": \"123\"}", WRITE))
                    .contains("{\"file_path\":\"/a\",\"content\":\"123\"}");
            assertThat(typeJson("{\"file_path\": \"/a\", \"old_string\": \"null\", \"new_string\": \"true\"}", EDIT))
                    .contains("{\"file_path\":\"/a\",\"old_string\":\"null\",\"new_string\":\"true\"}");
            assertThat(typeJson("{\"command\": \"[1, 2]\"}", BASH)).contains("{\"command\":\"[1, 2]\"}");
        }

        @Test
        void scalarsWhereAStringIsDueBecomeTheirText() {
            assertThat(typeJson("{\"file_path\": \"/a\", \"old_string\": 42, \"new_string\": true}", EDIT))
                    .contains("{\"file_path\":\"/a\",\"old_string\":\"42\",\"new_string\":\"true\"}");
            assertThat(typeJson("{\"file_path\": \"/a.json\", \"content\": {\"name\": \"x\", \"n\": [1, 2]}}", WRITE))
                    .contains("{\"file_path\":\"/a.json\",\"content\":\"{\\\"name\\\":\\\"x\\\",\\\"n\\\":[1,2]}\"}");
        }

        @Test
        void valuesThatCannotBeFixedAreLeftForTheClientToReport() {
            assertThat(typeJson("{\"file_path\": \"/a\", \"offset\": \"ten\", \"limit\": 1.5, \"allow_large\": [true]}", READ))
                    .contains("{\"file_path\":\"/a\",\"offset\":\"ten\",\"limit\":1.5,\"allow_large\":[true]}");
        }

        @Test
        void unknownPropertiesAreUntouched() {
            assertThat(typeJson("{\"file_path\": \"/a\", \"extra\": \"10\", \"more\": {\"x\": \"true\"}}", READ))
                    .contains("{\"file_path\":\"/a\",\"extra\":\"10\",\"more\":{\"x\":\"true\"}}");
        }

        @Test
        void optionalNonNullablePropertiesGivenNullAreDropped() {
            assertThat(typeJson("{\"file_path\": \"/a\", \"offset\": null, \"limit\": \"None\", \"unknown\": null}", READ))
                    .contains("{\"file_path\":\"/a\",\"unknown\":null}");
            assertThat(typeJson("{\"file_path\": null}", READ)).as("required stays").contains("{\"file_path\":null}");
            String nullable = "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":[\"integer\",\"null\"]}}}";
            assertThat(typeJson("{\"n\": null}", nullable)).contains("{\"n\":null}");
        }

        @Test
        void jsonEncodedObjectAndArrayPropertiesAreDecoded() {
            // E15: GLM-5 and others pass nested arguments as a JSON string
            String todos = "[{\"content\": \"Run tests\", \"status\": \"pending\", \"activeForm\": \"Running tests\"}]";
            String encoded = Json.string(Json.MAPPER.getNodeFactory().stringNode(todos));
            assertThat(typeJson("{\"todos\": " + encoded + "}", TODO_WRITE))
                    .contains("{\"todos\":[{\"content\":\"Run tests\",\"status\":\"pending\",\"activeForm\":\"Running tests\"}]}");
            assertThat(typeJson("{\"todos\": \"[{'content': 'a', 'status': 'completed', 'activeForm': 'b'}]\"}", TODO_WRITE))
                    .contains("{\"todos\":[{\"content\":\"a\",\"status\":\"completed\",\"activeForm\":\"b\"}]}");
        }

        @Test
        void nestedValuesAreTypedThroughItemsAndProperties() {
            assertThat(typeJson("{\"todos\": [{\"content\": \"a\", \"status\": \"In_Progress\", \"activeForm\": \"A\"},"
                    + "{\"content\": \"b\", \"status\": \"COMPLETED\", \"activeForm\": \"B\"},"
                    + "{\"content\": 7, \"status\": \"done\", \"activeForm\": \"C\"}]}", TODO_WRITE))
                    .contains("{\"todos\":[{\"content\":\"a\",\"status\":\"in_progress\",\"activeForm\":\"A\"},"
                            + "{\"content\":\"b\",\"status\":\"completed\",\"activeForm\":\"B\"},"
                            + "{\"content\":\"7\",\"status\":\"done\",\"activeForm\":\"C\"}]}");
            assertThat(typeJson("{\"findings\": [{\"file\": \"a.java\", \"line\": \"42\", \"summary\": \"s\"},"
                    + " {\"file\": \"b.java\", \"line\": \"7.0\", \"summary\": \"t\", \"severity\": \"Nit\"}]}", REPORT_FINDINGS))
                    .contains("{\"findings\":[{\"file\":\"a.java\",\"line\":42,\"summary\":\"s\"},"
                            + "{\"file\":\"b.java\",\"line\":7,\"summary\":\"t\",\"severity\":\"nit\"}]}");
        }

        @Test
        void withoutASchemaTheObjectIsOnlyDecoded() {
            assertThat(typeJson("{\"a\": \"10\", \"b\": null}", null)).contains("{\"a\":\"10\",\"b\":null}");
            assertThat(typeJson("{'a': True}", null)).contains("{\"a\":true}");
        }

        @Test
        void loneUndeclaredWrapperIsUnwrapped() {
            assertThat(typeJson("{\"arguments\": {\"command\": \"ls\", \"timeout\": \"5\"}}", BASH))
                    .contains("{\"command\":\"ls\",\"timeout\":5}");
            assertThat(typeJson("{\"input\": \"{\\\"command\\\": \\\"ls\\\"}\"}", BASH)).contains("{\"command\":\"ls\"}");
            assertThat(typeJson("{\"arguments\": {\"a\": 1}}", null)).contains("{\"arguments\":{\"a\":1}}");
            assertThat(typeJson("{\"arguments\": {\"command\": \"ls\"}, \"x\": 1}", BASH))
                    .contains("{\"arguments\":{\"command\":\"ls\"},\"x\":1}");
        }
    }

    // ---- Claude Code tools through named parameters (XML families) ----

    @Nested
    class ClaudeCodeTools {

        @Test
        void writeKeepsContentVerbatim() {
            assertThat(typeParams(WRITE, untyped("file_path", "/tmp/a.py"),
                    untyped("content", "print(\"hi\")\nx = None\n")))
                    .isEqualTo("{\"file_path\":\"/tmp/a.py\",\"content\":\"print(\\\"hi\\\")\\nx = None\\n\"}");
            assertThat(typeParams(WRITE, untyped("file_path", "/tmp/n.txt"), untyped("content", "12345")))
                    .isEqualTo("{\"file_path\":\"/tmp/n.txt\",\"content\":\"12345\"}");
            assertThat(typeParams(WRITE, untyped("file_path", "/tmp/a.json"), untyped("content", "{\"a\": 1}")))
                    .isEqualTo("{\"file_path\":\"/tmp/a.json\",\"content\":\"{\\\"a\\\": 1}\"}");
        }

        @Test
        void bashTimeoutIsANumberAndBackgroundABoolean() {
            assertThat(typeParams(BASH, untyped("command", "ls -la | grep \"x\" > out.txt"),
                    untyped("timeout", " 60000 "), untyped("run_in_background", "True"),
                    untyped("description", "List files")))
                    .isEqualTo("{\"command\":\"ls -la | grep \\\"x\\\" > out.txt\",\"timeout\":60000,"
                            + "\"run_in_background\":true,\"description\":\"List files\"}");
        }

        @Test
        void readOffsetAndLimitAreIntegers() {
            assertThat(typeParams(READ, untyped("file_path", "/a"), untyped("offset", "100"), untyped("limit", "50")))
                    .isEqualTo("{\"file_path\":\"/a\",\"offset\":100,\"limit\":50}");
            assertThat(typeParams(READ, untyped("file_path", "/a"), untyped("offset", "None"), untyped("pages", "1-5")))
                    .as("null for an optional integer is dropped").isEqualTo("{\"file_path\":\"/a\",\"pages\":\"1-5\"}");
        }

        @Test
        void editKeepsCodeWithQuotesAndClosingTags() {
            // E13/E14: what the parser found between the tags
            assertThat(typeParams(EDIT, untyped("file_path", "a.js"),
                    untyped("old_string", "if (x) {\n  return \"a\\\\b\";\n}"),
                    untyped("new_string", "</parameter> '}' null 0"),
                    untyped("replace_all", "false")))
                    .isEqualTo("{\"file_path\":\"a.js\",\"old_string\":\"if (x) {\\n  return \\\"a\\\\\\\\b\\\";\\n}\","
                            + "\"new_string\":\"</parameter> '}' null 0\",\"replace_all\":false}");
        }

        @Test
        void todoWriteTakesAJsonArrayAndFixesStatusCase() {
            assertThat(typeParams(TODO_WRITE, untyped("todos",
                    "\n[{\"content\": \"Fix bug\", \"status\": \"Pending\", \"activeForm\": \"Fixing bug\"}]\n")))
                    .isEqualTo("{\"todos\":[{\"content\":\"Fix bug\",\"status\":\"pending\",\"activeForm\":\"Fixing bug\"}]}");
            assertThat(typeParams(TODO_WRITE, untyped("todos",
                    "[{'content': 'a', 'status': 'in_progress', 'activeForm': 'b'}]")))
                    .isEqualTo("{\"todos\":[{\"content\":\"a\",\"status\":\"in_progress\",\"activeForm\":\"b\"}]}");
        }

        @Test
        void grepFlagsWithDashesAreTyped() {
            assertThat(typeParams(GREP, untyped("pattern", "42"), untyped("-i", "true"), untyped("-n", "True"),
                    untyped("-C", "3"), untyped("-A", "2.0"), untyped("output_mode", "Content"),
                    untyped("head_limit", "10"), untyped("multiline", "0")))
                    .isEqualTo("{\"pattern\":\"42\",\"-i\":true,\"-n\":true,\"-C\":3,\"-A\":2,"
                            + "\"output_mode\":\"content\",\"head_limit\":10,\"multiline\":false}");
            assertThat(typeJson("{\"pattern\": \"TODO\", \"-i\": \"true\", \"-B\": \"1\"}", GREP))
                    .contains("{\"pattern\":\"TODO\",\"-i\":true,\"-B\":1}");
        }
    }

    // ---- schema shapes ----

    @Nested
    class SchemaShapes {

        static final String REFS = """
                {"type":"object","$defs":{
                   "Mode":{"type":"string","enum":["fast","slow"]},
                   "Limits":{"type":"object","properties":{"max":{"type":"integer"},"strict":{"$ref":"#/$defs/Flag"}}},
                   "Flag":{"type":"boolean"},
                   "Loop":{"type":"object","properties":{"next":{"$ref":"#/$defs/Loop"},"n":{"type":"integer"}}}},
                 "definitions":{"Count":{"anyOf":[{"type":"integer"},{"type":"null"}]}},
                 "properties":{
                   "mode":{"$ref":"#/$defs/Mode"},
                   "limits":{"$ref":"#/$defs/Limits"},
                   "count":{"$ref":"#/definitions/Count"},
                   "loop":{"$ref":"#/$defs/Loop"},
                   "missing":{"$ref":"#/$defs/Nope"},
                   "remote":{"$ref":"https://example.com/schema.json"},
                   "self":{"$ref":"#/properties/self"},
                   "label":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null}}}""";

        @Test
        void refsResolveIntoDefsAndDefinitions() {
            assertThat(typeParams(REFS, untyped("mode", "Fast"), untyped("limits", "{\"max\": \"3\", \"strict\": \"true\"}"),
                    untyped("count", "None"), untyped("label", "null")))
                    .isEqualTo("{\"mode\":\"fast\",\"limits\":{\"max\":3,\"strict\":true},\"count\":null,\"label\":null}");
            assertThat(typeParams(REFS, untyped("count", "12"), untyped("label", "12")))
                    .isEqualTo("{\"count\":12,\"label\":\"12\"}");
        }

        @Test
        void unresolvableAndCyclicRefsAllowAnything() {
            assertThat(typeParams(REFS, untyped("missing", "5"), untyped("remote", "true"), untyped("self", "[1]")))
                    .isEqualTo("{\"missing\":5,\"remote\":true,\"self\":[1]}");
        }

        @Test
        void recursiveSchemasTypeRecursiveValues() {
            assertThat(typeJson("{\"loop\": {\"n\": \"1\", \"next\": {\"n\": \"2\", \"next\": {\"n\": \"3\"}}}}", REFS))
                    .contains("{\"loop\":{\"n\":1,\"next\":{\"n\":2,\"next\":{\"n\":3}}}}");
        }

        @Test
        void rootRefIsFollowed() {
            String schema = "{\"$ref\":\"#/$defs/Args\",\"$defs\":{\"Args\":{\"type\":\"object\","
                    + "\"properties\":{\"n\":{\"type\":\"integer\"}}}}}";
            assertThat(typeParams(schema, untyped("n", "4"))).isEqualTo("{\"n\":4}");
            assertThat(typeJson("{\"n\": \"4\"}", schema)).contains("{\"n\":4}");
        }

        @Test
        void propertiesFromAllOfAndAnyOfBranchesAndAdditionalProperties() {
            String schema = """
                    {"allOf":[{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]},
                              {"properties":{"b":{"type":"boolean"}}}],
                     "anyOf":[{"properties":{"c":{"type":"number"}}}],
                     "additionalProperties":{"type":"integer"}}""";
            assertThat(typeParams(schema, untyped("a", "1"), untyped("b", "yes"), untyped("c", "2.5"), untyped("d", "4"),
                    untyped("e", "x")))
                    .isEqualTo("{\"a\":1,\"b\":true,\"c\":2.5,\"d\":4,\"e\":\"x\"}");
            assertThat(typeJson("{\"a\": null, \"b\": null}", schema)).as("a is required by an allOf branch")
                    .contains("{\"a\":null}");
        }

        @Test
        void tupleItemsArePositional() {
            String schema = "{\"type\":\"object\",\"properties\":{\"pair\":{\"type\":\"array\","
                    + "\"prefixItems\":[{\"type\":\"string\"},{\"type\":\"integer\"}],\"items\":{\"type\":\"boolean\"}},"
                    + "\"old\":{\"type\":\"array\",\"items\":[{\"type\":\"integer\"}],\"additionalItems\":{\"type\":\"string\"}}}}";
            assertThat(typeJson("{\"pair\": [1, \"2\", \"true\"], \"old\": [\"1\", 2]}", schema))
                    .contains("{\"pair\":[\"1\",2,true],\"old\":[1,\"2\"]}");
        }

        @Test
        void anyOfWithNullAndAnArrayOfObjects() {
            String schema = """
                    {"type":"object","properties":{"items":{"anyOf":[
                       {"type":"array","items":{"type":"object","properties":{"qty":{"type":"integer"}}}},
                       {"type":"null"}]}}}""";
            assertThat(typeParams(schema, untyped("items", "[{\"qty\": \"2\"}]"))).isEqualTo("{\"items\":[{\"qty\":2}]}");
            assertThat(typeParams(schema, untyped("items", "None"))).isEqualTo("{\"items\":null}");
            assertThat(typeJson("{\"items\": \"[{\\\"qty\\\": \\\"3\\\"}]\"}", schema)).contains("{\"items\":[{\"qty\":3}]}");
        }

        @Test
        void oddSchemasAreTreatedAsUnknown() {
            for (String odd : List.of("true", "[]", "\"string\"", "{\"type\":42}", "{\"properties\":[]}",
                    "{\"type\":\"object\",\"properties\":{\"p\":\"integer\"}}", "{\"anyOf\":{}}",
                    "{\"$ref\":42}", "{\"$ref\":\"#/%%%\"}", "{\"$ref\":\"#\"}", "{\"allOf\":[1,2]}")) {
                assertThat(typeParams(odd, untyped("p", "5"), untyped("q", "x"))).as(odd).isEqualTo("{\"p\":5,\"q\":\"x\"}");
                assertThat(typeJson("{\"p\": \"5\"}", odd)).as(odd).isPresent();
            }
        }
    }

    // ---- robustness ----

    @Test
    void neverThrowsOnOddInput() {
        List<String> texts = new ArrayList<>(List.of("", "{", "}", "[[[[", "\"", "\\", "{\"a\":", "{'a':", "'''",
                "{\"a\": 1e999}", "\u0000", "{\"\":\"\"}", "[".repeat(1500), "{\"a\":".repeat(600),
                "\"" + "\\\"".repeat(50) + "\""));
        List<String> schemas = new ArrayList<>(List.of(BASH, READ, TODO_WRITE, GREP, SchemaShapes.REFS, "{}", "true"));
        schemas.add(null);
        for (String schema : schemas) {
            for (String text : texts) {
                ArgumentTyper.type(new JsonText(text), schema(schema));
                for (String name : List.of("todos", "offset", "")) {
                    for (ValueKind kind : ValueKind.values()) {
                        ArgumentTyper.type(new Params(List.of(new Param(name, text, kind))), schema(schema))
                                .map(Json::string).orElseThrow();
                    }
                }
            }
        }
    }

    @Test
    void deeplyNestedValuesAreTypedToADepthAndKeptBeyondIt() {
        String deep = "{\"loop\": " + "{\"next\": ".repeat(200) + "{\"n\": \"1\"}" + "}".repeat(200) + "}";
        assertThat(typeJson(deep, SchemaShapes.REFS)).isPresent();
    }

    @Test
    void nullArgumentsGiveNothing() {
        assertThat(ArgumentTyper.type(null, schema(READ))).isEmpty();
    }
}
