package dev.anyclaude.server;

import dev.anyclaude.api.ApiError;
import dev.anyclaude.api.Json;
import io.helidon.webserver.http.ServerResponse;

/** Sends an Anthropic-format error response. */
final class HttpErrors {
    private HttpErrors() {
    }

    static void send(ServerResponse res, ApiError error, String requestId) {
        res.status(error.status());
        error.headers().forEach(res::header);
        res.header("content-type", "application/json");
        if (requestId != null) {
            res.header("request-id", requestId);
        }
        res.send(Json.bytes(error.body(requestId)));
    }
}
