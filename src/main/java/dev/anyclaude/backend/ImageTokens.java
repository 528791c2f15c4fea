package dev.anyclaude.backend;

import java.util.Base64;

/**
 * Image token estimate from pixel size, as Anthropic documents it: an image whose long edge is over 1568 px is
 * scaled down to 1568 px, then costs about {@code width * height / 750} tokens, at most about 1600 (bigger
 * images are scaled down further). Vision models behind OpenAI-compatible servers land close to that: Qwen-VL
 * cuts images into 28x28-pixel patches, about {@code width * height / 784} tokens.
 *
 * <p>The size comes from the file header only (PNG, JPEG, GIF, WebP); the image is never decoded. An image whose
 * size cannot be read (a URL, a file id, an unknown or broken format) counts as the cap, because
 * over-counting is the safe side.
 */
final class ImageTokens {

    /** Anthropic scales the long edge down to this before counting. */
    static final int MAX_LONG_EDGE = 1568;
    static final int PIXELS_PER_TOKEN = 750;
    /** The most an image costs (Anthropic: "about 1600 tokens"); also the cost of an image of unknown size. */
    static final int MAX_TOKENS = 1600;

    /**
     * Base64 characters decoded to find the size: PNG, GIF and WebP have it in the first 30 bytes, JPEG after
     * the EXIF and ICC segments, which are rarely bigger than this (96 KB decoded).
     */
    private static final int HEADER_BASE64_CHARS = 128 * 1024;

    record Size(int width, int height) {
    }

    private ImageTokens() {
    }

    /** Tokens for a base64 image payload (with or without a {@code data:} URL prefix). */
    static long ofBase64(String base64) {
        Size size = sizeOfBase64(base64);
        return size == null ? MAX_TOKENS : ofSize(size.width(), size.height());
    }

    static long ofSize(int width, int height) {
        if (width <= 0 || height <= 0) {
            return MAX_TOKENS;
        }
        double scale = Math.min(1.0, (double) MAX_LONG_EDGE / Math.max(width, height));
        double pixels = (width * scale) * (height * scale);
        long tokens = (long) Math.ceil(pixels / PIXELS_PER_TOKEN);
        return Math.clamp(tokens, 1, MAX_TOKENS);
    }

    /** The pixel size from the image header, or null when it cannot be read. */
    static Size sizeOfBase64(String base64) {
        if (base64 == null || base64.isEmpty()) {
            return null;
        }
        int start = base64.startsWith("data:") ? base64.indexOf(',') + 1 : 0;
        int end = Math.min(base64.length(), start + HEADER_BASE64_CHARS);
        end = start + ((end - start) / 4) * 4; // whole base64 quanta only, so a cut prefix still decodes
        try {
            return sizeOf(Base64.getMimeDecoder().decode(base64.substring(start, end)));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** The pixel size from the first bytes of a PNG, JPEG, GIF or WebP file, or null. */
    static Size sizeOf(byte[] b) {
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G') && b.length >= 24) {
            return new Size(int32be(b, 16), int32be(b, 20)); // IHDR is always the first chunk
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8') && b.length >= 10) {
            return new Size(int16le(b, 6), int16le(b, 8)); // logical screen size
        }
        if (startsWith(b, 0, 0xFF, 0xD8)) {
            return jpegSize(b);
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return webpSize(b);
        }
        return null;
    }

    /** Walks the JPEG segments up to the first start-of-frame marker, which holds height and width. */
    private static Size jpegSize(byte[] b) {
        int i = 2;
        while (i + 3 < b.length) {
            if ((b[i] & 0xFF) != 0xFF) {
                return null; // lost sync: not a well-formed header
            }
            int marker = b[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++; // fill byte
                continue;
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) {
                i += 2; // markers without a length
                continue;
            }
            int length = int16be(b, i + 2);
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF
                    && marker != 0xC4 && marker != 0xC8 && marker != 0xCC; // DHT, JPG, DAC are not frames
            if (startOfFrame) {
                return i + 8 < b.length ? new Size(int16be(b, i + 7), int16be(b, i + 5)) : null;
            }
            if (length < 2) {
                return null;
            }
            i += 2 + length;
        }
        return null;
    }

    private static Size webpSize(byte[] b) {
        if (b.length < 30) {
            return null;
        }
        if (startsWith(b, 12, 'V', 'P', '8', ' ')) { // lossy: 14-bit sizes after the frame start code
            return new Size(int16le(b, 26) & 0x3FFF, int16le(b, 28) & 0x3FFF);
        }
        if (startsWith(b, 12, 'V', 'P', '8', 'L')) { // lossless: 14 bits each of width-1 and height-1
            int bits = (b[21] & 0xFF) | (b[22] & 0xFF) << 8 | (b[23] & 0xFF) << 16 | (b[24] & 0xFF) << 24;
            return new Size((bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
        }
        if (startsWith(b, 12, 'V', 'P', '8', 'X')) { // extended: 24-bit canvas width-1 and height-1
            return new Size(int24le(b, 24) + 1, int24le(b, 27) + 1);
        }
        return null;
    }

    private static boolean startsWith(byte[] b, int offset, int... expected) {
        if (b.length < offset + expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if ((b[offset + i] & 0xFF) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int int32be(byte[] b, int i) {
        return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8 | (b[i + 3] & 0xFF);
    }

    private static int int16be(byte[] b, int i) {
        return (b[i] & 0xFF) << 8 | (b[i + 1] & 0xFF);
    }

    private static int int16le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8;
    }

    private static int int24le(byte[] b, int i) {
        return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16;
    }
}
