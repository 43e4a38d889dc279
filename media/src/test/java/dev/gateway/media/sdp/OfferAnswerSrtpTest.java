package dev.gateway.media.sdp;

import static dev.gateway.media.sdp.SdpVectors.parse;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.webrtc.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RTP/SAVP with SDES keys in offer/answer, under each {@link MediaEncryption} policy. */
class OfferAnswerSrtpTest {
    private static final List<String> G711 = List.of("PCMU", "PCMA");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String KEY_80 = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
    private static final String KEY_32 = "NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj";

    private static String offer(String proto, String... crypto) {
        StringBuilder sb = new StringBuilder("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                + "m=audio 4000 " + proto + " 0 101\r\na=rtpmap:101 telephone-event/8000\r\n");
        for (String c : crypto) {
            sb.append("a=crypto:").append(c).append("\r\n");
        }
        return sb.toString();
    }

    private static final String SAVP = offer("RTP/SAVP", "1 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_32,
            "2 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80);

    @ParameterizedTest(name = "{0} {1}: {2}")
    @CsvSource({
        "DISABLE, RTP/AVP,  plain",
        "DISABLE, RTP/SAVP, 488",
        "ALLOW,   RTP/AVP,  plain",
        "ALLOW,   RTP/SAVP, srtp",
        "REQUIRE, RTP/AVP,  488",
        "REQUIRE, RTP/SAVP, srtp",
    })
    void policyDecides(MediaEncryption policy, String proto, String outcome) throws SdpException {
        String text = proto.equals("RTP/AVP") ? offer(proto, "1 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80) : SAVP;
        if (outcome.equals("488")) {
            SdpException e = assertThrows(SdpException.class,
                    () -> OfferAnswer.negotiate(parse(text), G711, policy, RANDOM));
            assertEquals(SdpException.Kind.UNSUPPORTED, e.kind());
            return;
        }
        SdpNegotiation n = OfferAnswer.negotiate(parse(text), G711, policy, RANDOM);
        assertEquals(outcome.equals("srtp"), n.srtp());
        assertEquals(proto, n.protocol()); // a crypto line on RTP/AVP is ignored (RFC 4568 §3.1.4 scope)
    }

    @Test
    void answerKeepsSavpAndAnswersTheFirstUsableLineWithAFreshKey() throws SdpException {
        SessionDescription sd = parse(SAVP);
        SdpNegotiation n = OfferAnswer.negotiate(sd, G711, MediaEncryption.ALLOW, RANDOM);
        assertEquals(1, n.remoteCrypto().tag());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_32, n.remoteCrypto().profile());
        assertEquals(n.remoteCrypto(), SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_32).orElseThrow());

        SessionDescription answer = parse(OfferAnswer.answer(n, sd, "192.0.2.200", 30000, 1, 1));
        MediaDescription audio = answer.media().get(0);
        assertEquals("RTP/SAVP", audio.protocol());
        List<SdesCrypto> answered = SdesCrypto.offered(audio.attributes());
        assertEquals(List.of(n.localCrypto()), answered);
        assertEquals(1, answered.get(0).tag());
        assertFalse(java.util.Arrays.equals(n.remoteCrypto().key(), answered.get(0).key()));
    }

    @Test
    void savpWithoutAUsableKeyIsRefusedAndAPlainStreamAfterItIsTaken() throws SdpException {
        String noKey = offer("RTP/SAVP", "1 F8_128_HMAC_SHA1_80 inline:" + KEY_80);
        SdpException e = assertThrows(SdpException.class,
                () -> OfferAnswer.negotiate(parse(noKey), G711, MediaEncryption.ALLOW, RANDOM));
        assertTrue(e.reason().contains("no usable a=crypto"), e.reason());

        String both = noKey + "m=audio 4002 RTP/AVP 0\r\n";
        SdpNegotiation n = OfferAnswer.negotiate(parse(both), G711, MediaEncryption.ALLOW, RANDOM);
        assertEquals(1, n.audioMediaIndex());
        assertFalse(n.srtp());
    }

    @Test
    void theOldOverloadStaysPlain() {
        assertThrows(SdpException.class, () -> OfferAnswer.negotiate(parse(SAVP), G711));
    }

    @Test
    void aReofferWithTheSameSuiteAndTagKeepsOurKey() throws SdpException {
        SdpNegotiation first = OfferAnswer.negotiate(parse(SAVP), G711, MediaEncryption.ALLOW, RANDOM);
        SdpNegotiation again = OfferAnswer.negotiate(parse(SAVP), G711, MediaEncryption.ALLOW, RANDOM);
        assertNotEquals(first.localCrypto(), again.localCrypto());
        assertEquals(first.localCrypto(), again.keepingLocalKeyOf(first).localCrypto());
        String other = offer("RTP/SAVP", "5 AES_CM_128_HMAC_SHA1_80 inline:" + KEY_80);
        SdpNegotiation moved = OfferAnswer.negotiate(parse(other), G711, MediaEncryption.ALLOW, RANDOM);
        assertSame(moved, moved.keepingLocalKeyOf(first));
    }

    @Test
    void outboundOfferCarriesOurKeysAndTheAnswerPicksOne() throws SdpException {
        List<SdesCrypto> ours = List.of(SdesCrypto.generate(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80, RANDOM),
                SdesCrypto.generate(2, SrtpProfile.AES_CM_128_HMAC_SHA1_32, RANDOM));
        MediaDescription offered = parse(OfferAnswer.offer(G711, 101, 20, "192.0.2.200", 30000, 1, 1,
                MediaDirection.SENDRECV, ours)).media().get(0);
        assertEquals("RTP/SAVP", offered.protocol());
        assertEquals(ours, SdesCrypto.offered(offered.attributes()));

        String answer = offer("RTP/SAVP", "2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_32);
        SdpNegotiation n = OfferAnswer.negotiateAnswer(parse(answer), G711, MediaEncryption.ALLOW, ours);
        assertEquals(ours.get(1), n.localCrypto());
        assertArrayEquals(SdesCrypto.parse("2 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_32).orElseThrow().key(),
                n.remoteCrypto().key());

        String wrongTag = offer("RTP/SAVP", "9 AES_CM_128_HMAC_SHA1_32 inline:" + KEY_32);
        assertThrows(SdpException.class,
                () -> OfferAnswer.negotiateAnswer(parse(wrongTag), G711, MediaEncryption.ALLOW, ours));
        String plain = offer("RTP/AVP");
        assertFalse(OfferAnswer.negotiateAnswer(parse(plain), G711, MediaEncryption.ALLOW, ours).srtp());
        assertThrows(SdpException.class,
                () -> OfferAnswer.negotiateAnswer(parse(plain), G711, MediaEncryption.REQUIRE, ours));
        assertNull(OfferAnswer.negotiateAnswer(parse(plain), G711, MediaEncryption.DISABLE, List.of()).localCrypto());
    }
}
