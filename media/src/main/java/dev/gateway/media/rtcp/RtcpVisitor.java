package dev.gateway.media.rtcp;

/**
 * Receives the parts of a compound RTCP packet from {@link RtcpCodec#parse}, in wire order. Callbacks take
 * primitives so that parsing allocates nothing. Every method has an empty default; implement what you need.
 *
 * <p>Called on the thread that calls {@code parse} (the stream's event loop); implementations need not be
 * thread-safe unless they share state elsewhere. Units: SSRCs and 32-bit fields as unsigned values in a long.
 */
public interface RtcpVisitor {

    /** SR sender info (RFC 3550 §6.4.1); {@code ntpTimestamp} is the full 64-bit NTP time, RTP time in ticks. */
    default void onSenderReport(long ssrc, long ntpTimestamp, long rtpTimestamp, long packetCount,
            long octetCount) {
    }

    /** Header of an RR (RFC 3550 §6.4.2); its blocks follow through {@link #onReportBlock}. */
    default void onReceiverReport(long ssrc) {
    }

    /**
     * One report block of the preceding SR or RR.
     *
     * @param fractionLost   1/256 units
     * @param cumulativeLost signed 24-bit
     * @param jitter         RTP ticks
     * @param lastSr         middle 32 bits of an NTP timestamp
     * @param delaySinceLastSr 1/65536 s
     */
    default void onReportBlock(long reporterSsrc, long sourceSsrc, int fractionLost, int cumulativeLost,
            long extendedHighestSequence, long jitter, long lastSr, long delaySinceLastSr) {
    }

    /** One SSRC named by a BYE (RFC 3550 §6.6); called once per SSRC. The optional reason is skipped. */
    /**
     * One generic NACK entry (RFC 4585 §6.2.1): packet {@code pid} is lost, and packet {@code pid + i + 1} too for
     * every bit i set in {@code blp}.
     */
    default void onNack(long senderSsrc, long mediaSsrc, int pid, int blp) {
    }

    default void onBye(long ssrc) {
    }

    /** A packet of a type this parser does not decode (SDES, APP, feedback, XR...): skipped. */
    default void onOtherPacket(int packetType, int count) {
    }
}
