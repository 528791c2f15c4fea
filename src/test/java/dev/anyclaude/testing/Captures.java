package dev.anyclaude.testing;

import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The recorded Claude Code requests under {@code src/test/resources/captures}. */
public final class Captures {

    private Captures() {
    }

    /**
     * The request body of capture {@code file}: captures are stored either as the body or as the recorded request
     * around it (its {@code body} field).
     */
    public static JsonNode body(String file) {
        try (InputStream in = Captures.class.getResourceAsStream("/captures/" + file)) {
            assertThat(in).as(file).isNotNull();
            JsonNode json = Json.parse(in.readAllBytes());
            return json.has("body") ? json.get("body") : json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
