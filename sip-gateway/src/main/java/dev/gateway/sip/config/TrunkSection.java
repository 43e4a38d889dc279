package dev.gateway.sip.config;

import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.sip.config.ConfigNode.Item;
import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.DestinationList;
import dev.gateway.sip.trunk.DialPolicy;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.Transport;
import dev.gateway.sip.trunk.TrunkDefaults;
import dev.gateway.sip.trunk.TrunkPreset;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads {@code trunks.inbound[]} and {@code trunks.outbound[]} in the shapes of LiveKit's {@code lk sip inbound
 * create} / {@code lk sip outbound create} files: wrapped ({@code {"trunk": {...}}}) or bare, snake_case or
 * lowerCamelCase. Stateless; used by {@link ConfigLoader} only.
 */
final class TrunkSection {

    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 \\-.()]*");
    private static final Pattern USER_PART = Pattern.compile("[A-Za-z0-9\\-_.!~*'()&=+$,;?/%]+");

    private TrunkSection() {
    }

    static List<InboundTrunk> inbound(List<ConfigNode> items) throws ConfigException {
        List<InboundTrunk> out = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode t = items.get(i).unwrap("trunk");
            String name = t.string("", "name");
            String id = t.string(null, "sip_trunk_id", "sipTrunkId");
            String metadata = t.string("", "metadata");
            List<Item> numbers = t.strings("numbers");
            List<Item> addresses = t.strings("allowed_addresses", "allowedAddresses");
            List<Item> callers = t.strings("allowed_numbers", "allowedNumbers");
            String user = t.string("", "auth_username", "authUsername");
            String password = t.string("", "auth_password", "authPassword");
            Map<String, String> headersToAttributes = t.stringMap("headers_to_attributes", "headersToAttributes");
            String preset = t.string(null, "preset");
            MediaEncryption encryption = mediaEncryption(t, t.get("media_encryption", "mediaEncryption"));
            t.ignore("include_headers", "includeHeaders");
            DestinationList transfers = destinations(t, "allowed_transfer_destinations", "allowedTransferDestinations");
            t.finish();

            Set<Cidr> cidrs = new LinkedHashSet<>();
            for (Item a : addresses) {
                try {
                    cidrs.add(Cidr.parse(a.value()));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(a.path(), "not an IP address or CIDR block: " + e.getMessage());
                }
            }
            if (preset != null) {
                TrunkPreset p = TrunkPreset.byName(preset).orElseThrow(() -> new ConfigException(t.child("preset"),
                        "unknown preset '" + preset + "' (known: twilio)"));
                cidrs.addAll(p.ranges());
            }
            checkAuth(t, user, password);
            id = uniqueId(ids, t, id != null ? id : generatedId("ST_", name + ":" + i), "sip_trunk_id", "sipTrunkId");
            out.add(new InboundTrunk(id, name, metadata, numbers(numbers), List.copyOf(cidrs), numbers(callers),
                    user, password, headersToAttributes, transfers, encryption));
        }
        return out;
    }

    static List<OutboundTrunk> outbound(List<ConfigNode> items) throws ConfigException {
        List<OutboundTrunk> out = new ArrayList<>();
        Map<String, String> ids = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            ConfigNode t = items.get(i).unwrap("trunk");
            String name = t.string("", "name");
            String id = t.string(null, "sip_trunk_id", "sipTrunkId");
            String metadata = t.string("", "metadata");
            String address = t.string(null, "address");
            JsonNode transportNode = t.get("transport");
            List<Item> numbers = t.strings("numbers");
            String user = t.string("", "auth_username", "authUsername");
            String password = t.string("", "auth_password", "authPassword");
            Map<String, String> headers = t.stringMap("headers");
            MediaEncryption encryption = mediaEncryption(t, t.get("media_encryption", "mediaEncryption"));
            t.ignore("include_headers", "includeHeaders");
            DialPolicy dialPolicy = new DialPolicy(destinations(t, "allowed_destinations", "allowedDestinations"),
                    cap(t, "max_concurrent_calls", "maxConcurrentCalls"),
                    cap(t, "max_calls_per_minute", "maxCallsPerMinute"));
            t.finish();

            if (address == null || address.isBlank()) {
                throw new ConfigException(t.child("address"), "required (host[:port] of the provider)");
            }
            try {
                OutboundTrunk.hostPort(address);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(t.child("address"), e.getMessage());
            }
            Transport transport = transport(t, transportNode);
            if (numbers.isEmpty()) {
                throw new ConfigException(t.pathOf("numbers"), "required: at least one number to call from");
            }
            checkAuth(t, user, password);
            id = uniqueId(ids, t, id != null ? id : generatedId("ST_", "outbound:" + name + ":" + i),
                    "sip_trunk_id", "sipTrunkId");
            out.add(new OutboundTrunk(id, name, metadata, address.strip(), transport, numbers(numbers), user,
                    password, headers, dialPolicy, encryption));
        }
        return out;
    }

    /** {@code trunks.defaults}: the toll-fraud fields of both trunk kinds, for trunks that set none. */
    static TrunkDefaults defaults(ConfigNode t) throws ConfigException {
        DialPolicy dialPolicy = new DialPolicy(destinations(t, "allowed_destinations", "allowedDestinations"),
                cap(t, "max_concurrent_calls", "maxConcurrentCalls"), cap(t, "max_calls_per_minute", "maxCallsPerMinute"));
        DestinationList transfers = destinations(t, "allowed_transfer_destinations", "allowedTransferDestinations");
        t.finish();
        return new TrunkDefaults(dialPolicy, transfers);
    }

    /** A destination allow-list: absent = {@link DestinationList#UNRESTRICTED}, {@code []} = nothing allowed. */
    private static DestinationList destinations(ConfigNode t, String... names) throws ConfigException {
        if (!t.has(names)) {
            return DestinationList.UNRESTRICTED;
        }
        List<String> patterns = new ArrayList<>();
        for (Item p : t.strings(names)) {
            try {
                DestinationList.parse(List.of(p.value()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(p.path(), e.getMessage() + " (write +1*, +4420*, +15105550100, "
                        + "*@pbx.example.com or *)");
            }
            patterns.add(p.value());
        }
        return DestinationList.parse(patterns);
    }

    /** A per-trunk cap: 0 (the default) = none. */
    private static int cap(ConfigNode t, String... names) throws ConfigException {
        int v = t.integer(0, names);
        if (v < 0) {
            throw new ConfigException(t.pathOf(names), "must be 0 (no cap) or more, got " + v);
        }
        return v;
    }

    private static Transport transport(ConfigNode t, JsonNode v) throws ConfigException {
        if (v == null) {
            return Transport.UDP;
        }
        String path = t.child("transport");
        String expected = "expected UDP, TCP, TLS or SIP_TRANSPORT_UDP/TCP/TLS/AUTO";
        if (v.isTextual()) {
            return Transport.parse(v.textValue())
                    .orElseThrow(() -> new ConfigException(path, expected + ", got '" + v.textValue() + "'"));
        }
        if (v.isIntegralNumber() && v.canConvertToInt()) { // protojson also accepts enum numbers
            return Transport.fromProtoNumber(v.intValue())
                    .orElseThrow(() -> new ConfigException(path, expected + ", got " + v.intValue()));
        }
        throw new ConfigException(path, expected + ", got " + ConfigNode.describe(v));
    }

    /**
     * {@code media_encryption}: {@code disable|allow|require} (any case), LiveKit's {@code SIP_MEDIA_ENCRYPT_*}
     * names, or their proto numbers 0/1/2; absent means DISABLE, as in LiveKit.
     */
    private static MediaEncryption mediaEncryption(ConfigNode t, JsonNode v) throws ConfigException {
        if (v == null || v.isNull()) {
            return MediaEncryption.DISABLE;
        }
        String path = t.pathOf("media_encryption", "mediaEncryption");
        String expected = "expected disable, allow or require (or SIP_MEDIA_ENCRYPT_DISABLE/ALLOW/REQUIRE)";
        if (v.isIntegralNumber() && v.canConvertToInt() && v.intValue() >= 0
                && v.intValue() < MediaEncryption.values().length) {
            return MediaEncryption.values()[v.intValue()]; // proto numbers follow the enum's order
        }
        if (v.isTextual()) {
            String name = v.textValue().strip().toUpperCase(Locale.ROOT);
            if (name.startsWith("SIP_MEDIA_ENCRYPT_")) {
                name = name.substring("SIP_MEDIA_ENCRYPT_".length());
            }
            for (MediaEncryption e : MediaEncryption.values()) {
                if (e.name().equals(name)) {
                    return e;
                }
            }
            throw new ConfigException(path, expected + ", got '" + v.textValue() + "'");
        }
        throw new ConfigException(path, expected + ", got " + ConfigNode.describe(v));
    }

    private static void checkAuth(ConfigNode t, String user, String password) throws ConfigException {
        if (!user.isEmpty() && password.isEmpty()) {
            throw new ConfigException(t.pathOf("auth_password", "authPassword"), "required when auth_username is set");
        }
        if (user.isEmpty() && !password.isEmpty()) {
            throw new ConfigException(t.pathOf("auth_username", "authUsername"), "required when auth_password is set");
        }
    }

    /** Validates phone numbers / SIP user parts; returns the values. */
    static List<String> numbers(List<Item> items) throws ConfigException {
        List<String> out = new ArrayList<>();
        for (Item n : items) {
            String v = n.value().strip();
            if (!PHONE.matcher(v).matches() && !USER_PART.matcher(v).matches()) {
                throw new ConfigException(n.path(), "not a phone number or SIP user part: '" + n.value() + "'");
            }
            out.add(v);
        }
        return out;
    }

    static String uniqueId(Map<String, String> seen, ConfigNode t, String id, String... idNames)
            throws ConfigException {
        String previous = seen.putIfAbsent(id, t.path());
        if (previous != null) {
            throw new ConfigException(t.pathOf(idNames), "id '" + id + "' is already used by " + previous);
        }
        return id;
    }

    /** A stable id: prefix + the first 12 hex digits of SHA-256(seed). */
    static String generatedId(String prefix, String seed) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return prefix + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
