package dev.gateway.media.sdp;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One media description of a session description: an {@code m=} line and the lines that follow it up to the next
 * {@code m=} (RFC 4566 §5.14). Only RTP transports are represented; the formats are RTP payload types.
 *
 * <pre>
 * m=&lt;media&gt; &lt;port&gt; &lt;proto&gt; &lt;fmt&gt; ...
 * m=audio 10000 RTP/AVP 0 8 101
 * </pre>
 *
 * <p>Immutable (lists and maps are unmodifiable copies, maps keep insertion order) and thread-safe.
 *
 * @param media              media type, for example {@code "audio"} or {@code "video"}
 * @param port               transport port 0..65535; 0 marks a rejected or disabled stream (RFC 3264 §6)
 * @param protocol           transport protocol, one of {@link #RTP_PROTOCOLS}
 * @param payloadTypes       RTP payload types in the order written (the writer's preference), at least one,
 *                           each 0..127, no duplicates
 * @param rtpMaps            payload type to mapping, keys among {@code payloadTypes}; the parser fills the RFC 3551
 *                           static audio types that have no {@code a=rtpmap} line ({@link RtpMap#staticAudio})
 * @param fmtps              payload type to the {@code a=fmtp} parameter string, keys among {@code payloadTypes}
 * @param direction          media-level direction attribute, or {@code null} when absent
 * @param ptimeMs            {@code a=ptime} in milliseconds (RFC 4566 §6), or {@code null} when absent
 * @param maxPtimeMs         {@code a=maxptime} in milliseconds, or {@code null} when absent
 * @param connectionAddress  address of a media-level {@code c=} line, or {@code null} to use the session's
 * @param rtcpMux            whether {@code a=rtcp-mux} (RFC 5761 §5.1.1) is present
 * @param attributes         every other attribute in order, as {@code "name"} or {@code "name:value"}
 */
public record MediaDescription(String media, int port, String protocol, List<Integer> payloadTypes,
        Map<Integer, RtpMap> rtpMaps, Map<Integer, String> fmtps, MediaDirection direction, Integer ptimeMs,
        Integer maxPtimeMs, String connectionAddress, boolean rtcpMux, List<String> attributes) {

    /** Plain RTP/AVP (RFC 3551), which {@link OfferAnswer} negotiates next to {@link #RTP_SAVP}. */
    public static final String RTP_AVP = "RTP/AVP";

    /** Secure RTP (RFC 3711 §12), keyed here by SDES {@code a=crypto} lines (RFC 4568). */
    public static final String RTP_SAVP = "RTP/SAVP";

    /** The transports the parser accepts: RTP/AVP, RTP/AVPF, RTP/SAVP, RTP/SAVPF and UDP/TLS/RTP/SAVPF. */
    public static final Set<String> RTP_PROTOCOLS =
            Set.of(RTP_AVP, "RTP/AVPF", RTP_SAVP, "RTP/SAVPF", "UDP/TLS/RTP/SAVPF");

    public MediaDescription {
        Objects.requireNonNull(media, "media");
        if (media.isBlank() || media.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bad media type: '" + media + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of 0..65535: " + port);
        }
        if (!RTP_PROTOCOLS.contains(Objects.requireNonNull(protocol, "protocol"))) {
            throw new IllegalArgumentException("not an RTP protocol: " + protocol);
        }
        payloadTypes = List.copyOf(payloadTypes);
        if (payloadTypes.isEmpty()) {
            throw new IllegalArgumentException("at least one payload type is required");
        }
        if (Set.copyOf(payloadTypes).size() != payloadTypes.size()) {
            throw new IllegalArgumentException("duplicate payload type in " + payloadTypes);
        }
        for (int pt : payloadTypes) {
            if (pt < 0 || pt > 127) {
                throw new IllegalArgumentException("payload type out of 0..127: " + pt);
            }
        }
        rtpMaps = copyOrdered(rtpMaps, payloadTypes, "rtpmap");
        rtpMaps.forEach((pt, map) -> {
            if (map.payloadType() != pt) {
                throw new IllegalArgumentException("rtpmap key " + pt + " holds payload type " + map.payloadType());
            }
        });
        fmtps = copyOrdered(fmtps, payloadTypes, "fmtp");
        if (ptimeMs != null && ptimeMs <= 0) {
            throw new IllegalArgumentException("ptime must be > 0 ms: " + ptimeMs);
        }
        if (maxPtimeMs != null && maxPtimeMs <= 0) {
            throw new IllegalArgumentException("maxptime must be > 0 ms: " + maxPtimeMs);
        }
        if (connectionAddress != null && connectionAddress.isBlank()) {
            throw new IllegalArgumentException("connection address must be null or non-blank");
        }
        attributes = List.copyOf(attributes);
    }

    /** Copies a payload-type keyed map into offer order, rejecting keys the m= line does not list. */
    private static <V> Map<Integer, V> copyOrdered(Map<Integer, V> in, List<Integer> order, String what) {
        Objects.requireNonNull(in, what);
        for (Integer key : in.keySet()) {
            if (!order.contains(key)) {
                throw new IllegalArgumentException(what + " for payload type " + key + " not on the m= line");
            }
        }
        LinkedHashMap<Integer, V> out = new LinkedHashMap<>();
        for (Integer pt : order) {
            V value = in.get(pt);
            if (value != null) {
                out.put(pt, value);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** The mapping of a payload type, or {@code null} when it is dynamic and has no {@code a=rtpmap}. */
    public RtpMap rtpMap(int payloadType) {
        return rtpMaps.get(payloadType);
    }

    /** Whether this stream was rejected or disabled (port 0, RFC 3264 §6). */
    public boolean rejected() {
        return port == 0;
    }
}
