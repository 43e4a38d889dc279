package dev.gateway.media.webrtc.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * What each flush of an association sends, and in which order (RFC 4960 §6.10): the owed control chunks in the order
 * they were owed, then the SACK (§6.2), then FORWARD TSN (RFC 3758 §3.5), then as much DATA as the windows allow,
 * bundled into packets by the {@link SctpPacketWriter}. Also the SACK policy: every second packet with DATA, at once
 * on a gap or a duplicate, otherwise after the delayed-SACK timer.
 *
 * <p>The order matters for interop: a COOKIE ACK owed before {@code onEstablished} queues DATA goes out ahead of
 * that DATA (see {@link SctpHandshake}).
 *
 * <p>Threading: loop-confined to its association; the output is invoked on the calling thread.
 */
final class SctpBundler {

    private final SctpTcb tcb;
    private final SctpPacketWriter writer;
    private final List<SctpChunk> control = new ArrayList<>();
    private boolean sackNow;
    private int packetsSinceSack;
    private boolean forwardTsnDue;

    SctpBundler(SctpTcb tcb, SctpPacketWriter writer) {
        this.tcb = tcb;
        this.writer = writer;
    }

    /** Owes a control chunk: it leads the next flush. */
    void owe(SctpChunk chunk) {
        control.add(chunk);
    }

    /** Owes a SACK in the next flush (§6.2: duplicates, FORWARD TSN, delayed-SACK expiry). */
    void sackNow() {
        sackNow = true;
    }

    /** Owes a FORWARD TSN in the next flush when the send queue has abandoned messages to skip. */
    void checkForwardTsn() {
        forwardTsnDue |= tcb.sendQueue.forwardTsn() != null;
    }

    /** A received packet carried DATA: SACK every second such packet and at once on a gap, else delay (§6.2). */
    void onDataPacket() {
        packetsSinceSack++;
        if (packetsSinceSack >= 2 || tcb.receiveQueue.hasGaps()) {
            sackNow = true;
        } else if (!tcb.delayedSack.running()) {
            tcb.delayedSack.start(tcb.now, SctpAssociation.DELAYED_SACK_NANOS);
        }
    }

    /** Sends one chunk in a packet of its own under {@code verificationTag}, after anything bundled under another. */
    void sendAlone(int verificationTag, SctpChunk chunk) {
        writer.begin(verificationTag);
        writer.add(chunk);
        writer.finish();
    }

    /** Drops the owed control chunks (the association closed). */
    void clear() {
        control.clear();
    }

    /** Sends owed control chunks, then as much DATA as the windows allow, bundled. */
    void flush() {
        if (tcb.closed) {
            return;
        }
        writer.begin(tcb.peerTag);
        for (SctpChunk c : control) {
            writer.add(c);
        }
        control.clear();
        if (tcb.delayedSack.running() && tcb.sendQueue != null && tcb.sendQueue.hasPending()) {
            sackNow = true; // bundle the owed SACK with outgoing DATA (§6.2)
        }
        if (tcb.receiveQueue != null && sackNow) {
            writer.add(tcb.receiveQueue.sack(
                    Math.max(0, SctpAssociation.BUFFER_BYTES - tcb.reassembly.bufferedBytes())));
            sackNow = false;
            packetsSinceSack = 0;
            tcb.delayedSack.stop();
        }
        if (tcb.sendQueue != null && forwardTsnDue) {
            SctpForwardTsnChunk fwd = tcb.sendQueue.forwardTsn();
            if (fwd != null) {
                writer.add(fwd);
                tcb.counters.forwardTsnsSent.increment();
                startT3IfStopped();
            }
            forwardTsnDue = false;
        }
        boolean dataMayFlow = tcb.state.acceptsData() || tcb.state == SctpState.SHUTDOWN_RECEIVED;
        if (tcb.sendQueue != null && dataMayFlow) {
            while (tcb.sendQueue.hasPending()) {
                SctpDataChunk d = tcb.sendQueue.poll(writer.room(), tcb.now);
                if (d == null && writer.room() < SctpPacketWriter.MAX_PACKET - SctpPacket.HEADER_SIZE) {
                    writer.finish(); // full packet: try again in a fresh one
                    d = tcb.sendQueue.poll(writer.room(), tcb.now);
                }
                if (d == null) {
                    break;
                }
                writer.add(d);
                startT3IfStopped();
            }
        }
        writer.finish();
    }

    private void startT3IfStopped() {
        if (!tcb.t3.running()) {
            tcb.t3.start(tcb.now, tcb.rto.rtoNanos());
        }
    }
}
