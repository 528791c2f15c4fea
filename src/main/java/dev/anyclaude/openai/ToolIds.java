package dev.anyclaude.openai;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Tool-call ids between the two worlds. Anthropic ids must match {@code ^[a-zA-Z0-9_-]+$}; upstream
 * ids such as Kimi's {@code functions.get_weather:0} do not. Such ids are encoded reversibly
 * ({@code toolu_x} + base64url) and decoded again when the history goes back upstream, so templates
 * that depend on the original form still see it.
 */
public final class ToolIds {
    private static final Pattern VALID = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final String ENCODED_PREFIX = "toolu_x";

    private ToolIds() {
    }

    /** An upstream id as an Anthropic id; null means the upstream gave none and the caller must make one. */
    public static String toAnthropic(String upstreamId) {
        if (upstreamId == null || upstreamId.isEmpty()) {
            return null;
        }
        if (VALID.matcher(upstreamId).matches() && !upstreamId.startsWith(ENCODED_PREFIX)) {
            return upstreamId;
        }
        return ENCODED_PREFIX + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(upstreamId.getBytes(StandardCharsets.UTF_8));
    }

    /** The inverse of {@link #toAnthropic}: an id from the client's history as the upstream first sent it. */
    public static String toUpstream(String anthropicId) {
        if (anthropicId != null && anthropicId.startsWith(ENCODED_PREFIX)) {
            try {
                return new String(Base64.getUrlDecoder().decode(anthropicId.substring(ENCODED_PREFIX.length())),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notOurs) {
                return anthropicId;
            }
        }
        return anthropicId;
    }
}
