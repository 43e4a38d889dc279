package dev.gateway.media.sdp;

import static dev.gateway.media.sdp.SdpException.Kind.MALFORMED;
import static dev.gateway.media.sdp.SdpException.Kind.UNSUPPORTED;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutable scratch for one media description while {@link SdpCodec#parse} reads its lines; {@link #build()} turns
 * it into an immutable {@link MediaDescription}. Confined to one parse call, not thread-safe, never shared.
 */
final class SdpMediaScratch {
    private final String media;
    private final int port;
    private final String protocol;
    private final List<Integer> payloadTypes;
    private final Map<Integer, RtpMap> rtpMaps = new LinkedHashMap<>();
    private final Map<Integer, String> fmtps = new LinkedHashMap<>();
    private final List<String> attributes = new ArrayList<>();
    private MediaDirection direction;
    private Integer ptimeMs;
    private Integer maxPtimeMs;
    private String connection;
    private boolean rtcpMux;

    private SdpMediaScratch(String media, int port, String protocol, List<Integer> payloadTypes) {
        this.media = media;
        this.port = port;
        this.protocol = protocol;
        this.payloadTypes = payloadTypes;
    }

    /**
     * Reads the value of an {@code m=} line (RFC 4566 §5.14): {@code <media> <port>[/<count>] <proto> <fmt> ...}.
     */
    static SdpMediaScratch ofMediaLine(String value, int number, String line) throws SdpException {
        String[] f = value.strip().split("\\s+");
        if (f.length < 3) {
            throw new SdpException(MALFORMED, number, line, "m= needs <media> <port> <proto> <fmt> ...");
        }
        if (f.length == 3) {
            throw new SdpException(MALFORMED, number, line, "m= lists no formats");
        }
        String[] portAndCount = f[1].split("/", -1);
        int port = SdpCodec.parseNumber(portAndCount[0], false);
        if (port < 0 || !portAndCount[0].equals(portAndCount[0].strip())) {
            throw new SdpException(MALFORMED, number, line, "port is not a number: '" + f[1] + "'");
        }
        if (port > 65535) {
            throw new SdpException(MALFORMED, number, line, "port out of 0..65535: " + port);
        }
        if (portAndCount.length > 2 || portAndCount.length == 2 && SdpCodec.parseNumber(portAndCount[1], false) < 0) {
            throw new SdpException(MALFORMED, number, line, "bad port count: '" + f[1] + "'");
        }
        if (portAndCount.length == 2 && SdpCodec.parseNumber(portAndCount[1], false) != 1) {
            throw new SdpException(UNSUPPORTED, number, line, "more than one port per stream (RFC 4566 §5.14)");
        }
        String protocol = SdpCodec.canonicalProtocol(f[2]);
        if (!MediaDescription.RTP_PROTOCOLS.contains(protocol)) {
            throw new SdpException(UNSUPPORTED, number, line, "transport " + f[2] + " is not RTP");
        }
        List<Integer> payloadTypes = new ArrayList<>(f.length - 3);
        for (int i = 3; i < f.length; i++) {
            int pt = payloadType(f[i], number, line);
            if (payloadTypes.contains(pt)) {
                throw new SdpException(MALFORMED, number, line, "payload type " + pt + " listed twice");
            }
            payloadTypes.add(pt);
        }
        return new SdpMediaScratch(f[0], port, protocol, payloadTypes);
    }

    private static int payloadType(String token, int number, String line) throws SdpException {
        int pt = SdpCodec.parseNumber(token, false);
        if (pt < 0) {
            throw new SdpException(MALFORMED, number, line, "payload type is not a number: '" + token + "'");
        }
        if (pt > 127) {
            throw new SdpException(MALFORMED, number, line, "payload type out of 0..127: " + pt);
        }
        return pt;
    }

    /** A media-level {@code c=}; with layered multicast several may follow, and the first one wins. */
    void connection(String address) {
        if (connection == null) {
            connection = address;
        }
    }

    /** One {@code a=} value (everything after {@code "a="}), RFC 4566 §6. */
    void attribute(String value, int number, String line) throws SdpException {
        int colon = value.indexOf(':');
        String name = colon < 0 ? value.strip() : value.substring(0, colon).strip();
        String arg = colon < 0 ? "" : value.substring(colon + 1).strip();
        MediaDirection d = colon < 0 ? MediaDirection.ofAttribute(name) : null;
        if (d != null) {
            if (direction != null) {
                throw new SdpException(MALFORMED, number, line, "second direction attribute (RFC 3264 §5.1)");
            }
            direction = d;
            return;
        }
        switch (name) {
            case "rtpmap" -> rtpMap(arg, value, number, line);
            case "fmtp" -> fmtp(arg, value, number, line);
            case "ptime" -> ptimeMs = milliseconds(arg, number, line);
            case "maxptime" -> maxPtimeMs = milliseconds(arg, number, line);
            case "rtcp-mux" -> rtcpMux = true;
            default -> attributes.add(value);
        }
    }

    private void rtpMap(String arg, String value, int number, String line) throws SdpException {
        String[] f = arg.split("\\s+", 2);
        int pt = payloadType(f[0], number, line);
        String[] enc = f.length == 2 ? f[1].strip().split("/", -1) : new String[0];
        if (enc.length < 2 || enc.length > 3 || enc[0].isEmpty()) {
            throw new SdpException(MALFORMED, number, line, "rtpmap needs <pt> <encoding>/<clock rate>[/<channels>]");
        }
        int rate = SdpCodec.parseNumber(enc[1], false);
        int channels = enc.length == 3 ? SdpCodec.parseNumber(enc[2], false) : 1;
        if (rate <= 0 || channels <= 0) {
            throw new SdpException(MALFORMED, number, line, "rtpmap clock rate and channels must be positive numbers");
        }
        if (!payloadTypes.contains(pt)) {
            attributes.add(value); // some peers describe payload types they do not offer; keep, but do not use
        } else if (rtpMaps.putIfAbsent(pt, new RtpMap(pt, enc[0], rate, channels)) != null) {
            throw new SdpException(MALFORMED, number, line, "second rtpmap for payload type " + pt);
        }
    }

    private void fmtp(String arg, String value, int number, String line) throws SdpException {
        String[] f = arg.split("\\s+", 2);
        int pt = payloadType(f[0], number, line);
        if (!payloadTypes.contains(pt)) {
            attributes.add(value);
        } else if (fmtps.putIfAbsent(pt, f.length == 2 ? f[1].strip() : "") != null) {
            throw new SdpException(MALFORMED, number, line, "second fmtp for payload type " + pt);
        }
    }

    private static Integer milliseconds(String arg, int number, String line) throws SdpException {
        int ms = SdpCodec.parseNumber(arg, true);
        if (ms <= 0) {
            throw new SdpException(MALFORMED, number, line, "packet time must be a positive number of ms");
        }
        return ms;
    }

    /** The immutable description; in audio, static payload types without an rtpmap get their RFC 3551 mapping. */
    MediaDescription build() {
        Map<Integer, RtpMap> maps = new LinkedHashMap<>();
        for (int pt : payloadTypes) {
            RtpMap map = rtpMaps.get(pt);
            if (map == null && "audio".equalsIgnoreCase(media)) {
                map = RtpMap.staticAudio(pt);
            }
            if (map != null) {
                maps.put(pt, map);
            }
        }
        return new MediaDescription(media, port, protocol, payloadTypes, maps, fmtps, direction, ptimeMs,
                maxPtimeMs, connection, rtcpMux, attributes);
    }
}
