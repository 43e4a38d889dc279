package dev.gateway.agent.room;

import dev.gateway.agent.room.LiveKitSettings.UplinkCodec;
import dev.gateway.media.g711.G711;
import dev.gateway.media.webrtc.WebRtcDescription;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import java.util.List;

/**
 * What the caller's track is sent as: G.711 in one law (8 kHz RTP clock) or Opus (48 kHz clock), with the payload
 * type the room's answer gave it. Which formats the publisher offer lists, and in what order, follows
 * {@code livekit.uplinkCodec} and the phone's law; the room's answer picks one. Immutable.
 *
 * @param law         the G.711 law, or null for Opus
 * @param payloadType the payload type from the answer
 */
record UplinkFormat(G711 law, int payloadType) {

    boolean opus() {
        return law == null;
    }

    /** For logs: {@code PCMU/8000}, {@code PCMA/8000} or {@code opus/48000}. */
    String describe() {
        return (law == null ? "opus/48000" : law.encodingName() + "/8000") + " (payload type " + payloadType + ")";
    }

    /**
     * The payload types to offer, preferred first: the phone's law, the other law, then Opus ({@code AUTO}); the
     * two laws alone ({@code PCMU}); Opus alone ({@code OPUS}).
     */
    static List<Integer> offer(UplinkCodec mode, G711 phone) {
        G711 other = phone == G711.PCMU ? G711.PCMA : G711.PCMU;
        return switch (mode) {
            case AUTO -> List.of(phone.payloadType(), other.payloadType(), WebRtcSdpWriter.OPUS_PT);
            case PCMU -> List.of(phone.payloadType(), other.payloadType());
            case OPUS -> List.of(WebRtcSdpWriter.OPUS_PT);
        };
    }

    /**
     * The first of the answer's formats that we offered, in the answer's order (Opus by its rtpmap, whatever
     * number the answer gives it); null when the answer rejects the audio section or accepts none of them.
     */
    static UplinkFormat fromAnswer(WebRtcDescription.Section audio, List<Integer> offered) {
        if (audio == null || audio.rejected()) {
            return null;
        }
        for (String f : audio.formats()) {
            int pt;
            try {
                pt = Integer.parseInt(f);
            } catch (NumberFormatException e) {
                continue;
            }
            if (pt == audio.opusPayloadType()) {
                if (offered.contains(WebRtcSdpWriter.OPUS_PT)) {
                    return new UplinkFormat(null, pt);
                }
                continue;
            }
            G711 law = G711.ofPayloadType(pt);
            if (law != null && offered.contains(pt)) {
                return new UplinkFormat(law, pt);
            }
        }
        return null;
    }
}
