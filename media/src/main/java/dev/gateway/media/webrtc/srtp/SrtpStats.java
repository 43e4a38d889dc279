package dev.gateway.media.webrtc.srtp;

/**
 * Immutable snapshot of a {@link SrtpContext}'s counters, SRTP and SRTCP together, cumulative over the
 * context's life. Safe to share between threads.
 *
 * @param protectedPackets   packets given to protectRtp or protectRtcp
 * @param unprotectedPackets packets answered {@link SrtpResult#OK}
 * @param authFailures       packets answered {@link SrtpResult#AUTH_FAILED}
 * @param replays            packets answered {@link SrtpResult#REPLAYED}
 * @param tooShort           packets answered {@link SrtpResult#TOO_SHORT}
 */
public record SrtpStats(long protectedPackets, long unprotectedPackets, long authFailures, long replays,
        long tooShort) {
}
