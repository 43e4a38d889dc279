package dev.gateway.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Construction-time validation and defensive copies of the SDP value types. */
class SdpRecordsTest {

    private static MediaDescription audio(List<Integer> pts, Map<Integer, RtpMap> maps) {
        return new MediaDescription("audio", 5004, "RTP/AVP", pts, maps, Map.of(), null, null, null, null, false,
                List.of());
    }

    @Test
    void mediaDescriptionCopiesAndOrdersByPayloadType() {
        List<Integer> pts = new ArrayList<>(List.of(8, 0));
        Map<Integer, RtpMap> maps = new LinkedHashMap<>();
        maps.put(0, RtpMap.staticAudio(0));
        maps.put(8, RtpMap.staticAudio(8));
        MediaDescription m = audio(pts, maps);
        pts.add(101);
        maps.clear();
        assertEquals(List.of(8, 0), m.payloadTypes());
        assertEquals(List.of(8, 0), List.copyOf(m.rtpMaps().keySet()), "maps follow m= line order");
        assertThrows(UnsupportedOperationException.class, () -> m.payloadTypes().add(1));
        assertThrows(UnsupportedOperationException.class, () -> m.rtpMaps().clear());
    }

    @Test
    void mediaDescriptionRejectsInconsistentValues() {
        assertThrows(IllegalArgumentException.class, () -> audio(List.of(), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> audio(List.of(0, 0), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> audio(List.of(128), Map.of()));
        assertThrows(IllegalArgumentException.class, () -> audio(List.of(0), Map.of(8, RtpMap.staticAudio(8))));
        assertThrows(IllegalArgumentException.class, () -> audio(List.of(0), Map.of(0, RtpMap.staticAudio(8))));
        assertThrows(IllegalArgumentException.class, () -> new MediaDescription("audio", 70000, "RTP/AVP",
                List.of(0), Map.of(), Map.of(), null, null, null, null, false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MediaDescription("audio", 5004, "UDP/BFCP",
                List.of(0), Map.of(), Map.of(), null, null, null, null, false, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new MediaDescription("audio", 5004, "RTP/AVP",
                List.of(0), Map.of(), Map.of(), null, 0, null, null, false, List.of()));
    }

    @Test
    void sessionDescriptionRejectsBadOrigin() {
        assertThrows(IllegalArgumentException.class, () -> new SessionDescription(1, "-", "1", "1", "IN", "IP4",
                "192.0.2.1", "-", null, null, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SessionDescription(0, "a b", "1", "1", "IN", "IP4",
                "192.0.2.1", "-", null, null, List.of(), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new SessionDescription(0, "-", "1", "1", "IN", "IP4",
                "192.0.2.1", "", null, null, List.of(), List.of()));
    }

    @Test
    void rtpMapValidatesAndFormats() {
        assertEquals("111 opus/48000/2", new RtpMap(111, "opus", 48000, 2).attributeValue());
        assertEquals("0 PCMU/8000", RtpMap.staticAudio(0).attributeValue());
        assertThrows(IllegalArgumentException.class, () -> RtpMap.of(-1, "PCMU", 8000));
        assertThrows(IllegalArgumentException.class, () -> RtpMap.of(0, "PC MU", 8000));
        assertThrows(IllegalArgumentException.class, () -> RtpMap.of(0, "PCMU", 0));
        assertThrows(IllegalArgumentException.class, () -> new RtpMap(0, "PCMU", 8000, 0));
    }
}
