package dev.anyclaude.openai;

import dev.anyclaude.api.ApiException;

/**
 * The 400s of the request mapping. Each names the field the way the Anthropic API names fields
 * ({@code messages.3.content.1.type}), so Claude Code shows the user which part of the history an
 * OpenAI-compatible backend cannot take.
 */
final class Rejections {
    private Rejections() {
    }

    static ApiException unknownBlock(String blockPath, String type) {
        return ApiException.invalidRequest(blockPath + ".type: block type '" + type
                + "' cannot be sent to an OpenAI-compatible backend");
    }

    static ApiException misplacedBlock(String blockPath, String type, String where) {
        return ApiException.invalidRequest(blockPath + ".type: block type '" + type + "' is not allowed " + where);
    }

    static ApiException fileSource(String blockPath) {
        return ApiException.invalidRequest(blockPath + ".source: file ids cannot be resolved for this backend "
                + "(the Files API exists only on Anthropic); send the content as base64 instead");
    }

    static ApiException unsupportedDocument(String blockPath, String what, OpenAiFlavor flavor) {
        return ApiException.invalidRequest(blockPath + ".source: " + what + " cannot be sent to this backend ("
                + flavor.name().toLowerCase(java.util.Locale.ROOT) + ")");
    }
}
