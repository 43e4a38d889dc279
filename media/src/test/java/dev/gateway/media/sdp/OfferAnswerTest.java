package dev.gateway.media.sdp;

import static dev.gateway.media.sdp.SdpVectors.parse;
import static dev.gateway.media.sdp.SdpVectors.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.sdp.SdpNegotiation;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class OfferAnswerTest {
    private static final List<String> G711 = List.of("PCMU", "PCMA");
    private static final String LOCAL = "192.0.2.200";

    private static SdpNegotiation negotiate(String offer, List<String> supported) {
        try {
            return OfferAnswer.negotiate(parse(offer), supported);
        } catch (SdpException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Negotiates, answers and parses the answer back. */
    private static SessionDescription answerOf(String offer) {
        SessionDescription sd = parse(offer);
        SdpNegotiation n = negotiate(offer, G711);
        String answer = OfferAnswer.answer(n, sd, LOCAL, 30000, 42L, 7L);
        assertTrue(answer.endsWith("\r\n") && !answer.replace("\r\n", "").contains("\n"), "CRLF");
        return parse(answer);
    }

    @Test
    void twilioOfferPicksPcmuAndKeepsTelephoneEvent101() {
        SdpNegotiation n = negotiate(SdpVectors.TWILIO, G711);
        assertEquals(new SdpNegotiation(0, "PCMU", 101, 20, MediaDirection.SENDRECV, MediaDirection.SENDRECV,
                "203.0.113.10", 13450, false, 0, 1), n);
        assertTrue(n.hasTelephoneEvent());
    }

    @Test
    void twilioAnswerParsesBack() {
        SessionDescription answer = answerOf(SdpVectors.TWILIO);
        assertEquals(List.of("-", "42", "7", "IN", "IP4", LOCAL), List.of(answer.originUsername(),
                answer.sessionId(), answer.sessionVersion(), answer.originNetType(), answer.originAddrType(),
                answer.originAddress()));
        assertEquals(LOCAL, answer.connectionAddress());
        MediaDescription m = answer.media().get(0);
        assertEquals(30000, m.port());
        assertEquals("RTP/AVP", m.protocol());
        assertEquals(List.of(0, 101), m.payloadTypes());
        assertEquals(RtpMap.of(0, "PCMU", 8000), m.rtpMap(0));
        assertEquals(RtpMap.of(101, "telephone-event", 8000), m.rtpMap(101));
        assertEquals(Map.of(101, "0-15"), m.fmtps());
        assertEquals(20, m.ptimeMs());
        assertEquals(MediaDirection.SENDRECV, m.direction());
        assertNull(m.maxPtimeMs());
    }

    @Test
    void offerOrderWinsOverLocalPreference() {
        assertEquals(0, negotiate(SdpVectors.TWILIO, List.of("PCMA", "PCMU")).payloadType(),
                "Twilio lists PCMU first, so PCMU although we prefer PCMA (RFC 3264 §6.1)");
        SdpNegotiation n = negotiate(SdpVectors.TELEPHONE_EVENT_96, G711);
        assertEquals(8, n.payloadType());
        assertEquals("PCMA", n.encodingName());
    }

    @Test
    void onlySupportedEncodingsAreChosen() {
        assertEquals(8, negotiate(SdpVectors.TWILIO, List.of("PCMA")).payloadType());
        SdpNegotiation lower = negotiate(SdpVectors.TWILIO.replace("PCMU/8000", "pcmu/8000"), List.of("PCMU"));
        assertEquals(0, lower.payloadType(), "names compare case-insensitively");
        assertEquals("PCMU", lower.encodingName(), "spelled as the caller spells it");
    }

    @Test
    void telephoneEventUsesTheOfferedPayloadType() {
        SdpNegotiation n = negotiate(SdpVectors.TELEPHONE_EVENT_96, G711);
        assertEquals(96, n.telephoneEventPayloadType());
        MediaDescription m = parse(OfferAnswer.answer(n, parse(SdpVectors.TELEPHONE_EVENT_96), LOCAL, 30000, 1, 1))
                .media().get(0);
        assertEquals(List.of(8, 96), m.payloadTypes());
        assertEquals(RtpMap.of(96, "telephone-event", 8000), m.rtpMap(96));
        assertEquals(Map.of(96, "0-15"), m.fmtps());
        assertNull(m.rtpMap(101));
    }

    @Test
    void sippOfferWithoutRtpmapOrTelephoneEvent() {
        SdpNegotiation n = negotiate(SdpVectors.SIPP, G711);
        assertEquals(0, n.payloadType());
        assertEquals(-1, n.telephoneEventPayloadType());
        assertFalse(n.hasTelephoneEvent());
        assertEquals(20, n.ptimeMs(), "default without a=ptime");
        assertEquals("192.0.2.55", n.remoteAddress());
        assertEquals(6000, n.remotePort());
        MediaDescription m = answerOf(SdpVectors.SIPP).media().get(0);
        assertEquals(List.of(0), m.payloadTypes());
        assertEquals(Map.of(), m.fmtps());
    }

    @Test
    void g729OnlyHasNoCommonCodec() {
        SdpException e = assertThrows(SdpException.class,
                () -> OfferAnswer.negotiate(parse(SdpVectors.G729_ONLY), G711));
        assertEquals(SdpException.Kind.NO_COMMON_CODEC, e.kind());
        assertEquals("m=audio 7078 RTP/AVP 18", e.line());
        assertEquals(0, e.lineNumber());
    }

    @Test
    void wrongClockRateOrStereoIsNoMatch() {
        String wide = SdpVectors.SIPP.replace("RTP/AVP 0", "RTP/AVP 97 98\na=rtpmap:97 PCMU/16000\na=rtpmap:98 PCMA/8000/2");
        SdpException e = assertThrows(SdpException.class, () -> OfferAnswer.negotiate(parse(wide), G711));
        assertEquals(SdpException.Kind.NO_COMMON_CODEC, e.kind());
    }

    @ParameterizedTest(name = "a=ptime:{0} -> {1} ms")
    @CsvSource({"30, 30", "10, 10", "60, 60", "20, 20", "5, 20", "90, 20"})
    void ptimeIsFollowedWithin10To60(int offered, int expected) {
        String offer = SdpVectors.TWILIO.replace("a=ptime:20", "a=ptime:" + offered);
        assertEquals(expected, negotiate(offer, G711).ptimeMs());
        assertEquals(expected, answerOf(offer).media().get(0).ptimeMs());
    }

    static Stream<Arguments> directions() {
        return Stream.of(
                Arguments.of("sendrecv", "a=sendrecv", MediaDirection.SENDRECV, MediaDirection.SENDRECV, false),
                Arguments.of("no direction means sendrecv", "", MediaDirection.SENDRECV, MediaDirection.SENDRECV,
                        false),
                Arguments.of("hold with sendonly", "a=sendonly", MediaDirection.SENDONLY, MediaDirection.RECVONLY,
                        true),
                Arguments.of("hold with inactive", "a=inactive", MediaDirection.INACTIVE, MediaDirection.INACTIVE,
                        true),
                Arguments.of("recvonly is no hold", "a=recvonly", MediaDirection.RECVONLY, MediaDirection.SENDONLY,
                        false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void directionAndHold(String name, String line, MediaDirection remote, MediaDirection local, boolean hold) {
        String offer = SdpVectors.twilioWith(line);
        SdpNegotiation n = negotiate(offer, G711);
        assertEquals(remote, n.remoteDirection());
        assertEquals(local, n.localDirection());
        assertEquals(hold, n.hold());
        assertEquals(local, answerOf(offer).media().get(0).direction());
    }

    @Test
    void sessionLevelDirectionAppliesWhenMediaHasNone() {
        String offer = SdpVectors.twilioWith("").replace("t=0 0\n", "t=0 0\na=sendonly\n");
        SdpNegotiation n = negotiate(offer, G711);
        assertEquals(MediaDirection.SENDONLY, n.remoteDirection());
        assertTrue(n.hold());
    }

    @Test
    void rfc2543HoldWithZeroAddress() {
        String offer = SdpVectors.TWILIO.replace("c=IN IP4 203.0.113.10", "c=IN IP4 0.0.0.0");
        SdpNegotiation n = negotiate(offer, G711);
        assertTrue(n.hold());
        assertEquals("0.0.0.0", n.remoteAddress());
        assertEquals(MediaDirection.SENDRECV, n.remoteDirection());
        assertEquals(MediaDirection.RECVONLY, n.localDirection(), "we cannot send to 0.0.0.0");
        String sendonly = SdpVectors.twilioWith("a=sendonly").replace("c=IN IP4 203.0.113.10", "c=IN IP4 0.0.0.0");
        assertEquals(MediaDirection.RECVONLY, negotiate(sendonly, G711).localDirection());
        String recvonly = SdpVectors.twilioWith("a=recvonly").replace("c=IN IP4 203.0.113.10", "c=IN IP4 0.0.0.0");
        assertEquals(MediaDirection.INACTIVE, negotiate(recvonly, G711).localDirection());
    }

    @Test
    void videoIsRejectedWithPortZeroAndMediaLevelAddressWins() {
        SdpNegotiation n = negotiate(SdpVectors.AUDIO_VIDEO, G711);
        assertEquals("192.0.2.71", n.remoteAddress());
        assertEquals(5004, n.remotePort());
        assertEquals(0, n.audioMediaIndex());
        assertEquals(2, n.mediaCount());
        assertEquals(101, n.telephoneEventPayloadType());
        SessionDescription answer = answerOf(SdpVectors.AUDIO_VIDEO);
        assertEquals(2, answer.media().size());
        MediaDescription video = answer.media().get(1);
        assertEquals("video", video.media());
        assertEquals(0, video.port());
        assertEquals(List.of(96), video.payloadTypes());
        assertEquals(Map.of(), video.rtpMaps());
    }

    @Test
    void audioAfterVideoKeepsPositions() {
        String offer = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
                + "m=video 5006 RTP/AVP 31\nm=audio 0 RTP/AVP 8\nm=audio 5004 RTP/AVP 8 0\n";
        SdpNegotiation n = negotiate(offer, G711);
        assertEquals(2, n.audioMediaIndex(), "skips the video and the disabled audio stream");
        assertEquals(8, n.payloadType());
        SessionDescription answer = answerOf(offer);
        assertEquals(List.of(0, 0, 30000), answer.media().stream().map(MediaDescription::port).toList());
        assertEquals(List.of("video", "audio", "audio"), answer.media().stream().map(MediaDescription::media).toList());
    }

    @Test
    void rfc3264BasicExchangeOfferFromAlice() {
        SessionDescription offer = parse(resource("rfc3264/10.1-1-offer-alice.sdp"));
        SdpNegotiation n = negotiate(resource("rfc3264/10.1-1-offer-alice.sdp"), G711);
        assertEquals(new SdpNegotiation(0, "PCMU", -1, 20, MediaDirection.SENDRECV, MediaDirection.SENDRECV,
                "host.anywhere.com", 49170, false, 0, 3), n);
        SessionDescription answer = parse(OfferAnswer.answer(n, offer, LOCAL, 30000, 2890844730L, 2890844730L));
        assertEquals(List.of(30000, 0, 0), answer.media().stream().map(MediaDescription::port).toList());
        assertEquals(List.of(31), answer.media().get(1).payloadTypes());
        assertEquals(List.of(32), answer.media().get(2).payloadTypes());
    }

    @Test
    void rfc3264BasicExchangeReofferFromBob() {
        String text = resource("rfc3264/10.1-3-offer-bob.sdp");
        SdpNegotiation n = negotiate(text, G711);
        assertEquals(0, n.audioMediaIndex());
        assertEquals(65422, n.remotePort());
        assertEquals(4, n.mediaCount());
        assertEquals(-1, n.telephoneEventPayloadType(), "telephone-events sits on its own m= line");
        SessionDescription answer = parse(OfferAnswer.answer(n, parse(text), LOCAL, 30000, 1, 2));
        assertEquals(List.of(30000, 0, 0, 0), answer.media().stream().map(MediaDescription::port).toList());
    }

    static Stream<Arguments> unusable() {
        String head = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n";
        return Stream.of(
                Arguments.of("no m= line", head, SdpException.Kind.MALFORMED),
                Arguments.of("video only", head + "m=video 5006 RTP/AVP 31\n", SdpException.Kind.MALFORMED),
                Arguments.of("audio disabled", head + "m=audio 0 RTP/AVP 0\n", SdpException.Kind.UNSUPPORTED),
                Arguments.of("SRTP audio only", head + "m=audio 5004 RTP/SAVP 0\n", SdpException.Kind.UNSUPPORTED),
                Arguments.of("no c= anywhere", "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nt=0 0\nm=audio 5004 RTP/AVP 0\n",
                        SdpException.Kind.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusable")
    void rejectsUnusableOffers(String name, String text, SdpException.Kind kind) {
        SdpException e = assertThrows(SdpException.class, () -> OfferAnswer.negotiate(parse(text), G711));
        assertEquals(kind, e.kind(), e.getMessage());
    }

    @Test
    void answerRefusesANegotiationOfAnotherOffer() {
        SdpNegotiation n = negotiate(SdpVectors.AUDIO_VIDEO, G711);
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.answer(n, parse(SdpVectors.SIPP), LOCAL, 30000, 1, 1));
        SdpNegotiation single = negotiate(SdpVectors.SIPP, G711);
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.answer(single, parse(SdpVectors.SIPP), LOCAL, 0, 1, 1));
    }

    @Test
    void outboundOfferParsesAndNegotiatesBack() throws SdpException {
        String text = OfferAnswer.offer(G711, 101, 20, LOCAL, 31000, 5L, 6L, MediaDirection.SENDRECV);
        SessionDescription offer = parse(text);
        assertEquals("5", offer.sessionId());
        assertEquals(LOCAL, offer.connectionAddress());
        MediaDescription m = offer.media().get(0);
        assertEquals(List.of(0, 8, 101), m.payloadTypes());
        assertEquals(RtpMap.of(8, "PCMA", 8000), m.rtpMap(8));
        assertEquals(Map.of(101, "0-15"), m.fmtps());
        assertEquals(20, m.ptimeMs());
        assertEquals(MediaDirection.SENDRECV, m.direction());
        SdpNegotiation n = OfferAnswer.negotiate(offer, List.of("PCMA"));
        assertEquals(8, n.payloadType());
        assertEquals(101, n.telephoneEventPayloadType());
        assertEquals(31000, n.remotePort());
    }

    @Test
    void outboundOfferWithoutTelephoneEventAndOnHold() {
        MediaDescription m = parse(OfferAnswer.offer(List.of("PCMA"), -1, 30, "2001:db8::5", 31000, 5, 6,
                MediaDirection.SENDONLY)).media().get(0);
        assertEquals(List.of(8), m.payloadTypes());
        assertEquals(30, m.ptimeMs());
        assertEquals(MediaDirection.SENDONLY, m.direction());
    }

    @Test
    void outboundOfferRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.offer(List.of("opus"), 101, 20, LOCAL, 1, 1, 1, MediaDirection.SENDRECV));
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.offer(List.of(), 101, 20, LOCAL, 1, 1, 1, MediaDirection.SENDRECV));
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.offer(G711, 8, 20, LOCAL, 1, 1, 1, MediaDirection.SENDRECV));
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.offer(G711, 101, 5, LOCAL, 1, 1, 1, MediaDirection.SENDRECV));
        assertThrows(IllegalArgumentException.class,
                () -> OfferAnswer.offer(List.of("PCMU", "pcmu"), 101, 20, LOCAL, 1, 1, 1, MediaDirection.SENDRECV));
    }

    @Test
    void negotiationValidatesOnConstruction() {
        assertThrows(IllegalArgumentException.class, () -> new SdpNegotiation(0, "PCMU", 0, 20,
                MediaDirection.SENDRECV, MediaDirection.SENDRECV, LOCAL, 5004, false, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SdpNegotiation(0, "PCMU", 101, 61,
                MediaDirection.SENDRECV, MediaDirection.SENDRECV, LOCAL, 5004, false, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SdpNegotiation(0, "PCMU", 101, 20,
                MediaDirection.SENDRECV, MediaDirection.SENDRECV, LOCAL, 5004, false, 1, 1));
    }
}
