package dev.gateway.media.sdp;

import static dev.gateway.media.sdp.SdpException.Kind.MALFORMED;
import static dev.gateway.media.sdp.SdpException.Kind.UNSUPPORTED;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Text to {@link SessionDescription} and back (RFC 4566). Pure functions: stateless and thread-safe.
 *
 * <pre>
 * v=0                                          §5.1  required, first
 * o=- 4858 4858 IN IP4 203.0.113.1            §5.2  required
 * s=-                                          §5.3
 * c=IN IP4 203.0.113.1                         §5.7  session level, or in every m= section
 * t=0 0                                        §5.9  not kept
 * a=sendrecv                                   §5.13 session-level attributes
 * m=audio 10000 RTP/AVP 0 8 101                §5.14 media descriptions, each with its own c= and a= lines
 * a=rtpmap:101 telephone-event/8000
 * </pre>
 *
 * <p>The parser is tolerant where peers differ harmlessly: {@code \n} or {@code \r\n} line endings, trailing
 * whitespace, blank lines, lines of types it does not use ({@code t b i u e p k r z} or unknown letters, skipped) and
 * unknown attributes (kept in order). It is strict where a wrong guess would send audio astray: the first line must be
 * {@code v=0}; {@code o=} must be present with six fields; {@code c=} must be {@code IN IP4|IP6 <address>};
 * {@code m=} needs a numeric port in 0..65535, an RTP transport and at least one numeric payload type;
 * {@code rtpmap}, {@code fmtp}, {@code ptime} and {@code maxptime} values must be well formed.
 */
public final class SdpCodec {
    private static final String CRLF = "\r\n";
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,6}(\\.[0-9]{1,6})?");
    private static final Pattern IP4 = Pattern.compile("([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})\\.([0-9]{1,3})");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
    private static final Pattern IP6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private SdpCodec() {
    }

    /**
     * Parses a session description.
     *
     * @param text the SDP body, not null
     * @return the description; static audio payload types without {@code a=rtpmap} get their RFC 3551 mapping
     * @throws SdpException {@link SdpException.Kind#MALFORMED} on a grammar violation,
     *                      {@link SdpException.Kind#UNSUPPORTED} for a version other than 0, a non-RTP transport,
     *                      a network type other than IN or an address type other than IP4/IP6
     */
    public static SessionDescription parse(String text) throws SdpException {
        Objects.requireNonNull(text, "text");
        String[] lines = text.split("\r?\n", -1);
        boolean sawVersion = false;
        String[] origin = null;
        String sessionName = "-";
        String connection = null;
        MediaDirection direction = null;
        List<String> attributes = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        SdpMediaScratch current = null;
        for (int i = 0; i < lines.length; i++) {
            int number = i + 1;
            String line = lines[i].stripTrailing();
            if (line.isEmpty()) {
                continue;
            }
            if (line.length() < 2 || line.charAt(1) != '=' || !Character.isLetter(line.charAt(0))) {
                throw new SdpException(MALFORMED, number, line, "not a <type>=<value> line");
            }
            char type = line.charAt(0);
            String value = line.substring(2);
            if (!sawVersion) {
                if (type != 'v') {
                    throw new SdpException(MALFORMED, number, line, "the first line must be v=");
                }
                if (!DIGITS.matcher(value.strip()).matches()) {
                    throw new SdpException(MALFORMED, number, line, "version is not a number");
                }
                if (!value.strip().equals("0")) {
                    throw new SdpException(UNSUPPORTED, number, line, "only SDP version 0 is defined");
                }
                sawVersion = true;
                continue;
            }
            switch (type) {
                case 'v' -> throw new SdpException(MALFORMED, number, line, "second v= line");
                case 'o' -> {
                    if (origin != null || current != null) {
                        throw new SdpException(MALFORMED, number, line, "o= must appear once, before any m=");
                    }
                    origin = value.strip().split("\\s+");
                    if (origin.length != 6) {
                        throw new SdpException(MALFORMED, number, line,
                                "o= needs <username> <sess-id> <sess-version> <nettype> <addrtype> <address>");
                    }
                }
                case 's' -> {
                    if (current == null && !value.isBlank()) {
                        sessionName = value.strip();
                    }
                }
                case 'c' -> {
                    String address = connectionAddress(value, number, line);
                    if (current != null) {
                        current.connection(address);
                    } else if (connection == null) {
                        connection = address; // further c= lines only occur for layered multicast: first one wins
                    }
                }
                case 'm' -> {
                    if (current != null) {
                        media.add(current.build());
                    }
                    current = SdpMediaScratch.ofMediaLine(value, number, line);
                }
                case 'a' -> {
                    if (current != null) {
                        current.attribute(value, number, line);
                    } else {
                        MediaDirection d = MediaDirection.ofAttribute(value);
                        if (d == null) {
                            attributes.add(value);
                        } else if (direction != null) {
                            throw new SdpException(MALFORMED, number, line, "second direction attribute");
                        } else {
                            direction = d;
                        }
                    }
                }
                default -> {
                    // t= b= i= u= e= p= k= r= z= and unknown types carry nothing this gateway uses (RFC 4566 §5)
                }
            }
        }
        if (!sawVersion) {
            throw SdpException.of(MALFORMED, "missing v= line");
        }
        if (origin == null) {
            throw SdpException.of(MALFORMED, "missing o= line");
        }
        if (current != null) {
            media.add(current.build());
        }
        return new SessionDescription(0, origin[0], origin[1], origin[2], origin[3], origin[4], origin[5],
                sessionName, connection, direction, media, attributes);
    }

    /**
     * Checks the shape of a {@code c=} value (RFC 4566 §5.7) and returns the address without any multicast
     * {@code /ttl} or {@code /count} suffix.
     */
    static String connectionAddress(String value, int number, String line) throws SdpException {
        String[] f = value.strip().split("\\s+");
        if (f.length != 3) {
            throw new SdpException(MALFORMED, number, line, "c= needs <nettype> <addrtype> <address>");
        }
        if (!f[0].equals("IN")) {
            throw new SdpException(UNSUPPORTED, number, line, "network type " + f[0] + " (only IN)");
        }
        int slash = f[2].indexOf('/');
        String address = slash < 0 ? f[2] : f[2].substring(0, slash);
        boolean ok = switch (f[1]) {
            case "IP4" -> validIp4OrHost(address);
            case "IP6" -> IP6.matcher(address).matches() || HOST.matcher(address).matches();
            default -> throw new SdpException(UNSUPPORTED, number, line, "address type " + f[1] + " (only IP4, IP6)");
        };
        if (!ok) {
            throw new SdpException(MALFORMED, number, line, "bad " + f[1] + " address '" + address + "'");
        }
        return address;
    }

    private static boolean validIp4OrHost(String address) {
        var m = IP4.matcher(address);
        if (m.matches()) {
            for (int g = 1; g <= 4; g++) {
                if (Integer.parseInt(m.group(g)) > 255) {
                    return false;
                }
            }
            return true;
        }
        // A name may not look like a number (RFC 1123 §2.1), which also rejects "1.2.3" and "1.2.3.4.5".
        return HOST.matcher(address).matches() && !address.matches("[0-9.]+");
    }

    /**
     * Parses an unsigned decimal field; fractional milliseconds (seen as {@code ptime:20.0}) are rounded.
     *
     * @return the value, or -1 when the text is not a decimal number
     */
    static int parseNumber(String text, boolean allowFraction) {
        String t = text.strip();
        if (DIGITS.matcher(t).matches()) {
            return Integer.parseInt(t);
        }
        if (allowFraction && DECIMAL.matcher(t).matches()) {
            return (int) Math.round(Double.parseDouble(t));
        }
        return -1;
    }

    /**
     * Writes a session description in RFC 4566 §5 order (v, o, s, c, t, a, then each m with its c and a lines) with
     * CRLF line endings. Within a media description the attributes come as rtpmap and fmtp in payload order, ptime,
     * maxptime, direction, rtcp-mux, then the others. Parsing the result yields an equal record.
     */
    public static String format(SessionDescription sd) {
        StringBuilder sb = new StringBuilder(512);
        line(sb, "v=" + sd.version());
        line(sb, "o=" + String.join(" ", sd.originUsername(), sd.sessionId(), sd.sessionVersion(),
                sd.originNetType(), sd.originAddrType(), sd.originAddress()));
        line(sb, "s=" + sd.sessionName());
        if (sd.connectionAddress() != null) {
            line(sb, connectionLine(sd.connectionAddress()));
        }
        line(sb, "t=0 0");
        for (String a : sd.attributes()) {
            line(sb, "a=" + a);
        }
        if (sd.direction() != null) {
            line(sb, "a=" + sd.direction().attribute());
        }
        for (MediaDescription m : sd.media()) {
            StringBuilder mline = new StringBuilder("m=").append(m.media()).append(' ').append(m.port())
                    .append(' ').append(m.protocol());
            m.payloadTypes().forEach(pt -> mline.append(' ').append(pt));
            line(sb, mline.toString());
            if (m.connectionAddress() != null) {
                line(sb, connectionLine(m.connectionAddress()));
            }
            m.rtpMaps().values().forEach(r -> line(sb, "a=rtpmap:" + r.attributeValue()));
            m.fmtps().forEach((pt, p) -> line(sb, p.isEmpty() ? "a=fmtp:" + pt : "a=fmtp:" + pt + " " + p));
            if (m.ptimeMs() != null) {
                line(sb, "a=ptime:" + m.ptimeMs());
            }
            if (m.maxPtimeMs() != null) {
                line(sb, "a=maxptime:" + m.maxPtimeMs());
            }
            if (m.direction() != null) {
                line(sb, "a=" + m.direction().attribute());
            }
            if (m.rtcpMux()) {
                line(sb, "a=rtcp-mux");
            }
            m.attributes().forEach(a -> line(sb, "a=" + a));
        }
        return sb.toString();
    }

    /** {@code c=IN IP4 <address>}, or {@code IP6} when the address contains a colon. */
    private static String connectionLine(String address) {
        return "c=IN " + (address.indexOf(':') >= 0 ? "IP6 " : "IP4 ") + address;
    }

    private static void line(StringBuilder sb, String text) {
        sb.append(text).append(CRLF);
    }

    /** Upper-cases a transport token so that {@code rtp/avp} compares equal to {@code RTP/AVP}. */
    static String canonicalProtocol(String token) {
        return token.toUpperCase(Locale.ROOT);
    }
}
