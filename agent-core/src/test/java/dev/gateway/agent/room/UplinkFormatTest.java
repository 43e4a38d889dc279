package dev.gateway.agent.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gateway.agent.room.LiveKitSettings.UplinkCodec;
import dev.gateway.media.g711.G711;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the publisher offer lists per livekit.uplinkCodec and phone law, and what a room's answer picks from it. */
class UplinkFormatTest {

    /** A publisher answer as livekit-server 1.13.5 (pion) wrote it for our G.711-first offer, trimmed. */
    private static WebRtcDescription.Section answer(String formats, String rtpmaps) throws WebRtcException {
        String sdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 AB:CD\r\n"
                + "a=group:BUNDLE 0 1\r\n"
                + "m=audio 9 UDP/TLS/RTP/SAVPF " + formats + "\r\nc=IN IP4 0.0.0.0\r\na=setup:active\r\na=mid:0\r\n"
                + "a=ice-ufrag:u\r\na=ice-pwd:p\r\na=rtcp-mux\r\na=recvonly\r\n" + rtpmaps
                + "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                + "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\n";
        return WebRtcDescription.parse(sdp).firstOf("audio");
    }

    @Test
    void offersThePhonesLawFirstThenTheOtherThenOpus() {
        assertEquals(List.of(0, 8, 111), UplinkFormat.offer(UplinkCodec.AUTO, G711.PCMU));
        assertEquals(List.of(8, 0, 111), UplinkFormat.offer(UplinkCodec.AUTO, G711.PCMA));
        assertEquals(List.of(0, 8), UplinkFormat.offer(UplinkCodec.PCMU, G711.PCMU));
        assertEquals(List.of(8, 0), UplinkFormat.offer(UplinkCodec.PCMU, G711.PCMA));
        assertEquals(List.of(111), UplinkFormat.offer(UplinkCodec.OPUS, G711.PCMA));
    }

    @Test
    void theAnswersFirstFormatWeOfferedIsSent() throws WebRtcException {
        assertEquals(new UplinkFormat(G711.PCMU, 0), UplinkFormat.fromAnswer(answer("0 8 111",
                "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:111 opus/48000/2\r\n"), List.of(0, 8, 111)));
        assertEquals(new UplinkFormat(G711.PCMA, 8), UplinkFormat.fromAnswer(answer("8 0 111",
                "a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:111 opus/48000/2\r\n"), List.of(8, 0, 111)));
        // a room without G.711 (room.enabled_codecs: opus only) answers Opus alone
        UplinkFormat opus = UplinkFormat.fromAnswer(answer("111", "a=rtpmap:111 opus/48000/2\r\n"), List.of(0, 8, 111));
        assertEquals(new UplinkFormat(null, 111), opus);
        assertEquals("opus/48000 (payload type 111)", opus.describe());
        assertEquals("PCMA/8000 (payload type 8)", new UplinkFormat(G711.PCMA, 8).describe());
    }

    @Test
    void nothingWeOfferedOrARejectedSectionIsNoFormat() throws WebRtcException {
        assertNull(UplinkFormat.fromAnswer(answer("111", "a=rtpmap:111 opus/48000/2\r\n"), List.of(0, 8)));
        assertNull(UplinkFormat.fromAnswer(answer("9", "a=rtpmap:9 G722/8000\r\n"), List.of(0, 8, 111)));
        assertNull(UplinkFormat.fromAnswer(null, List.of(0, 8, 111))); // firstOf: the audio section was rejected
    }
}
