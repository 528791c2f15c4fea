package dev.anyclaude.toolcall;

import dev.anyclaude.api.Json;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Mistral. Tokenizers before v11 (Mistral 7B v0.3, Nemo, Small 3.0/3.1, Codestral) write one
 * {@code [TOOL_CALLS]} and an array: {@code [TOOL_CALLS][{"name": N, "arguments": {…}, "id": "abc123def"}, …]};
 * v11 and later (Small 3.2, Devstral, Magistral, Ministral 3) one per call:
 * {@code [TOOL_CALLS]N[ARGS]{…}}, optionally {@code N[CALL_ID]id[ARGS]{…}}, and, where a tokenizer drops
 * {@code [ARGS]}, {@code N{…}}. Neither has a closing marker: the call ends where its JSON value ends (by
 * bracket matching that skips strings); text after it is text. A region that cannot be read runs to the
 * next {@code [TOOL_CALLS]} or the end of the output. Call ids are not kept (a {@link Piece.Call} has none).
 * Reasoning (Magistral, Ministral reasoning) is {@code [THINK]…[/THINK]}.
 *
 * <p>A server that strips special tokens leaves the old form as a bare array: {@code [{"name": …,
 * "arguments": …}]} at the very start of the output is read as calls when it is strict JSON made only of
 * call objects; anywhere else, and in any other shape, it is text.
 */
public final class MistralFormat implements ToolCallFormat {
    static final String TOOL_CALLS = "[TOOL_CALLS]";
    static final String ARGS = "[ARGS]";
    static final String CALL_ID = "[CALL_ID]";
    static final Reasoning REASONING = new Reasoning("[THINK]", "[/THINK]", false, false);
    private static final List<String> OPENERS = List.of(TOOL_CALLS);

    @Override
    public String name() {
        return "mistral";
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        int i = Scanning.skipWhitespace(fromOpener, TOOL_CALLS.length());
        if (i >= fromOpener.length()) {
            return Claim.MAYBE;
        }
        char c = fromOpener.charAt(i);
        return c == '[' || c == '{' || PythonLiterals.isNameChar(c) ? Claim.YES : Claim.NO;
    }

    @Override
    public FormatParser newParser() {
        return new LeadingCallParser(new Regions(), new BareCallArray(false), null);
    }

    /** Where the JSON value starts after {@code [TOOL_CALLS]}, and the tool name before it (null for the array form). */
    private record Head(String name, int bodyStart) {
    }

    private static Head head(String region) {
        int length = region.length();
        int i = Scanning.skipWhitespace(region, TOOL_CALLS.length());
        if (i >= length) {
            return new Head(null, BracketRegionParser.MORE);
        }
        char first = region.charAt(i);
        if (first == '[' || first == '{') {
            return new Head(null, i); // the old array form, or a call object
        }
        int nameStart = i;
        while (i < length && region.charAt(i) != '[' && region.charAt(i) != '{'
                && !Character.isWhitespace(region.charAt(i))) {
            i++;
        }
        String name = region.substring(nameStart, i);
        i = Scanning.skipWhitespace(region, i);
        if (i >= length) {
            return new Head(name, BracketRegionParser.MORE);
        }
        if (Scanning.at(region, i, CALL_ID)) {
            i += CALL_ID.length();
            while (i < length && region.charAt(i) != '[' && region.charAt(i) != '{') {
                i++;
            }
        }
        if (Scanning.at(region, i, ARGS)) {
            i = Scanning.skipWhitespace(region, i + ARGS.length());
        }
        if (i >= length || Scanning.cutShort(region, i, CALL_ID) || Scanning.cutShort(region, i, ARGS)) {
            return new Head(name, BracketRegionParser.MORE);
        }
        return new Head(name, region.charAt(i) == '{' ? i : BracketRegionParser.NONE);
    }

    private static final class Regions extends BracketRegionParser {
        Regions() {
            super(OPENERS, List.of(), REASONING, false);
        }

        @Override
        protected int bodyStart(String region, String opener) {
            return head(region).bodyStart();
        }

        @Override
        protected int unstructuredEnd(CharSequence region, String opener, int from) {
            int next = Scanning.indexOf(region, TOOL_CALLS, Math.max(from, opener.length()));
            return next < 0 ? -1 : next;
        }

        @Override
        protected List<Piece.Call> parseUnstructured(String region, String opener, boolean atEnd) {
            return failure("no tool name and JSON arguments after " + TOOL_CALLS);
        }

        @Override
        protected List<Piece.Call> parseBody(String body, String region, String opener) {
            String name = head(region).name();
            try {
                if (name == null || name.isEmpty()) {
                    return JsonCalls.read(body, region, JsonCalls.Rules.MARKED);
                }
                return List.of(new Piece.Call(name, new Arguments.JsonText(arguments(body)), region));
            } catch (JsonCalls.NotCalls notCalls) {
                return failure(notCalls.getMessage());
            }
        }

        /** The arguments as JSON text; Python-literal objects are converted, anything else is not a call. */
        private static String arguments(String body) throws JsonCalls.NotCalls {
            try {
                Json.parse(body);
                return body;
            } catch (JacksonException notJson) {
                try {
                    JsonNode node = PythonLiterals.literal(body);
                    return Json.string(node);
                } catch (PythonLiterals.NotLiteral notLiteral) {
                    throw new JsonCalls.NotCalls("the arguments are not JSON");
                }
            }
        }
    }
}
