package dev.gateway.media.call;

import dev.gateway.media.g711.G711;

/**
 * What a {@link CallMedia} needs from the phone's RTP (an {@code RtpEndpoint}; a fake in tests): the caller's
 * play-out, a way to send the 20 ms due now, and the leg's own timers. All on the call's event loop.
 */
public interface RtpLeg {

    /** The caller's next 20 ms (160 samples at 8 kHz) into {@code out[off..]}; true when it holds real audio. */
    boolean playOut(long nowNanos, short[] out, int off);

    /**
     * True when the far end may be sent to: it has proven its address by sending (a phone leg sends nothing to an
     * address only the SDP named). Until then the call holds its audio for the phone.
     */
    default boolean canSend() {
        return true;
    }

    /** Encodes and sends this tick's audio to the phone now (one 20 ms frame; packets per the leg's ptime). */
    void send(short[] pcm, int off, int count);

    /** The leg's timers once per tick: RTCP, media timeout. */
    void housekeeping(long nowNanos);

    /** The G.711 law the phone's packets carry now, or null before the leg is opened with a negotiated one. */
    default G711 codec() {
        return null;
    }

    /** The receive chain as text, e.g. {@code phone PCMU/8000 -> jitter(20..100ms) -> g711(PCMU)}. */
    String receivePath();

    /** The send chain as text, e.g. {@code g711(PCMU) -> rtp -> udp}. */
    String sendPath();
}
