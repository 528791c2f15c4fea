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

/** Reading what the client sent: the body, bounded, and the headers. */
final class Bodies {
    private Bodies() {
    }

    /** Reads the request body; more than {@code limit} bytes is a 413 {@code request_too_large}. */
    static byte[] read(ServerRequest req, long limit) {
        try (InputStream in = req.content().inputStream()) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                throw new ApiException(new ApiError(413, "request_too_large",
                        "request body is larger than the limit of " + limit + " bytes"));
            }
            return body;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw ApiException.invalidRequest("could not read the request body: " + e.getMessage());
        }
    }

    static ClientHeaders headers(ServerRequest req) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            map.computeIfAbsent(header.name(), k -> new ArrayList<>()).addAll(header.allValues());
        }
        return new ClientHeaders(map);
    }
}
