package dev.gateway.media.webrtc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The publisher offer's audio section for each uplink choice, read back with the parser the answer goes through. */
class WebRtcSdpWriterTest {
    private static final WebRtcSdpWriter.Local LOCAL = new WebRtcSdpWriter.Local("ufrag", "pwd0123456789012345678",
            "AB:CD", "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", 42);

    private static String offer(List<Integer> pts) {
        return WebRtcSdpWriter.publisherOffer(LOCAL, 1234, "gw-c1", "phone-c1", "TR_phone_1", pts);
    }

    private static List<String> audioLines(String sdp) {
        String audio = sdp.substring(sdp.indexOf("m=audio"), sdp.indexOf("m=application"));
        return audio.lines().filter(l -> l.startsWith("m=audio") || l.startsWith("a=rtpmap") || l.startsWith("a=fmtp")
                || l.startsWith("a=rtcp-fb")).toList();
    }

    @Test
    void g711ForAPcmuPhoneOffersPcmuThenPcmaThenOpus() throws WebRtcException {
        String sdp = offer(List.of(0, 8, 111));
        assertEquals(List.of("m=audio 9 UDP/TLS/RTP/SAVPF 0 8 111",
                "a=rtpmap:0 PCMU/8000", "a=rtcp-fb:0 nack",
                "a=rtpmap:8 PCMA/8000", "a=rtcp-fb:8 nack",
                "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 nack", "a=fmtp:111 minptime=10;useinbandfec=1"),
                audioLines(sdp));
        WebRtcDescription.Section audio = WebRtcDescription.parse(sdp).firstOf("audio");
        assertEquals(List.of("0", "8", "111"), audio.formats());
        assertEquals(111, audio.opusPayloadType());
        assertEquals(WebRtcSdpWriter.AUDIO_LEVEL_EXT_ID, audio.extensions().get(WebRtcDescription.AUDIO_LEVEL_URI));
        assertEquals("sendonly", audio.direction());
        assertTrue(sdp.contains("a=ssrc:1234 msid:phone-c1 TR_phone_1\r\n"), sdp);
    }

    @Test
    void aPcmaPhoneWithUplinkCodecPcmuOffersTheTwoLawsAlone() {
        assertEquals(List.of("m=audio 9 UDP/TLS/RTP/SAVPF 8 0",
                "a=rtpmap:8 PCMA/8000", "a=rtcp-fb:8 nack",
                "a=rtpmap:0 PCMU/8000", "a=rtcp-fb:0 nack"), audioLines(offer(List.of(8, 0))));
    }

    @Test
    void opusAloneIsTheOfferOfBefore() {
        String sdp = offer(List.of(111));
        assertEquals(WebRtcSdpWriter.publisherOffer(LOCAL, 1234, "gw-c1", "phone-c1", "TR_phone_1"), sdp);
        assertEquals(List.of("m=audio 9 UDP/TLS/RTP/SAVPF 111", "a=rtpmap:111 opus/48000/2", "a=rtcp-fb:111 nack",
                "a=fmtp:111 minptime=10;useinbandfec=1"), audioLines(sdp));
        assertFalse(sdp.contains("PCMU"));
    }

    @Test
    void onlyTheThreeKnownPayloadTypes() {
        assertThrows(IllegalArgumentException.class, () -> offer(List.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> offer(List.of(0, 9)));
        assertTrue(e.getMessage().contains("payload type 9"), e.getMessage());
    }
}
