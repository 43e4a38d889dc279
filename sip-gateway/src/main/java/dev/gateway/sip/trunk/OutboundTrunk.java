package dev.gateway.sip.trunk;

import dev.gateway.media.sdp.MediaEncryption;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An outbound (termination) trunk: where our outgoing calls go, as LiveKit's {@code SIPOutboundTrunkInfo}.
 * Immutable and thread-safe; {@link #toString()} hides the password.
 *
 * @param id           {@code sip_trunk_id}, never null
 * @param name         human-readable name, may be empty
 * @param metadata     opaque operator data, may be empty
 * @param address      {@code host[:port]} of the provider, e.g. {@code example.pstn.twilio.com}; IPv6 in brackets
 * @param transport    SIP transport to use
 * @param numbers      caller numbers we may present (non-empty)
 * @param authUsername digest user for 401/407 challenges, empty = none
 * @param authPassword digest password, empty exactly when {@code authUsername} is empty
 * @param headers      extra SIP headers added to each INVITE
 * @param dialPolicy   destinations this trunk may reach and its call caps (gateway config only: LiveKit's
 *                     {@code SIPOutboundTrunkInfo} has no such fields); {@link DialPolicy#OPEN} when unset
 * @param mediaEncryption SDES-SRTP on the phone leg ({@code media_encryption}): DISABLE offers RTP/AVP, ALLOW and
 *                     REQUIRE offer RTP/SAVP with keys; REQUIRE refuses a plain answer
 */
public record OutboundTrunk(String id, String name, String metadata, String address, Transport transport,
                            List<String> numbers, String authUsername, String authPassword,
                            Map<String, String> headers, DialPolicy dialPolicy, MediaEncryption mediaEncryption) {

    /** A trunk with {@link DialPolicy#OPEN} and {@code media_encryption} DISABLE (LiveKit's default). */
    public OutboundTrunk(String id, String name, String metadata, String address, Transport transport,
                         List<String> numbers, String authUsername, String authPassword, Map<String, String> headers) {
        this(id, name, metadata, address, transport, numbers, authUsername, authPassword, headers, DialPolicy.OPEN,
                MediaEncryption.DISABLE);
    }

    /** A trunk with {@code media_encryption} DISABLE. */
    public OutboundTrunk(String id, String name, String metadata, String address, Transport transport,
                         List<String> numbers, String authUsername, String authPassword, Map<String, String> headers,
                         DialPolicy dialPolicy) {
        this(id, name, metadata, address, transport, numbers, authUsername, authPassword, headers, dialPolicy,
                MediaEncryption.DISABLE);
    }

    /** A trunk with {@link DialPolicy#OPEN}. */
    public OutboundTrunk(String id, String name, String metadata, String address, Transport transport,
                         List<String> numbers, String authUsername, String authPassword, Map<String, String> headers,
                         MediaEncryption mediaEncryption) {
        this(id, name, metadata, address, transport, numbers, authUsername, authPassword, headers, DialPolicy.OPEN,
                mediaEncryption);
    }

    public OutboundTrunk {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(transport, "transport");
        name = Objects.requireNonNullElse(name, "");
        metadata = Objects.requireNonNullElse(metadata, "");
        numbers = List.copyOf(numbers);
        authUsername = Objects.requireNonNullElse(authUsername, "");
        authPassword = Objects.requireNonNullElse(authPassword, "");
        headers = Map.copyOf(headers);
        dialPolicy = Objects.requireNonNullElse(dialPolicy, DialPolicy.OPEN);
        mediaEncryption = Objects.requireNonNullElse(mediaEncryption, MediaEncryption.DISABLE);
        if (numbers.isEmpty()) {
            throw new IllegalArgumentException("numbers must not be empty");
        }
        if (authUsername.isEmpty() != authPassword.isEmpty()) {
            throw new IllegalArgumentException("auth_username and auth_password must be set together");
        }
        hostPort(address); // validates
    }

    /** A name for logs and refusals: the name, or the id when the name is empty. */
    public String displayName() {
        return name.isEmpty() ? id : name;
    }

    /** The host part of {@link #address()} (brackets of an IPv6 literal removed). */
    public String host() {
        return hostPort(address)[0];
    }

    /** The port of {@link #address()}, or 5061 for TLS / 5060 otherwise when none is given. */
    public int port() {
        String p = hostPort(address)[1];
        return p != null ? Integer.parseInt(p) : transport == Transport.TLS ? 5061 : 5060;
    }

    /**
     * Splits {@code host[:port]}; {@code [v6]:port} for IPv6.
     *
     * @return {host, port or null}
     * @throws IllegalArgumentException with the reason
     */
    public static String[] hostPort(String address) {
        String a = address.strip();
        String host;
        String port = null;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("unclosed '[' in '" + address + "'");
            }
            host = a.substring(1, end);
            if (!Cidr.isAddressLiteral(host)) {
                throw new IllegalArgumentException("not an IPv6 address in '" + address + "'");
            }
            String rest = a.substring(end + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected host[:port], got '" + address + "'");
                }
                port = rest.substring(1);
            }
        } else {
            int colon = a.indexOf(':');
            if (colon >= 0 && a.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("put an IPv6 address in brackets: '[" + a + "]'");
            }
            host = colon < 0 ? a : a.substring(0, colon);
            port = colon < 0 ? null : a.substring(colon + 1);
            if (!HostName.isValid(host) && !Cidr.isAddressLiteral(host)) {
                throw new IllegalArgumentException("not a host name or IP address: '" + host + "'");
            }
        }
        if (port != null) {
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                throw new IllegalArgumentException("port must be 1..65535 in '" + address + "'");
            }
        }
        return new String[] {host, port};
    }

    @Override
    public String toString() {
        return "OutboundTrunk[id=" + id + ", name=" + name + ", address=" + address + ", transport=" + transport
                + ", numbers=" + numbers + ", authUsername=" + authUsername + ", authPassword="
                + (authPassword.isEmpty() ? "" : "***") + ", dialPolicy=" + dialPolicy + ", mediaEncryption="
                + mediaEncryption + "]";
    }
}
