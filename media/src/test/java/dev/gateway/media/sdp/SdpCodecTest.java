package dev.gateway.media.sdp;

import static dev.gateway.media.sdp.SdpException.Kind.MALFORMED;
import static dev.gateway.media.sdp.SdpException.Kind.UNSUPPORTED;
import static dev.gateway.media.sdp.SdpVectors.crlf;
import static dev.gateway.media.sdp.SdpVectors.parse;
import static dev.gateway.media.sdp.SdpVectors.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SdpCodecTest {

    @Test
    void parsesTwilioOffer() {
        SessionDescription sd = parse(crlf(SdpVectors.TWILIO));
        assertEquals(0, sd.version());
        assertEquals(List.of("root", "1713370841", "1713370841", "IN", "IP4", "203.0.113.10"),
                List.of(sd.originUsername(), sd.sessionId(), sd.sessionVersion(), sd.originNetType(),
                        sd.originAddrType(), sd.originAddress()));
        assertEquals("Twilio Media Gateway", sd.sessionName());
        assertEquals("203.0.113.10", sd.connectionAddress());
        assertNull(sd.direction());
        assertEquals(1, sd.media().size());
        MediaDescription m = sd.media().get(0);
        assertEquals("audio", m.media());
        assertEquals(13450, m.port());
        assertEquals("RTP/AVP", m.protocol());
        assertEquals(List.of(0, 8, 101), m.payloadTypes());
        assertEquals(new RtpMap(101, "telephone-event", 8000, 1), m.rtpMap(101));
        assertEquals(RtpMap.of(8, "PCMA", 8000), m.rtpMap(8));
        assertEquals(Map.of(101, "0-16"), m.fmtps());
        assertEquals(20, m.ptimeMs());
        assertEquals(150, m.maxPtimeMs());
        assertEquals(MediaDirection.SENDRECV, m.direction());
        assertNull(m.connectionAddress());
        assertFalse(m.rtcpMux());
        assertEquals(List.of(), m.attributes());
    }

    @Test
    void lineEndingsAndTrailingWhitespaceDoNotMatter() {
        SessionDescription lf = parse(SdpVectors.TWILIO);
        assertEquals(lf, parse(crlf(SdpVectors.TWILIO)));
        assertEquals(lf, parse(SdpVectors.TWILIO.replace("\n", " \t\r\n") + "\r\n\r\n"));
    }

    @Test
    void staticPayloadTypesWithoutRtpmapAreFilled() {
        MediaDescription m = parse(SdpVectors.SIPP.replace("RTP/AVP 0", "RTP/AVP 0 8 9 18 3 97")).media().get(0);
        assertEquals(RtpMap.of(0, "PCMU", 8000), m.rtpMap(0));
        assertEquals(RtpMap.of(8, "PCMA", 8000), m.rtpMap(8));
        assertEquals(RtpMap.of(9, "G722", 8000), m.rtpMap(9));
        assertEquals(RtpMap.of(18, "G729", 8000), m.rtpMap(18));
        assertNull(m.rtpMap(3), "GSM is not in the table the gateway knows");
        assertNull(m.rtpMap(97), "a dynamic type without rtpmap stays unknown");
        assertNull(m.ptimeMs());
        assertNull(m.direction());
    }

    @Test
    void unknownLinesAreSkippedAndUnknownAttributesKept() {
        SessionDescription sd = parse("""
                v=0
                o=- 1 1 IN IP6 2001:db8::1
                s=x
                i=session info
                b=AS:84
                t=0 0
                a=group:BUNDLE 0
                a=inactive
                y=unknown type
                m=audio 9 RTP/SAVPF 111 0
                c=IN IP6 2001:db8::2
                b=AS:64
                a=rtpmap:111 opus/48000/2
                a=rtpmap:126 telephone-event/8000
                a=fmtp:111 minptime=10;useinbandfec=1
                a=rtcp-mux
                a=ice-ufrag:abcd
                a=mid:0
                """);
        assertEquals(List.of("group:BUNDLE 0"), sd.attributes());
        assertEquals(MediaDirection.INACTIVE, sd.direction());
        MediaDescription m = sd.media().get(0);
        assertEquals("RTP/SAVPF", m.protocol());
        assertEquals("2001:db8::2", m.connectionAddress());
        assertEquals(new RtpMap(111, "opus", 48000, 2), m.rtpMap(111));
        assertEquals(Map.of(111, "minptime=10;useinbandfec=1"), m.fmtps());
        assertTrue(m.rtcpMux());
        assertEquals(List.of("rtpmap:126 telephone-event/8000", "ice-ufrag:abcd", "mid:0"), m.attributes(),
                "an rtpmap for a payload type not on the m= line is kept as a plain attribute");
    }

    @Test
    void toleratesEmptySessionNameAndFractionalPtimeAndMulticastTtl() {
        SessionDescription sd = parse("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=\nc=IN IP4 233.252.0.1/127\nt=0 0\n"
                + "m=audio 5000 rtp/avp 0\na=ptime:20.0\n");
        assertEquals("-", sd.sessionName());
        assertEquals("233.252.0.1", sd.connectionAddress());
        assertEquals("RTP/AVP", sd.media().get(0).protocol());
        assertEquals(20, sd.media().get(0).ptimeMs());
    }

    @Test
    void formatsInRfc4566OrderWithCrlf() {
        String text = SdpCodec.format(parse(SdpVectors.AUDIO_VIDEO.replace("m=video", "a=sendonly\nm=video")));
        assertEquals("""
                v=0
                o=softphone 99 100 IN IP4 192.0.2.70
                s=call
                c=IN IP4 192.0.2.70
                t=0 0
                m=audio 5004 RTP/AVP 0 101
                c=IN IP4 192.0.2.71
                a=rtpmap:0 PCMU/8000
                a=rtpmap:101 telephone-event/8000
                a=fmtp:101 0-16
                a=sendonly
                m=video 5006 RTP/AVP 96
                a=rtpmap:96 H264/90000
                a=fmtp:96 profile-level-id=42e01f
                """.replace("\n", "\r\n"), text);
    }

    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("twilio", SdpVectors.TWILIO),
                Arguments.of("telephone-event 96", SdpVectors.TELEPHONE_EVENT_96),
                Arguments.of("sipp", SdpVectors.SIPP),
                Arguments.of("g729 only", SdpVectors.G729_ONLY),
                Arguments.of("audio and video", SdpVectors.AUDIO_VIDEO),
                Arguments.of("rfc3264 10.1 offer alice", resource("rfc3264/10.1-1-offer-alice.sdp")),
                Arguments.of("rfc3264 10.1 answer bob", resource("rfc3264/10.1-2-answer-bob.sdp")),
                Arguments.of("rfc3264 10.1 offer bob", resource("rfc3264/10.1-3-offer-bob.sdp")),
                Arguments.of("rfc3264 10.1 answer alice", resource("rfc3264/10.1-4-answer-alice.sdp")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void roundTrips(String name, String text) {
        SessionDescription parsed = parse(text);
        String formatted = SdpCodec.format(parsed);
        assertEquals(parsed, parse(formatted));
        assertEquals(formatted, SdpCodec.format(parse(formatted)), "formatting is stable");
        assertTrue(formatted.startsWith("v=0\r\no="), formatted);
        assertFalse(formatted.replace("\r\n", "").contains("\n"), "CRLF only");
    }

    @Test
    void rfc3264AnswerKeepsRejectedStream() {
        SessionDescription bob = parse(resource("rfc3264/10.1-2-answer-bob.sdp"));
        assertEquals(List.of(49920, 0, 53000), bob.media().stream().map(MediaDescription::port).toList());
        assertTrue(bob.media().get(1).rejected());
        assertEquals(Map.of(), bob.media().get(1).rtpMaps(), "no static fill for video");
        assertEquals("host.example.com", bob.connectionAddress());
    }

    static Stream<Arguments> malformed() {
        String head = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n";
        return Stream.of(
                bad("empty text", "", MALFORMED, 0, ""),
                bad("no v= line", "o=- 1 1 IN IP4 192.0.2.1\ns=-\n", MALFORMED, 1, "o=- 1 1 IN IP4 192.0.2.1"),
                bad("version not a number", "v=zero\n", MALFORMED, 1, "v=zero"),
                bad("version 1", "v=1\n", UNSUPPORTED, 1, "v=1"),
                bad("second v= line", "v=0\nv=0\n", MALFORMED, 2, "v=0"),
                bad("no o= line", "v=0\ns=-\nt=0 0\n", MALFORMED, 0, ""),
                bad("o= with five fields", "v=0\no=- 1 IN IP4 192.0.2.1\n", MALFORMED, 2, "o=- 1 IN IP4 192.0.2.1"),
                bad("line without type", head + "audio\n", MALFORMED, 6, "audio"),
                bad("m= port not a number", head + "m=audio abc RTP/AVP 0\n", MALFORMED, 6, "m=audio abc RTP/AVP 0"),
                bad("m= negative port", head + "m=audio -1 RTP/AVP 0\n", MALFORMED, 6, "m=audio -1 RTP/AVP 0"),
                bad("m= port above 65535", head + "m=audio 65536 RTP/AVP 0\n", MALFORMED, 6,
                        "m=audio 65536 RTP/AVP 0"),
                bad("m= huge port", head + "m=audio 99999999999 RTP/AVP 0\n", MALFORMED, 6,
                        "m=audio 99999999999 RTP/AVP 0"),
                bad("m= bad port count", head + "m=audio 6000/x RTP/AVP 0\n", MALFORMED, 6, "m=audio 6000/x RTP/AVP 0"),
                bad("m= two ports", head + "m=audio 6000/2 RTP/AVP 0\n", UNSUPPORTED, 6, "m=audio 6000/2 RTP/AVP 0"),
                bad("m= without formats", head + "m=audio 6000 RTP/AVP\n", MALFORMED, 6, "m=audio 6000 RTP/AVP"),
                bad("m= with two fields", head + "m=audio 6000\n", MALFORMED, 6, "m=audio 6000"),
                bad("m= payload type not a number", head + "m=audio 6000 RTP/AVP 0 PCMU\n", MALFORMED, 6,
                        "m=audio 6000 RTP/AVP 0 PCMU"),
                bad("m= payload type above 127", head + "m=audio 6000 RTP/AVP 128\n", MALFORMED, 6,
                        "m=audio 6000 RTP/AVP 128"),
                bad("m= payload type twice", head + "m=audio 6000 RTP/AVP 0 0\n", MALFORMED, 6,
                        "m=audio 6000 RTP/AVP 0 0"),
                bad("m= not RTP", head + "m=application 9 UDP/BFCP *\n", UNSUPPORTED, 6,
                        "m=application 9 UDP/BFCP *"),
                bad("c= without address", "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4\n", MALFORMED, 4, "c=IN IP4"),
                bad("c= with four fields", "v=0\no=- 1 1 IN IP4 192.0.2.1\nc=IN IP4 192.0.2.1 x\n", MALFORMED, 3,
                        "c=IN IP4 192.0.2.1 x"),
                bad("c= octet above 255", head + "m=audio 6000 RTP/AVP 0\nc=IN IP4 192.0.2.300\n", MALFORMED, 7,
                        "c=IN IP4 192.0.2.300"),
                bad("c= three octets", "v=0\no=- 1 1 IN IP4 192.0.2.1\nc=IN IP4 192.0.2\n", MALFORMED, 3,
                        "c=IN IP4 192.0.2"),
                bad("c= bad host name", "v=0\no=- 1 1 IN IP4 192.0.2.1\nc=IN IP4 -host-\n", MALFORMED, 3,
                        "c=IN IP4 -host-"),
                bad("c= network type ATM", "v=0\no=- 1 1 IN IP4 192.0.2.1\nc=ATM NSAP 47.0005\n", UNSUPPORTED, 3,
                        "c=ATM NSAP 47.0005"),
                bad("c= address type IP5", "v=0\no=- 1 1 IN IP4 192.0.2.1\nc=IN IP5 192.0.2.1\n", UNSUPPORTED, 3,
                        "c=IN IP5 192.0.2.1"),
                bad("rtpmap without clock rate", head + "m=audio 6000 RTP/AVP 96\na=rtpmap:96 opus\n", MALFORMED, 7,
                        "a=rtpmap:96 opus"),
                bad("rtpmap clock rate not a number", head + "m=audio 6000 RTP/AVP 96\na=rtpmap:96 opus/fast\n",
                        MALFORMED, 7, "a=rtpmap:96 opus/fast"),
                bad("rtpmap payload type not a number", head + "m=audio 6000 RTP/AVP 96\na=rtpmap:x opus/48000\n",
                        MALFORMED, 7, "a=rtpmap:x opus/48000"),
                bad("second rtpmap", head + "m=audio 6000 RTP/AVP 96\na=rtpmap:96 a/8000\na=rtpmap:96 b/8000\n",
                        MALFORMED, 8, "a=rtpmap:96 b/8000"),
                bad("fmtp payload type not a number", head + "m=audio 6000 RTP/AVP 0\na=fmtp:zero x=1\n", MALFORMED,
                        7, "a=fmtp:zero x=1"),
                bad("ptime not a number", head + "m=audio 6000 RTP/AVP 0\na=ptime:twenty\n", MALFORMED, 7,
                        "a=ptime:twenty"),
                bad("ptime zero", head + "m=audio 6000 RTP/AVP 0\na=ptime:0\n", MALFORMED, 7, "a=ptime:0"),
                bad("two media directions", head + "m=audio 6000 RTP/AVP 0\na=sendonly\na=recvonly\n", MALFORMED, 8,
                        "a=recvonly"),
                bad("two session directions", head + "a=sendonly\na=inactive\n", MALFORMED, 7, "a=inactive"),
                bad("o= after m=", head + "m=audio 6000 RTP/AVP 0\no=- 1 1 IN IP4 192.0.2.1\n", MALFORMED, 7,
                        "o=- 1 1 IN IP4 192.0.2.1"));
    }

    private static Arguments bad(String name, String text, SdpException.Kind kind, int lineNumber, String line) {
        return Arguments.of(name, text, kind, lineNumber, line);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejects(String name, String text, SdpException.Kind kind, int lineNumber, String line) {
        SdpException e = assertThrows(SdpException.class, () -> SdpCodec.parse(text));
        assertEquals(kind, e.kind(), e.getMessage());
        assertEquals(lineNumber, e.lineNumber(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
        assertFalse(e.reason().isBlank());
        SdpException viaCrlf = assertThrows(SdpException.class, () -> SdpCodec.parse(crlf(text)));
        assertEquals(lineNumber, viaCrlf.lineNumber(), "same line with CRLF endings");
    }

    @Test
    void exceptionMessageCarriesTheFacts() {
        SdpException e = new SdpException(MALFORMED, 6, "m=audio x RTP/AVP 0", "port is not a number");
        assertEquals("MALFORMED: port is not a number (line 6): \"m=audio x RTP/AVP 0\"", e.getMessage());
        assertEquals("NO_COMMON_CODEC: none", SdpException.of(SdpException.Kind.NO_COMMON_CODEC, "none").getMessage());
    }
}
