package dev.gateway.media.webrtc;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the gateway's side of the two WebRTC negotiations LiveKit's classic mode uses (LIVEKIT.md): the
 * publisher offer (one send-only audio section, G.711 and/or Opus; we are {@code actpass} and so become the DTLS
 * server) and the subscriber answer (receive-only audio for every audio section the room offers, data-channel
 * sections accepted, video rejected; we answer {@code active} and so are the DTLS client). Pure; thread-safe.
 */
public final class WebRtcSdpWriter {
    /** Opus payload type we offer (the room's default). */
    public static final int OPUS_PT = 111;
    /** G.711 static payload types (RFC 3551), offered for publishing the caller's audio as it came. */
    public static final int PCMU_PT = 0;
    public static final int PCMA_PT = 8;
    /** One-byte header extension id we offer for RFC 6464 audio levels. */
    public static final int AUDIO_LEVEL_EXT_ID = 1;

    private WebRtcSdpWriter() {
    }

    /**
     * Our ICE and DTLS identity for one peer connection.
     *
     * @param candidate an SDP candidate value ("candidate:1 1 udp ... typ host")
     */
    public record Local(String iceUfrag, String icePwd, String fingerprint, String candidate, long sessionId) {
    }

    /** The publisher offer with Opus alone (see the other overload). */
    public static String publisherOffer(Local local, long ssrc, String cname, String streamId, String trackId) {
        return publisherOffer(local, ssrc, cname, streamId, trackId, List.of(OPUS_PT));
    }

    /**
     * The publisher offer: one send-only audio track whose msid track id is LiveKit's {@code cid}, offering
     * {@code payloadTypes} in that order of preference (0 PCMU/8000, 8 PCMA/8000, {@link #OPUS_PT} Opus; the
     * answer says which one we send), and a data channel section (mid 1) for the {@code _reliable}/{@code _lossy}
     * channels we open to send to the room.
     *
     * @throws IllegalArgumentException for an empty list or a payload type other than those three
     */
    public static String publisherOffer(Local local, long ssrc, String cname, String streamId, String trackId,
                                        List<Integer> payloadTypes) {
        if (payloadTypes.isEmpty()) {
            throw new IllegalArgumentException("no payload type to offer");
        }
        StringBuilder b = header(local, List.of("0", "1"));
        b.append("a=msid-semantic: WMS ").append(streamId).append("\r\n");
        b.append("m=audio 9 UDP/TLS/RTP/SAVPF");
        for (int pt : payloadTypes) {
            b.append(' ').append(pt);
        }
        b.append("\r\n");
        b.append("c=IN IP4 0.0.0.0\r\n");
        b.append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
        transport(b, local, "actpass");
        b.append("a=mid:0\r\n");
        b.append("a=extmap:").append(AUDIO_LEVEL_EXT_ID).append(' ').append(WebRtcDescription.AUDIO_LEVEL_URI).append("\r\n");
        b.append("a=sendonly\r\n");
        b.append("a=msid:").append(streamId).append(' ').append(trackId).append("\r\n");
        b.append("a=rtcp-mux\r\n");
        for (int pt : payloadTypes) {
            b.append("a=rtpmap:").append(pt).append(' ').append(rtpmap(pt)).append("\r\n");
            b.append("a=rtcp-fb:").append(pt).append(" nack\r\n"); // answered from the uplink's send history
            if (pt == OPUS_PT) {
                b.append("a=fmtp:").append(pt).append(" minptime=10;useinbandfec=1\r\n");
            }
        }
        b.append("a=ssrc:").append(ssrc).append(" cname:").append(cname).append("\r\n");
        b.append("a=ssrc:").append(ssrc).append(" msid:").append(streamId).append(' ').append(trackId).append("\r\n");
        b.append("a=candidate:").append(stripPrefix(local.candidate())).append("\r\n");
        b.append("a=end-of-candidates\r\n");
        b.append("m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n");
        b.append("c=IN IP4 0.0.0.0\r\n");
        transport(b, local, "actpass");
        b.append("a=mid:1\r\n");
        b.append("a=sctp-port:5000\r\n");
        b.append("a=max-message-size:262144\r\n");
        return b.toString();
    }

    private static String rtpmap(int pt) {
        return switch (pt) {
            case PCMU_PT -> "PCMU/8000";
            case PCMA_PT -> "PCMA/8000";
            case OPUS_PT -> "opus/48000/2";
            default -> throw new IllegalArgumentException("payload type " + pt + " is not 0 (PCMU), 8 (PCMA) or "
                    + OPUS_PT + " (Opus)");
        };
    }

    /** The answer to the room's subscriber offer: receive Opus on every audio section, keep data channels. */
    public static String subscriberAnswer(Local local, WebRtcDescription offer) {
        List<String> bundle = new ArrayList<>();
        for (WebRtcDescription.Section s : offer.sections()) {
            if (accepts(s)) {
                bundle.add(s.mid());
            }
        }
        StringBuilder b = header(local, bundle);
        boolean first = true;
        for (WebRtcDescription.Section s : offer.sections()) {
            if (!accepts(s)) {
                b.append("m=").append(s.kind()).append(" 0 ").append(s.protocol()).append(' ')
                        .append(String.join(" ", s.formats().isEmpty() ? List.of("0") : s.formats())).append("\r\n");
                b.append("c=IN IP4 0.0.0.0\r\n");
                b.append("a=mid:").append(s.mid()).append("\r\n");
                b.append("a=inactive\r\n");
                continue;
            }
            if (s.kind().equals("application")) {
                b.append("m=application 9 ").append(s.protocol()).append(' ').append(String.join(" ", s.formats())).append("\r\n");
                b.append("c=IN IP4 0.0.0.0\r\n");
                transport(b, local, "active");
                b.append("a=mid:").append(s.mid()).append("\r\n");
                b.append("a=sctp-port:").append(s.sctpPort() == null ? "5000" : s.sctpPort()).append("\r\n");
                b.append("a=max-message-size:262144\r\n");
            } else {
                int pt = s.opusPayloadType();
                b.append("m=audio 9 ").append(s.protocol()).append(' ').append(pt).append("\r\n");
                b.append("c=IN IP4 0.0.0.0\r\n");
                b.append("a=rtcp:9 IN IP4 0.0.0.0\r\n");
                transport(b, local, "active");
                b.append("a=mid:").append(s.mid()).append("\r\n");
                b.append(s.direction().equals("sendonly") || s.direction().equals("sendrecv") ? "a=recvonly\r\n" : "a=inactive\r\n");
                b.append("a=rtcp-mux\r\n");
                b.append("a=rtpmap:").append(pt).append(" opus/48000/2\r\n");
                b.append("a=fmtp:").append(pt).append(" minptime=10;useinbandfec=1\r\n");
            }
            if (first) {
                b.append("a=candidate:").append(stripPrefix(local.candidate())).append("\r\n");
                b.append("a=end-of-candidates\r\n");
                first = false;
            }
        }
        return b.toString();
    }

    private static boolean accepts(WebRtcDescription.Section s) {
        if (s.rejected()) {
            return false;
        }
        return s.kind().equals("application") || (s.kind().equals("audio") && s.opusPayloadType() >= 0);
    }

    private static StringBuilder header(Local local, List<String> bundle) {
        StringBuilder b = new StringBuilder(1024);
        b.append("v=0\r\n");
        b.append("o=- ").append(local.sessionId()).append(" 2 IN IP4 127.0.0.1\r\n");
        b.append("s=-\r\n");
        b.append("t=0 0\r\n");
        if (!bundle.isEmpty()) {
            b.append("a=group:BUNDLE ").append(String.join(" ", bundle)).append("\r\n");
        }
        b.append("a=extmap-allow-mixed\r\n");
        return b;
    }

    private static void transport(StringBuilder b, Local local, String setup) {
        b.append("a=ice-ufrag:").append(local.iceUfrag()).append("\r\n");
        b.append("a=ice-pwd:").append(local.icePwd()).append("\r\n");
        b.append("a=ice-options:trickle\r\n");
        b.append("a=fingerprint:sha-256 ").append(local.fingerprint()).append("\r\n");
        b.append("a=setup:").append(setup).append("\r\n");
    }

    private static String stripPrefix(String candidate) {
        String c = candidate.startsWith("a=") ? candidate.substring(2) : candidate;
        return c.startsWith("candidate:") ? c.substring("candidate:".length()) : c;
    }
}
