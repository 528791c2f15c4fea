package dev.anyclaude.toolcall;

import java.util.List;

/**
 * GPT-OSS (OpenAI harmony): {@code <|channel|>analysis<|message|>…<|end|>} is reasoning,
 * {@code <|start|>assistant<|channel|>commentary to=functions.NAME <|constrain|>json<|message|>{…}<|call|>}
 * a tool call (recipient also in the role part, on the analysis channel too, content type bare, glued or
 * missing, {@code <|call|>} usually absent), {@code <|channel|>final<|message|>…} the answer; and the
 * same with the special tokens stripped ({@code analysis…assistantcommentary to=functions.NAME json{…}},
 * {@code …assistantfinal…}).
 *
 * <p>Names are reported as written, {@code functions.} included (the engine resolves it); a {@code json}
 * content type glued to the name is taken off. Only genuine harmony markers announce the format to
 * sniffing: a bare {@code analysis} at the start is read only once this format has been chosen.
 */
public final class HarmonyFormat implements ToolCallFormat {

    private static final String START_ASSISTANT = HarmonyHeader.START + HarmonyHeader.ROLE;
    private static final String STRIPPED_CALL = "assistantcommentary to=";
    private static final String TO_FUNCTIONS = HarmonyHeader.TO + HarmonyHeader.FUNCTIONS;
    private static final List<String> OPENERS = List.of(HarmonyHeader.CHANNEL, START_ASSISTANT, STRIPPED_CALL,
            TO_FUNCTIONS);

    @Override
    public String name() {
        return "harmony";
    }

    @Override
    public FormatParser newParser() {
        return new HarmonyParser();
    }

    @Override
    public List<String> openers() {
        return OPENERS;
    }

    @Override
    public Claim claims(String fromOpener) {
        if (fromOpener.startsWith(START_ASSISTANT)) {
            return Claim.YES;
        }
        if (fromOpener.startsWith(HarmonyHeader.CHANNEL)) {
            return channelFollows(fromOpener, HarmonyHeader.CHANNEL.length());
        }
        if (fromOpener.startsWith(STRIPPED_CALL)) {
            return prefixClaim(fromOpener.substring(STRIPPED_CALL.length()), HarmonyHeader.FUNCTIONS);
        }
        if (fromOpener.startsWith(TO_FUNCTIONS)) {
            return recipientFollows(fromOpener, TO_FUNCTIONS.length());
        }
        return OPENERS.stream().anyMatch(o -> o.startsWith(fromOpener)) ? Claim.MAYBE : Claim.NO;
    }

    /** {@code <|channel|>} must name a harmony channel (Gemma 4's {@code <|channel>} is another token). */
    private static Claim channelFollows(String text, int at) {
        int end = at;
        while (end < text.length() && Character.isLetter(text.charAt(end))) {
            end++;
        }
        String word = text.substring(at, end);
        if (end == text.length()) {
            return HarmonyHeader.CHANNELS.stream().anyMatch(c -> c.startsWith(word)) ? Claim.MAYBE : Claim.NO;
        }
        return HarmonyHeader.CHANNELS.contains(word) ? Claim.YES : Claim.NO;
    }

    /**
     * {@code to=functions.NAME} must go on the way a header does: a token, a content type, or the JSON
     * ({@code <|…}, {@code json}, {@code {}).
     */
    private static Claim recipientFollows(String text, int at) {
        int end = at;
        while (end < text.length() && isNameChar(text.charAt(end))) {
            end++;
        }
        if (end == text.length()) {
            return Claim.MAYBE;
        }
        if (end == at) {
            return Claim.NO;
        }
        int i = end;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        String rest = text.substring(i);
        for (String next : List.of("<|", "{", "json")) {
            Claim claim = prefixClaim(rest, next);
            if (claim != Claim.NO) {
                return claim;
            }
        }
        return Claim.NO;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == ':';
    }

    /** YES when {@code text} starts with {@code expected}, MAYBE while it could still, else NO. */
    private static Claim prefixClaim(String text, String expected) {
        if (text.startsWith(expected)) {
            return Claim.YES;
        }
        return expected.startsWith(text) ? Claim.MAYBE : Claim.NO;
    }
}
