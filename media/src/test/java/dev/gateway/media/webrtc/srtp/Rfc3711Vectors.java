package dev.gateway.media.webrtc.srtp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Reads {@code vectors/rfc3711/*.txt}: {@code name = hex} entries, hex continued on following lines that have no
 * {@code =}, '#' comments. See the README there for sources.
 */
final class Rfc3711Vectors {

    private final Map<String, byte[]> values;

    private Rfc3711Vectors(Map<String, byte[]> values) {
        this.values = values;
    }

    static Rfc3711Vectors load(String file) {
        try (InputStream in = Rfc3711Vectors.class.getResourceAsStream("/vectors/rfc3711/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector file " + file);
            }
            Map<String, StringBuilder> hex = new HashMap<>();
            StringBuilder current = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) {
                    continue;
                }
                int eq = s.indexOf('=');
                if (eq >= 0) {
                    current = new StringBuilder();
                    hex.put(s.substring(0, eq).strip(), current);
                    s = s.substring(eq + 1);
                }
                current.append(s.replaceAll("\\s", ""));
            }
            Map<String, byte[]> values = new HashMap<>();
            hex.forEach((k, v) -> values.put(k, HexFormat.of().parseHex(v)));
            return new Rfc3711Vectors(values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte[] get(String name) {
        byte[] v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no vector " + name);
        }
        return v.clone();
    }
}
