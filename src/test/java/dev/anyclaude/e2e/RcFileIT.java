package dev.anyclaude.e2e;

import dev.anyclaude.api.Json;
import dev.anyclaude.testing.FakeUpstream;
import dev.anyclaude.testing.FakeUpstream.RecordedRequest;
import dev.anyclaude.testing.FakeUpstream.Reply;
import dev.anyclaude.testing.GatewayProcess;
import dev.anyclaude.testing.OpenAiSse;
import dev.anyclaude.testing.RawHttp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged gateway finds {@code ~/.anyclauderc.json} through {@code HOME}, as a shell user expects,
 * and needs no flag beyond it: upstream, model map and all come from the file.
 */
class RcFileIT {

    @TempDir
    Path tmp;

    private static Reply openAi(RecordedRequest request) {
        if (request.path().equals("/v1/chat/completions")) {
            return OpenAiSse.chat("m").role().text("ok").finish("stop").usage(5, 1, 0).done().reply();
        }
        return Reply.notFound(request);
    }

    @Test
    void theHomeFileAloneConfiguresThePackagedGateway() throws Exception {
        try (FakeUpstream upstream = FakeUpstream.start(RcFileIT::openAi)) {
            Path home = Files.createDirectories(tmp.resolve("home"));
            Path rc = Files.writeString(home.resolve(".anyclauderc.json"), """
                    {
                      // what a user writes once
                      "baseUrl": "%s/v1",
                      "models": {"default": "main-upstream", "haiku": "small-upstream"},
                      "retries": 0
                    }""".formatted(upstream.baseUrl()));

            try (GatewayProcess gateway = GatewayProcess.start(home);
                 RawHttp http = new RawHttp(gateway.port())) {
                for (String model : new String[]{"claude-opus-5-5", "claude-haiku-5-5", "picked-by-user"}) {
                    ObjectNode body = Json.object();
                    body.put("model", model);
                    body.put("max_tokens", 32);
                    body.putArray("messages").addObject().put("role", "user").put("content", "hi");
                    RawHttp.Response response = http.post("/v1/messages", Json.string(body),
                            "anthropic-version", "2023-06-01", "x-api-key", "sk-dummy");
                    assertThat(response.status()).as(response.text() + "\n" + gateway.log()).isEqualTo(200);
                }

                assertThat(upstream.requests("/v1/chat/completions"))
                        .extracting(r -> r.json().get("model").asString())
                        .containsExactly("main-upstream", "small-upstream", "picked-by-user");
                assertThat(gateway.log()).contains("settings from " + rc,
                        "models: opus -> main-upstream, sonnet -> main-upstream, haiku -> small-upstream");
            }
        }
    }
}
