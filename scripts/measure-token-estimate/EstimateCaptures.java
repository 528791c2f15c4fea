import dev.anyclaude.api.Json;
import dev.anyclaude.api.MessagesRequest;
import dev.anyclaude.api.RequestParser;
import dev.anyclaude.backend.TokenEstimator;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Prints TokenEstimator's estimate for each capture as JSON ({"file name": estimate}) on stdout, and the time
 * per estimate on stderr. A capture is a raw request body or a capture file with the body under "body".
 * Run by run.sh with the project's classes and dependencies on the class path.
 */
public class EstimateCaptures {
    public static void main(String[] args) throws Exception {
        Map<String, MessagesRequest> requests = new LinkedHashMap<>();
        for (String arg : args) {
            JsonNode json = Json.parse(Files.readAllBytes(Path.of(arg)));
            JsonNode body = json.has("body") ? json.get("body") : json;
            requests.put(Path.of(arg).getFileName().toString(), RequestParser.parseCountTokens(Json.bytes(body)));
        }
        Map<String, Long> estimates = new LinkedHashMap<>();
        requests.forEach((name, request) -> estimates.put(name, TokenEstimator.estimate(request)));
        System.out.println(Json.string(Json.MAPPER.valueToTree(estimates)));

        int rounds = 200; // warm the JIT, then time one pass over all captures
        long start = 0;
        for (int round = 0; round <= rounds; round++) {
            if (round == rounds) {
                start = System.nanoTime();
            }
            requests.values().forEach(TokenEstimator::estimate);
        }
        double micros = (System.nanoTime() - start) / 1_000.0 / requests.size();
        System.err.printf("estimate: %.0f us per request on average (warm, %d requests)%n", micros, requests.size());
    }
}
