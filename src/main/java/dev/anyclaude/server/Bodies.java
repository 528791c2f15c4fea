package dev.anyclaude.server;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.ApiException;
import dev.anyclaude.backend.ClientHeaders;
import io.helidon.http.Header;
import io.helidon.webserver.http.ServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/** Reading what the client sent: the body, bounded, and the headers. */
final class Bodies {
    private Bodies() {
    }

    /** Reads the request body; more than {@code limit} bytes is a 413 {@code request_too_large}. */
    static byte[] read(ServerRequest req, long limit) {
        limit = Math.min(limit, Integer.MAX_VALUE - 8); // the most one array can hold
        // A declared length over the limit is refused before a byte of the body is read.
        OptionalLong declared = req.headers().contentLength();
        if (declared.isPresent() && declared.getAsLong() > limit) {
            throw tooLarge(limit, "content-length is " + declared.getAsLong() + " bytes",
                    declared.getAsLong() - limit > DRAINED_AT_MOST);
        }
        // Without a length (chunked) at most limit + 1 bytes are read: one more than allowed says "too large".
        try (InputStream in = req.content().inputStream()) {
            if (declared.isPresent()) {
                return exactly(in, (int) declared.getAsLong());
            }
            byte[] body = in.readNBytes((int) limit + 1);
            if (body.length > limit) {
                throw tooLarge(limit, "the body goes on past it", true);
            }
            return body;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.invalidRequest("could not read the request body: " + e.getMessage());
        }
    }

    /** A body of known length goes straight into one array of that size: no growing copies. */
    private static byte[] exactly(InputStream in, int length) throws IOException {
        byte[] body = new byte[length];
        int read = in.readNBytes(body, 0, length);
        if (read < length) {
            throw ApiException.invalidRequest("request body ended after " + read + " of the " + length
                    + " bytes its content-length announced");
        }
        return body;
    }

    /**
     * How far past the limit a declared body is still read (and dropped) after the 413. The answer goes out
     * while the client is still sending: closing the connection on an unread body makes the kernel reset it,
     * and a client that is still writing then loses the answer. Beyond this, and for a chunked body of no
     * known end, the connection is closed instead, since Helidon would read and discard however much follows.
     */
    static final long DRAINED_AT_MOST = 64L * 1024 * 1024;

    private static ApiException tooLarge(long limit, String detail, boolean close) {
        return new ApiException(new ApiError(413, "request_too_large",
                "request body is larger than the limit of " + limit + " bytes (" + detail + ")",
                close ? Map.of("connection", "close") : Map.of()));
    }

    static ClientHeaders headers(ServerRequest req) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            map.computeIfAbsent(header.name(), k -> new ArrayList<>()).addAll(header.allValues());
        }
        return new ClientHeaders(map);
    }
}
