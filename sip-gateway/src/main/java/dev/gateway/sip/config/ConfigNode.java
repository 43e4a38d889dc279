package dev.gateway.sip.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One JSON/YAML object of the configuration tree, read field by field with its dotted path, so every error can
 * name the exact field. Every name a reader asks for is remembered; {@link #finish()} then rejects the keys nobody
 * asked for, suggesting the closest known name. A field may have aliases ({@code allowed_addresses} /
 * {@code allowedAddresses}, as protojson accepts both); giving two aliases at once is an error. Explicit
 * {@code null} means "use the default". Not thread-safe: a loader-local scratch object.
 */
final class ConfigNode {

    /** A scalar from a list, with the path that names it ({@code ...allowed_addresses[2]}). */
    record Item(String path, String value) {
    }

    private final JsonNode node;
    private final String path;
    private final Set<String> known = new LinkedHashSet<>();

    private ConfigNode(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /** Wraps an object node; null, missing and JSON null become an empty object. */
    static ConfigNode of(JsonNode node, String path) throws ConfigException {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return new ConfigNode(JsonNodeFactory.instance.objectNode(), path);
        }
        if (!node.isObject()) {
            throw new ConfigException(path, "expected an object, got " + describe(node));
        }
        return new ConfigNode(node, path);
    }

    String path() {
        return path;
    }

    String child(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /** The path of whichever alias is present, or of the first alias. */
    String pathOf(String... names) {
        for (String n : names) {
            if (node.has(n)) {
                return child(n);
            }
        }
        return child(names[0]);
    }

    /** True if any alias is present with a non-null value. */
    boolean has(String... names) throws ConfigException {
        return get(names) != null;
    }

    /** The value of the field under any alias; null if absent or null. */
    JsonNode get(String... names) throws ConfigException {
        JsonNode found = null;
        String foundName = null;
        for (String n : names) {
            known.add(n);
            JsonNode v = node.get(n);
            if (v != null) {
                if (foundName != null) {
                    throw new ConfigException(child(n), "given together with '" + foundName + "'; use one");
                }
                found = v;
                foundName = n;
            }
        }
        return found == null || found.isNull() ? null : found;
    }

    /** Marks fields as known and accepted but ignored. */
    void ignore(String... names) {
        known.addAll(List.of(names));
    }

    String string(String def, String... names) throws ConfigException {
        JsonNode v = get(names);
        if (v == null) {
            return def;
        }
        if (!v.isTextual()) {
            throw new ConfigException(pathOf(names), "expected a string, got " + describe(v) + hint(v));
        }
        return v.textValue();
    }

    int integer(int def, String... names) throws ConfigException {
        JsonNode v = get(names);
        if (v == null) {
            return def;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ConfigException(pathOf(names), "expected an integer, got " + describe(v));
        }
        return v.intValue();
    }

    boolean bool(boolean def, String... names) throws ConfigException {
        JsonNode v = get(names);
        if (v == null) {
            return def;
        }
        if (!v.isBoolean()) {
            throw new ConfigException(pathOf(names), "expected true or false, got " + describe(v));
        }
        return v.booleanValue();
    }

    /** A nested object; an empty one when absent. */
    ConfigNode object(String... names) throws ConfigException {
        return of(get(names), pathOf(names));
    }

    /** A list of objects; empty when absent. */
    List<ConfigNode> objects(String... names) throws ConfigException {
        List<ConfigNode> out = new ArrayList<>();
        JsonNode v = list(names);
        for (int i = 0; v != null && i < v.size(); i++) {
            out.add(of(v.get(i), pathOf(names) + "[" + i + "]"));
        }
        return out;
    }

    /** A list of strings; empty when absent. */
    List<Item> strings(String... names) throws ConfigException {
        List<Item> out = new ArrayList<>();
        JsonNode v = list(names);
        for (int i = 0; v != null && i < v.size(); i++) {
            String p = pathOf(names) + "[" + i + "]";
            JsonNode e = v.get(i);
            if (!e.isTextual()) {
                throw new ConfigException(p, "expected a string, got " + describe(e) + hint(e));
            }
            out.add(new Item(p, e.textValue()));
        }
        return out;
    }

    /** A map of string to string; empty when absent. */
    Map<String, String> stringMap(String... names) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        ConfigNode m = object(names);
        for (Iterator<Map.Entry<String, JsonNode>> it = m.node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isTextual()) {
                throw new ConfigException(m.child(e.getKey()), "expected a string, got " + describe(e.getValue()));
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /**
     * LiveKit request files wrap the object ({@code {"trunk": {...}}}); if this node is exactly such a wrapper,
     * returns the inner object, otherwise this node.
     */
    ConfigNode unwrap(String... wrapperNames) throws ConfigException {
        if (node.size() == 1) {
            for (String w : wrapperNames) {
                if (node.has(w) && node.get(w).isObject()) {
                    return of(node.get(w), child(w));
                }
            }
        }
        return this;
    }

    /** Rejects every key not asked for, naming the closest known one. */
    void finish() throws ConfigException {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                String best = closest(key);
                throw new ConfigException(child(key),
                        "unknown field" + (best == null ? "" : " (did you mean '" + best + "'?)"));
            }
        }
    }

    private JsonNode list(String... names) throws ConfigException {
        JsonNode v = get(names);
        if (v != null && !v.isArray()) {
            throw new ConfigException(pathOf(names), "expected a list, got " + describe(v));
        }
        return v;
    }

    private String closest(String key) {
        String k = squash(key);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(k, squash(candidate));
            // Prefer the spelling (snake or camel) the user was writing in.
            boolean sameStyle = key.contains("_") == candidate.contains("_");
            int score = d * 2 + (sameStyle ? 0 : 1);
            if (d <= Math.max(2, key.length() / 3) && score < bestDistance) {
                best = candidate;
                bestDistance = score;
            }
        }
        return best;
    }

    private static String squash(String s) {
        return s.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static String describe(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string \"" + v.textValue() + "\"";
            case NUMBER -> "a number " + v.asText();
            case BOOLEAN -> "a boolean " + v.asText();
            case OBJECT, POJO -> "an object";
            case ARRAY -> "a list";
            default -> v.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** YAML reads an unquoted {@code +15550100} as a number and drops the '+': say so. */
    private static String hint(JsonNode v) {
        return v.isNumber() ? " (quote phone numbers and other text in YAML)" : "";
    }
}
