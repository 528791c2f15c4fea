package dev.anyclaude.toolcall;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the header of a harmony message: what stands between a message boundary and its content.
 * Handles the token form ({@code <|start|>assistant<|channel|>commentary to=functions.X <|constrain|>json<|message|>},
 * the recipient also in the role part, the content type bare, glued or missing) and the form a server
 * leaves when it strips special tokens ({@code assistantcommentary to=functions.X json{…}},
 * {@code assistantfinal…}, {@code analysis…} at the very start).
 */
final class HarmonyHeader {

    static final String START = "<|start|>";
    static final String CHANNEL = "<|channel|>";
    static final String MESSAGE = "<|message|>";
    static final String CONSTRAIN = "<|constrain|>";
    static final String ROLE = "assistant";
    static final String TO = "to=";
    static final String FUNCTIONS = "functions.";
    static final List<String> CHANNELS = List.of("analysis", "commentary", "final");

    /** A header longer than this is not one. */
    private static final int LIMIT = 1024;
    private static final int RECIPIENT_LIMIT = 200;
    private static final Pattern PLAUSIBLE_NAME = Pattern.compile("[A-Za-z0-9_.:-]+");
    private static final List<String> TOKEN_ITEMS = List.of(MESSAGE, CHANNEL, CONSTRAIN, TO);

    private HarmonyHeader() {
    }

    /** The outcome of reading: wait for more text, not a header, or a header. */
    sealed interface Result {
    }

    record NeedMore() implements Result {
    }

    record NotAHeader() implements Result {
    }

    /**
     * A header. {@code contentStart} is where the message content begins; {@code channel} may be null;
     * {@code recipient} is the tool the message goes to, as written ({@code functions.Write}), or null.
     */
    record Header(int contentStart, String channel, String recipient) implements Result {
    }

    private static final Result NEED_MORE = new NeedMore();
    private static final Result NOT_A_HEADER = new NotAHeader();

    /**
     * @param first  this is the first message of the output (the role came with the prompt): a stripped
     *               channel word is then read without {@code assistant} before it, but only when it
     *               cannot be an ordinary word ({@code analysisThe user…}, not {@code analysis shows…})
     * @param atEnd  the output has ended: decide now
     */
    static Result read(CharSequence s, boolean first, boolean atEnd) {
        Result result = parse(s, first, atEnd);
        if (result instanceof NeedMore && s.length() > LIMIT) {
            return NOT_A_HEADER;
        }
        return result;
    }

    private static Result parse(CharSequence s, boolean first, boolean atEnd) {
        Result wait = atEnd ? NOT_A_HEADER : NEED_MORE;
        int i = Scanning.skipWhitespace(s, 0);
        boolean tokens = false;
        if (Scanning.at(s, i, START)) {
            i += START.length();
            tokens = true;
        } else if (Scanning.cutShort(s, i, START)) {
            return wait;
        }
        boolean role = false;
        if (Scanning.at(s, i, ROLE)) {
            i += ROLE.length();
            role = true;
        } else if (Scanning.cutShort(s, i, ROLE)) {
            return wait;
        }
        boolean bareStart = first && !role && !tokens;
        String channel = null;
        String recipient = null;
        boolean typed = false;
        int itemStart = i;
        while (true) {
            int j = Scanning.skipWhitespace(s, i);
            if (j == s.length()) {
                if (!atEnd) {
                    return NEED_MORE;
                }
                break;
            }
            if (Scanning.at(s, j, MESSAGE)) {
                return header(j + MESSAGE.length(), channel, recipient, true, typed);
            }
            if (Scanning.at(s, j, CHANNEL) || Scanning.at(s, j, CONSTRAIN)) {
                boolean isChannel = Scanning.at(s, j, CHANNEL);
                int k = j + (isChannel ? CHANNEL.length() : CONSTRAIN.length());
                int end = k;
                while (end < s.length() && Character.isLetter(s.charAt(end))) {
                    end++;
                }
                if (end == s.length() && !atEnd) {
                    return NEED_MORE;
                }
                if (isChannel) {
                    channel = s.subSequence(k, end).toString();
                } else {
                    typed = true;
                }
                tokens = true;
                i = end;
                continue;
            }
            if (recipient == null && Scanning.at(s, j, TO)) {
                int k = j + TO.length();
                int end = k;
                while (end < s.length() && !Character.isWhitespace(s.charAt(end)) && s.charAt(end) != '<'
                        && s.charAt(end) != '{') {
                    if (end - k > RECIPIENT_LIMIT) {
                        return NOT_A_HEADER;
                    }
                    end++;
                }
                if (end == s.length() && !atEnd) {
                    return NEED_MORE;
                }
                if (end == k) {
                    return NOT_A_HEADER;
                }
                recipient = s.subSequence(k, end).toString();
                i = end;
                continue;
            }
            if (recipient != null && !typed && Scanning.at(s, j, "json")) {
                if (j + 4 == s.length() && !atEnd) {
                    return NEED_MORE;
                }
                if (j + 4 == s.length() || !Character.isLetterOrDigit(s.charAt(j + 4))) {
                    typed = true;
                    i = j + 4;
                    continue;
                }
            }
            if (recipient != null && s.charAt(j) == '{') {
                return header(j, channel, recipient, tokens, typed);
            }
            if (channel == null && recipient == null && (role || bareStart) && j == itemStart) {
                String word = channelWord(s, j);
                if (word != null) {
                    int k = j + word.length();
                    if (bareStart) {
                        Result follower = bareFollower(s, word, k, atEnd);
                        if (follower != null) {
                            return follower;
                        }
                    }
                    channel = word;
                    i = k;
                    continue;
                }
                if (!atEnd && CHANNELS.stream().anyMatch(c -> Scanning.cutShort(s, j, c))) {
                    return NEED_MORE;
                }
            }
            if (!atEnd && (TOKEN_ITEMS.stream().anyMatch(m -> Scanning.cutShort(s, j, m))
                    || recipient != null && !typed && Scanning.cutShort(s, j, "json"))) {
                return NEED_MORE;
            }
            break;
        }
        if (recipient == null && channel != null) {
            // Content without <|message|>: what a stripping server leaves (assistantfinalDone.).
            return new Header(i, channel, null);
        }
        return NOT_A_HEADER;
    }

    private static String channelWord(CharSequence s, int at) {
        for (String word : CHANNELS) {
            if (Scanning.at(s, at, word)) {
                return word;
            }
        }
        return null;
    }

    /**
     * At the very start, without a role or tokens, a channel word counts only when glued to its content
     * ({@code analysisWe…}, {@code analysisuser asks…}) or followed by a recipient; {@code analysis shows…}
     * is prose. No English word continues {@code analysis} or {@code commentary} with a letter, but
     * {@code final} goes on as finally, finalize, finals: that one needs a non-lowercase follower. Null: it counts.
     */
    private static Result bareFollower(CharSequence s, String word, int at, boolean atEnd) {
        if (at == s.length()) {
            return atEnd ? NOT_A_HEADER : NEED_MORE;
        }
        char c = s.charAt(at);
        if (Character.isWhitespace(c)) {
            int j = Scanning.skipWhitespace(s, at);
            if (Scanning.at(s, j, TO)) {
                return null;
            }
            return !atEnd && (j == s.length() || Scanning.cutShort(s, j, TO)) ? NEED_MORE : NOT_A_HEADER;
        }
        return word.equals("final") && Character.isLowerCase(c) ? NOT_A_HEADER : null;
    }

    /**
     * A header with a recipient: takes a channel name or a {@code json} content type off the end of the
     * recipient where a stripping server glued them on, and asks a plausible {@code functions.} name of a
     * header that has no special tokens left.
     */
    private static Result header(int contentStart, String channel, String recipient, boolean tokens, boolean typed) {
        if (recipient == null) {
            return new Header(contentStart, channel, null);
        }
        String name = recipient;
        if (!typed) {
            name = withoutGluedJson(name);
        }
        if (channel == null) {
            for (String word : List.of("commentary", "analysis")) {
                if (name.endsWith(word) && name.length() > word.length()) {
                    name = name.substring(0, name.length() - word.length());
                    channel = word;
                    if (!typed) {
                        name = withoutGluedJson(name);
                    }
                    break;
                }
            }
        }
        if (!tokens && !(name.startsWith(FUNCTIONS)
                && PLAUSIBLE_NAME.matcher(name.substring(FUNCTIONS.length())).matches())) {
            return NOT_A_HEADER;
        }
        return new Header(contentStart, channel, name);
    }

    /**
     * {@code functions.fs_readjson} → {@code functions.fs_read}: the content type glued to the name when
     * it was written without a space or its {@code <|constrain|>} token was stripped. A name ending in
     * {@code _json} / {@code -json} / {@code .json} keeps it: that is more likely the tool's own name.
     */
    static String withoutGluedJson(String recipient) {
        int bare = recipient.startsWith(FUNCTIONS) ? FUNCTIONS.length() : 0;
        if (recipient.length() - bare <= 4 || !recipient.endsWith("json")) {
            return recipient;
        }
        char before = recipient.charAt(recipient.length() - 5);
        return before == '_' || before == '-' || before == '.' ? recipient : recipient.substring(0, recipient.length() - 4);
    }
}
