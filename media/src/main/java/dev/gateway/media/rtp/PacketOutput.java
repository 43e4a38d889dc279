package dev.gateway.media.rtp;

import io.netty.buffer.ByteBuf;

/**
 * Where a packetiser's packets go: the phone's UDP socket, or a WebRTC transport (SRTP, then ICE). Each call
 * hands over one reference: the output sends and releases it. Called on the owner's event loop (the socket's).
 */
public interface PacketOutput {

    /** False while the path cannot carry media yet (ICE or DTLS not done); the packetiser then skips the frame. */
    default boolean isReady() {
        return true;
    }

    /** Sends one plaintext RTP packet and releases it. */
    void sendRtp(ByteBuf packet);

    /** Sends one plaintext RTCP compound packet and releases it. */
    void sendRtcp(ByteBuf packet);
}
