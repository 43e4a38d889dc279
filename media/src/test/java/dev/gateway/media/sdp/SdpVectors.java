package dev.gateway.media.sdp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Session descriptions shared by the SDP tests: the RFC 3264 vectors from {@code src/test/resources} and offers
 * in the shape real peers send. Addresses are from the documentation ranges of RFC 5737.
 */
final class SdpVectors {
    private SdpVectors() {
    }

    /** A Twilio Elastic SIP Trunking style offer: PCMU first, PCMA, telephone-event 101 with events 0-16. */
    static final String TWILIO = """
            v=0
            o=root 1713370841 1713370841 IN IP4 203.0.113.10
            s=Twilio Media Gateway
            c=IN IP4 203.0.113.10
            t=0 0
            m=audio 13450 RTP/AVP 0 8 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            a=ptime:20
            a=maxptime:150
            a=sendrecv
            """;

    /** A PBX offer that numbers telephone-event 96 and prefers PCMA. */
    static final String TELEPHONE_EVENT_96 = """
            v=0
            o=- 3921 3922 IN IP4 198.51.100.7
            s=pbx
            c=IN IP4 198.51.100.7
            t=0 0
            m=audio 40000 RTP/AVP 8 0 96
            a=rtpmap:8 PCMA/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:96 telephone-event/8000
            a=fmtp:96 0-15
            """;

    /** What sipp's uac scenario sends: one static payload type and no rtpmap at all. */
    static final String SIPP = """
            v=0
            o=user1 53655765 2353687637 IN IP4 192.0.2.55
            s=-
            c=IN IP4 192.0.2.55
            t=0 0
            m=audio 6000 RTP/AVP 0
            """;

    /** G.729 only, which the gateway does not implement. */
    static final String G729_ONLY = """
            v=0
            o=- 1 1 IN IP4 192.0.2.60
            s=-
            c=IN IP4 192.0.2.60
            t=0 0
            m=audio 7078 RTP/AVP 18
            a=rtpmap:18 G729/8000
            a=fmtp:18 annexb=no
            """;

    /** Audio and video; the audio c= is at media level and must win over the session-level one. */
    static final String AUDIO_VIDEO = """
            v=0
            o=softphone 99 100 IN IP4 192.0.2.70
            s=call
            c=IN IP4 192.0.2.70
            t=0 0
            m=audio 5004 RTP/AVP 0 101
            c=IN IP4 192.0.2.71
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            m=video 5006 RTP/AVP 96
            a=rtpmap:96 H264/90000
            a=fmtp:96 profile-level-id=42e01f
            """;

    /** Replaces the single {@code a=sendrecv} line of {@link #TWILIO}, or appends when replacement is "". */
    static String twilioWith(String replacement) {
        return TWILIO.replace("a=sendrecv\n", replacement.isEmpty() ? "" : replacement + "\n");
    }

    /** The LF text with CRLF line endings. */
    static String crlf(String lf) {
        return lf.replace("\n", "\r\n");
    }

    /** A vector file from {@code src/test/resources/vectors}. */
    static String resource(String path) {
        try (InputStream in = SdpVectors.class.getResourceAsStream("/vectors/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses text that the test knows to be valid. */
    static SessionDescription parse(String text) {
        try {
            return SdpCodec.parse(text);
        } catch (SdpException e) {
            throw new AssertionError("vector does not parse: " + e.getMessage(), e);
        }
    }
}
