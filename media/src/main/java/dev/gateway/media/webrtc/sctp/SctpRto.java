package dev.gateway.media.webrtc.sctp;

import java.util.concurrent.TimeUnit;

/**
 * Retransmission timeout estimator (RFC 4960 §6.3.1): SRTT/RTTVAR with alpha 1/8 and beta 1/4, RTO = SRTT +
 * 4 RTTVAR, doubled on each T3 expiry (§6.3.3). Bounds: initial 1 s, min 200 ms (below the RFC's 1 s, like the
 * WebRTC stacks; DTLS runs over ICE with short paths), max 10 s. Mutable; loop-confined.
 */
final class SctpRto {

    static final long INITIAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(10);

    private long srtt = -1;
    private long rttvar;
    private long rto = INITIAL_NANOS;

    /** Feeds one round-trip measurement. */
    void onMeasurement(long rttNanos) {
        if (rttNanos < 0) {
            return;
        }
        if (srtt < 0) {
            srtt = rttNanos;
            rttvar = rttNanos / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - rttNanos)) / 4;
            srtt = (7 * srtt + rttNanos) / 8;
        }
        rto = clamp(srtt + 4 * rttvar);
    }

    /** T3 or T1 expired: back off. */
    void backOff() {
        rto = clamp(rto * 2);
    }

    long rtoNanos() {
        return rto;
    }

    private static long clamp(long v) {
        return Math.max(MIN_NANOS, Math.min(MAX_NANOS, v));
    }
}
