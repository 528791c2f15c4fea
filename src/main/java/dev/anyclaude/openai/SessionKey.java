package dev.anyclaude.openai;

import dev.anyclaude.api.BoundedMemo;
import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Claude Code's session id, the key that keeps one conversation on the replica or cache shard that holds
 * its prompt. The {@code X-Claude-Code-Session-Id} header is preferred; the same id is inside
 * {@code metadata.user_id}, a JSON string ({@code {"device_id":…,"session_id":…}}) in current versions and
 * {@code user_<hash>_account_<uuid>_session_<uuid>} in older ones. Only the session id leaves the gateway,
 * never the device or account ids around it.
 */
public final class SessionKey {
    private static final String OLD_FORM_MARKER = "_session_";

    private SessionKey() {
    }

    /** The session id, or null when the client sent none. */
    public static String of(String headerSessionId, MessagesRequest request) {
        if (headerSessionId != null && !headerSessionId.isBlank()) {
            return headerSessionId.strip();
        }
        JsonNode metadata = request.raw() == null ? null : request.raw().get("metadata");
        String userId = Json.text(metadata, "user_id");
        if (userId == null || userId.isBlank()) {
            return null;
        }
        String id = userId.strip().startsWith("{") ? fromJson(userId) : fromOldForm(userId);
        return id == null || id.isBlank() ? null : id.strip();
    }

    /**
     * The session ids read from the {@code user_id} strings seen: every request of a session sends the same one,
     * and each request parsed it (twice: for the routing and for the cache hints) when no header gave the id.
     * Only strings of a size Claude Code sends are kept (it is the client's text: a huge one is parsed each time).
     */
    private static final BoundedMemo<String, Optional<String>> FROM_JSON = new BoundedMemo<>(256);
    private static final int FROM_JSON_MAX_CHARS = 1024;

    private static String fromJson(String userId) {
        if (userId.length() > FROM_JSON_MAX_CHARS) {
            return parseSessionId(userId);
        }
        return FROM_JSON.get(userId, json -> Optional.ofNullable(parseSessionId(json))).orElse(null);
    }

    private static String parseSessionId(String userId) {
        try {
            return Json.text(Json.parse(userId), "session_id");
        } catch (JacksonException malformed) {
            return null;
        }
    }

    private static String fromOldForm(String userId) {
        int at = userId.lastIndexOf(OLD_FORM_MARKER);
        return at < 0 ? null : userId.substring(at + OLD_FORM_MARKER.length());
    }

    /**
     * The key as it is when it fits in {@code maxLength} characters, else its SHA-256 in hex (cut to the
     * limit): the same session always gives the same key, and a limit never turns into a rejected request.
     */
    static String bounded(String key, int maxLength) {
        if (key.length() <= maxLength) {
            return key;
        }
        try {
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
            return hash.length() <= maxLength ? hash : hash.substring(0, maxLength);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every JDK has SHA-256", impossible);
        }
    }
}
