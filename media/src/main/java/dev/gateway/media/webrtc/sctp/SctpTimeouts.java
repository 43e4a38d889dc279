package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.Unpooled;

/**
 * The timer-driven part of an association, run by each {@link SctpAssociation#tick}: T1 (INIT, COOKIE ECHO: §5.1),
 * T2 (SHUTDOWN: §9.2), T3-rtx (§6.3.3), the delayed SACK (§6.2) and the heartbeat (§8.3), in that order; and the
 * heartbeat's acknowledgement, which measures the RTT and clears the error count. When a retransmission limit is
 * passed it closes (T1) or aborts (T2, T3, heartbeat) the association and runs no further timer.
 *
 * <p>Threading: loop-confined to its association. Pure function of the times it is given: nothing here reads a clock.
 */
final class SctpTimeouts {

    private final SctpTcb tcb;
    private final SctpBundler bundler;
    private final SctpHandshake handshake;
    private final SctpShutdownSequence shutdown;
    private final SctpAssociation association;

    SctpTimeouts(SctpTcb tcb, SctpBundler bundler, SctpHandshake handshake, SctpShutdownSequence shutdown,
            SctpAssociation association) {
        this.tcb = tcb;
        this.bundler = bundler;
        this.handshake = handshake;
        this.shutdown = shutdown;
        this.association = association;
    }

    /** Runs the timers due at {@code tcb.now}; what they owe goes out with the caller's next flush. */
    void run() {
        if (tcb.t1.expire(tcb.now) && !handshake.onT1Expiry()) {
            association.close("handshake timed out");
            return;
        }
        if (tcb.t2.expire(tcb.now) && !shutdown.onT2Expiry()) {
            association.abort("shutdown timed out");
            return;
        }
        if (tcb.t3.expire(tcb.now)) {
            tcb.counters.retransmitTimeouts.increment();
            if (++tcb.errorCount > SctpAssociation.MAX_RETRANSMISSIONS) {
                association.abort("retransmission limit reached");
                return;
            }
            tcb.rto.backOff();
            tcb.sendQueue.onRetransmitTimeout();
            bundler.checkForwardTsn();
        }
        if (tcb.delayedSack.expire(tcb.now)) {
            bundler.sackNow();
        }
        if (tcb.heartbeat.expire(tcb.now) && tcb.state == SctpState.ESTABLISHED) {
            if (tcb.heartbeatOutstanding && ++tcb.errorCount > SctpAssociation.MAX_RETRANSMISSIONS) {
                association.abort("peer unreachable (heartbeat)");
                return;
            }
            byte[] info = new byte[Long.BYTES];
            Unpooled.wrappedBuffer(info).setLong(0, tcb.now);
            bundler.owe(new SctpHeartbeatChunk(false, info));
            tcb.counters.heartbeatsSent.increment();
            tcb.heartbeatOutstanding = true;
            tcb.heartbeat.start(tcb.now, SctpAssociation.HEARTBEAT_INTERVAL_NANOS + tcb.rto.rtoNanos());
        }
    }

    /** HEARTBEAT ACK: {@code info} is the 8-byte send time we put in the HEARTBEAT, so it gives an RTT sample. */
    void onHeartbeatAck(byte[] info) {
        tcb.counters.heartbeatAcksReceived.increment();
        if (info.length == Long.BYTES) {
            tcb.rto.onMeasurement(tcb.now - Unpooled.wrappedBuffer(info).readLong());
        }
        tcb.heartbeatOutstanding = false;
        tcb.errorCount = 0;
    }
}
