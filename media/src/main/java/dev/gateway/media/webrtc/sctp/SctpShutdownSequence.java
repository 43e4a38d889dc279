package dev.gateway.media.webrtc.sctp;

import java.util.List;

/**
 * Graceful close of an association (RFC 4960 §9.2): SHUTDOWN once our queued data is acknowledged, SHUTDOWN ACK once
 * the peer's SHUTDOWN has been answered by our data, SHUTDOWN COMPLETE, T2 retransmission of SHUTDOWN and SHUTDOWN
 * ACK, and both sides closing at once. The state moves ESTABLISHED -> SHUTDOWN_PENDING -> SHUTDOWN_SENT when we
 * close first, ESTABLISHED -> SHUTDOWN_RECEIVED -> SHUTDOWN_ACK_SENT when the peer does.
 *
 * <p>Threading: loop-confined to its association; ends it through {@link SctpAssociation#close} on that thread.
 */
final class SctpShutdownSequence {

    private final SctpTcb tcb;
    private final SctpBundler bundler;
    private final SctpAssociation association;

    SctpShutdownSequence(SctpTcb tcb, SctpBundler bundler, SctpAssociation association) {
        this.tcb = tcb;
        this.bundler = bundler;
        this.association = association;
    }

    /** Our user asked to close: SHUTDOWN follows once the queued data is acknowledged. Call when ESTABLISHED. */
    void begin() {
        tcb.state = SctpState.SHUTDOWN_PENDING;
        progress();
    }

    void onShutdown(SctpShutdownChunk s) {
        if (tcb.state == SctpState.ESTABLISHED || tcb.state == SctpState.SHUTDOWN_PENDING) {
            tcb.sendQueue.onSack(new SctpSackChunk(s.cumulativeTsnAck(), SctpAssociation.BUFFER_BYTES, List.of(),
                    List.of()), tcb.now);
            tcb.state = SctpState.SHUTDOWN_RECEIVED;
            progress();
        } else if (tcb.state == SctpState.SHUTDOWN_SENT) { // both closing at once (§9.2)
            sendShutdownAck();
        }
    }

    void onShutdownAck() {
        if (tcb.state == SctpState.SHUTDOWN_SENT || tcb.state == SctpState.SHUTDOWN_ACK_SENT) {
            bundler.sendAlone(tcb.peerTag, new SctpShutdownCompleteChunk(false));
            association.close("shutdown");
        }
    }

    void onShutdownComplete() {
        if (tcb.state == SctpState.SHUTDOWN_ACK_SENT) {
            association.close("shutdown");
        }
    }

    /** Moves the sequence on once the send queue has drained (after a SACK, or when it begins). */
    void progress() {
        if (!tcb.sendQueue.drained()) {
            return;
        }
        if (tcb.state == SctpState.SHUTDOWN_PENDING) {
            tcb.state = SctpState.SHUTDOWN_SENT;
            sendShutdown();
        } else if (tcb.state == SctpState.SHUTDOWN_RECEIVED) {
            sendShutdownAck();
        }
    }

    /**
     * T2 expired: resends SHUTDOWN or SHUTDOWN ACK with a backed-off RTO. False when the association error count
     * passes Association.Max.Retrans and the association should abort.
     */
    boolean onT2Expiry() {
        if (++tcb.errorCount > SctpAssociation.MAX_RETRANSMISSIONS) {
            return false;
        }
        tcb.rto.backOff();
        if (tcb.state == SctpState.SHUTDOWN_SENT) {
            sendShutdown();
        } else if (tcb.state == SctpState.SHUTDOWN_ACK_SENT) {
            sendShutdownAck();
        }
        return true;
    }

    private void sendShutdown() {
        bundler.owe(new SctpShutdownChunk(tcb.receiveQueue.cumulativeTsn()));
        tcb.t2.start(tcb.now, tcb.rto.rtoNanos());
    }

    private void sendShutdownAck() {
        tcb.state = SctpState.SHUTDOWN_ACK_SENT;
        bundler.owe(new SctpShutdownAckChunk());
        tcb.t2.start(tcb.now, tcb.rto.rtoNanos());
    }
}
