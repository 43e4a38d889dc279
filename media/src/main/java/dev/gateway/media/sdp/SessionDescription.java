package dev.gateway.media.sdp;

import java.util.List;
import java.util.Objects;

/**
 * A parsed SDP session description (RFC 4566 §5): the {@code o=}, {@code s=} and {@code c=} lines, session-level
 * attributes and the media descriptions. Timing ({@code t=}) is always {@code 0 0} in SIP (RFC 3264 §5) and is
 * not kept; bandwidth, information, URI, e-mail, phone and key lines are skipped by the parser.
 *
 * <pre>
 * o=&lt;username&gt; &lt;sess-id&gt; &lt;sess-version&gt; &lt;nettype&gt; &lt;addrtype&gt; &lt;unicast-address&gt;
 * </pre>
 *
 * <p>Immutable (lists are unmodifiable copies) and thread-safe.
 *
 * @param version           protocol version, always 0 (RFC 4566 §5.1)
 * @param originUsername    {@code o=} username, {@code "-"} when the writer has none
 * @param sessionId         {@code o=} session id as written (a numeric string that may exceed a {@code long})
 * @param sessionVersion    {@code o=} session version as written
 * @param originNetType     {@code o=} network type, {@code "IN"}
 * @param originAddrType    {@code o=} address type, {@code "IP4"} or {@code "IP6"}
 * @param originAddress     {@code o=} unicast address or host name
 * @param sessionName       {@code s=} text, {@code "-"} when the writer had none
 * @param connectionAddress address of the session-level {@code c=} line, or {@code null} when absent
 * @param direction         session-level direction attribute, or {@code null} when absent
 * @param media             the media descriptions in order
 * @param attributes        every other session-level attribute in order, as {@code "name"} or {@code "name:value"}
 */
public record SessionDescription(int version, String originUsername, String sessionId, String sessionVersion,
        String originNetType, String originAddrType, String originAddress, String sessionName,
        String connectionAddress, MediaDirection direction, List<MediaDescription> media, List<String> attributes) {

    public SessionDescription {
        if (version != 0) {
            throw new IllegalArgumentException("only SDP version 0 exists: " + version);
        }
        token(originUsername, "originUsername");
        token(sessionId, "sessionId");
        token(sessionVersion, "sessionVersion");
        token(originNetType, "originNetType");
        token(originAddrType, "originAddrType");
        token(originAddress, "originAddress");
        Objects.requireNonNull(sessionName, "sessionName");
        if (sessionName.isEmpty() || sessionName.contains("\r") || sessionName.contains("\n")) {
            throw new IllegalArgumentException("session name must be one non-empty line");
        }
        if (connectionAddress != null) {
            token(connectionAddress, "connectionAddress");
        }
        media = List.copyOf(media);
        attributes = List.copyOf(attributes);
    }

    private static void token(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException(name + " must be one non-empty token: '" + value + "'");
        }
    }
}
