package dev.gateway.media.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads hex test vectors from {@code src/test/resources/vectors/}. Lines starting with '#' are comments. */
public final class Vectors {

    private Vectors() {
    }

    /** Reads {@code /vectors/<path>} and decodes its hex digits, ignoring whitespace and '#' comment lines. */
    public static byte[] hex(String path) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + path);
            }
            StringBuilder digits = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (!line.startsWith("#")) {
                    digits.append(line.replaceAll("\\s", ""));
                }
            }
            return parseHex(digits.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes a hex string; whitespace is ignored. */
    public static byte[] parseHex(String hex) {
        String s = hex.replaceAll("\\s", "");
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("odd hex length " + s.length());
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
