package dev.gateway.media.endpoint;

import dev.gateway.media.g711.G711;
import java.net.InetSocketAddress;

/**
 * What offer/answer decided for one call's phone-side media. Immutable.
 *
 * @param codec                  the negotiated G.711 law
 * @param telephoneEventPayloadType the RFC 4733 payload type from the offer, or -1 when the peer has none
 * @param ptimeMs                packet time we send and expect (10..60 ms, usually 20 or 30)
 * @param remote                 where the SDP says the phone's RTP is: its IP must send before we do (strict latching)
 * @param send                   false while the peer holds us (our direction recvonly/inactive)
 * @param expectMedia            false when the peer said it will not send (inactive or recvonly): no media timeout
 * @param srtp                   the SRTP keys (RTP/SAVP), or null for plain RTP
 */
public record MediaParams(G711 codec, int telephoneEventPayloadType, int ptimeMs, InetSocketAddress remote,
                          boolean send, boolean expectMedia, SrtpKeying srtp) {

    /** Plain RTP. */
    public MediaParams(G711 codec, int telephoneEventPayloadType, int ptimeMs, InetSocketAddress remote,
                       boolean send, boolean expectMedia) {
        this(codec, telephoneEventPayloadType, ptimeMs, remote, send, expectMedia, null);
    }

    public MediaParams {
        if (codec == null) {
            throw new IllegalArgumentException("codec must not be null");
        }
        if (telephoneEventPayloadType < -1 || telephoneEventPayloadType > 127) {
            throw new IllegalArgumentException("telephone-event payload type must be -1 or 0..127, got " + telephoneEventPayloadType);
        }
        if (ptimeMs < 10 || ptimeMs > 60 || ptimeMs % 10 != 0) {
            throw new IllegalArgumentException("ptime must be 10, 20, ... 60 ms, got " + ptimeMs);
        }
        if (remote == null) {
            throw new IllegalArgumentException("remote must not be null");
        }
    }

    /** Samples per packet at 8 kHz. */
    public int samplesPerPacket() {
        return ptimeMs * 8;
    }
}
