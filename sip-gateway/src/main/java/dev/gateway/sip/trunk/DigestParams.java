package dev.gateway.sip.trunk;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parsed {@code Digest k=v, k="v", ...} credentials or challenge (RFC 7616 §3.3-3.4, RFC 3261 §25.1 syntax).
 * Parameter names are lower-cased; quoted strings may hold commas and backslash escapes. Immutable.
 *
 * @param scheme the auth scheme as sent, e.g. {@code Digest}
 * @param params lower-case name to unquoted value
 */
record DigestParams(String scheme, Map<String, String> params) {

    DigestParams {
        params = Map.copyOf(params);
    }

    String get(String name) {
        return params.get(name);
    }

    /**
     * Parses a header value.
     *
     * @throws IllegalArgumentException if the syntax is broken (unterminated quote, missing '=', ...)
     */
    static DigestParams parse(String value) {
        String s = value.strip();
        int i = 0;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        String scheme = s.substring(0, i);
        if (scheme.isEmpty() || scheme.indexOf('=') >= 0) {
            throw new IllegalArgumentException("missing auth scheme");
        }
        Map<String, String> params = new LinkedHashMap<>();
        int n = s.length();
        while (true) {
            i = skipSpaces(s, i);
            if (i >= n) {
                break;
            }
            int nameStart = i;
            while (i < n && s.charAt(i) != '=' && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipSpaces(s, i);
            if (name.isEmpty() || i >= n || s.charAt(i) != '=') {
                throw new IllegalArgumentException("expected name=value at offset " + nameStart);
            }
            i = skipSpaces(s, i + 1);
            String val;
            if (i < n && s.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        b.append(s.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        b.append(c);
                    }
                }
                if (!closed) {
                    throw new IllegalArgumentException("unterminated quoted string for " + name);
                }
                val = b.toString();
            } else {
                int start = i;
                while (i < n && s.charAt(i) != ',') {
                    i++;
                }
                val = s.substring(start, i).strip();
            }
            if (params.putIfAbsent(name, val) != null) {
                throw new IllegalArgumentException("duplicate parameter " + name);
            }
            i = skipSpaces(s, i);
            if (i < n) {
                if (s.charAt(i) != ',') {
                    throw new IllegalArgumentException("expected ',' at offset " + i);
                }
                i++;
            }
        }
        return new DigestParams(scheme, params);
    }

    private static int skipSpaces(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Quotes a value for a header, escaping '"' and '\'. */
    static String quote(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
