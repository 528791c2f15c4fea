package dev.anyclaude.openai;

import dev.anyclaude.api.ApiException;
import dev.anyclaude.api.ContentBlock;
import dev.anyclaude.api.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Anthropic media and reference blocks as Chat Completions content parts or plain text. */
final class ContentParts {
    private static final String PDF = "application/pdf";

    private ContentParts() {
    }

    static ObjectNode text(String text) {
        ObjectNode part = Json.object();
        part.put("type", "text");
        part.put("text", text);
        return part;
    }

    static boolean isText(ObjectNode part) {
        return "text".equals(Json.text(part, "type"));
    }

    static ObjectNode image(ContentBlock.Image image, String blockPath) {
        return image(image.sourceType(), image.mediaType(), image.data(), blockPath);
    }

    private static ObjectNode image(String sourceType, String mediaType, String data, String blockPath) {
        String url = switch (sourceType) {
            case "base64" -> "data:" + (mediaType == null ? "image/png" : mediaType) + ";base64," + data;
            case "url" -> data;
            case "file" -> throw Rejections.fileSource(blockPath);
            default -> throw ApiException.invalidRequest(blockPath + ".source.type: image source type '" + sourceType
                    + "' cannot be sent to an OpenAI-compatible backend");
        };
        ObjectNode part = Json.object();
        part.put("type", "image_url");
        part.putObject("image_url").put("url", url);
        return part;
    }

    /**
     * A document as parts: text documents become one text part (titled), content documents their text
     * and images, PDFs a {@code file} part where the backend reads PDFs. Anything else is refused rather
     * than silently dropped, so the model never answers about a document it did not see.
     */
    static List<ObjectNode> document(ContentBlock.Document document, String blockPath, OpenAiFlavor flavor) {
        return switch (document.sourceType()) {
            case "text" -> List.of(text(titled(document.title(), document.data() == null ? "" : document.data())));
            case "content" -> contentDocument(document, blockPath);
            case "base64" -> List.of(pdf(document, blockPath, flavor));
            case "file" -> throw Rejections.fileSource(blockPath);
            case "url" -> throw Rejections.unsupportedDocument(blockPath, "a document URL", flavor);
            default -> throw Rejections.unsupportedDocument(blockPath,
                    "a document with source type '" + document.sourceType() + "'", flavor);
        };
    }

    private static List<ObjectNode> contentDocument(ContentBlock.Document document, String blockPath) {
        JsonNode source = document.raw().get("source");
        JsonNode items = source == null ? null : source.get("content");
        List<String> texts = new ArrayList<>();
        List<ObjectNode> images = new ArrayList<>();
        if (items != null && items.isString()) {
            texts.add(items.stringValue());
        } else if (items != null && items.isArray()) {
            for (int i = 0; i < items.size(); i++) {
                JsonNode item = items.get(i);
                String itemPath = blockPath + ".source.content." + i;
                String type = Json.text(item, "type");
                if ("text".equals(type)) {
                    texts.add(Json.text(item, "text") == null ? "" : Json.text(item, "text"));
                } else if ("image".equals(type) && item.get("source") != null) {
                    images.add(contentImage(item.get("source"), itemPath));
                } else {
                    throw Rejections.unknownBlock(itemPath, String.valueOf(type));
                }
            }
        }
        List<ObjectNode> parts = new ArrayList<>();
        String body = String.join("\n", texts);
        if (!body.isEmpty() || document.title() != null) {
            parts.add(text(titled(document.title(), body)));
        }
        parts.addAll(images);
        return parts;
    }

    /** An image inside a content document: raw JSON, since the parser keeps such documents unparsed. */
    private static ObjectNode contentImage(JsonNode source, String itemPath) {
        String sourceType = String.valueOf(Json.text(source, "type"));
        String data = Json.text(source, "url".equals(sourceType) ? "url" : "data");
        if (data == null && (sourceType.equals("base64") || sourceType.equals("url"))) {
            throw ApiException.invalidRequest(itemPath + ".source: Field required (data or url)");
        }
        return image(sourceType, Json.text(source, "media_type"), data, itemPath);
    }

    private static ObjectNode pdf(ContentBlock.Document document, String blockPath, OpenAiFlavor flavor) {
        if (!flavor.acceptsPdfFiles()) {
            throw Rejections.unsupportedDocument(blockPath, "a PDF document", flavor);
        }
        String mediaType = document.mediaType() == null ? PDF : document.mediaType();
        ObjectNode part = Json.object();
        part.put("type", "file");
        ObjectNode file = part.putObject("file");
        file.put("filename", pdfFilename(document.title()));
        file.put("file_data", "data:" + mediaType + ";base64," + document.data());
        return part;
    }

    private static String pdfFilename(String title) {
        if (title == null || title.isBlank()) {
            return "document.pdf";
        }
        return title.toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? title : title + ".pdf";
    }

    private static String titled(String title, String body) {
        return title == null || title.isBlank() ? body : title + "\n\n" + body;
    }

    static String searchResult(ContentBlock.SearchResult result) {
        List<String> lines = new ArrayList<>();
        lines.add("Search result: " + (result.title() == null ? "(untitled)" : result.title()));
        if (result.source() != null) {
            lines.add("Source: " + result.source());
        }
        for (ContentBlock block : result.content()) {
            if (block instanceof ContentBlock.Text text) {
                lines.add(text.text());
            }
        }
        return String.join("\n", lines);
    }

    /** What a ToolSearch hit means once the tool's definition is in {@code tools}. */
    static String toolLoaded(ContentBlock.ToolReference reference) {
        return "Tool " + reference.toolName() + " loaded: it is now available to call.";
    }
}
