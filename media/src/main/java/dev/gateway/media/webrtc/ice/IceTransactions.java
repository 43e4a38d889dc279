package dev.gateway.media.webrtc.ice;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * Outstanding client transactions of an {@link IceAgent} and their retransmission (RFC 8489 §6.2.1 with ICE's
 * values): RTO starts at 100 ms and doubles up to 1.6 s; at most 7 sends (at 0, 0.1, 0.3, 0.7, 1.5, 3.1, 4.7 s);
 * the transaction times out one capped RTO after the last send (6.3 s). Each send hands the output a retained
 * duplicate of the encoded request, so nothing is re-encoded. Confined to the agent's loop; a handful of entries,
 * so lookups are linear.
 */
final class IceTransactions {

    static final long INITIAL_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    static final long MAX_RTO_NANOS = TimeUnit.MILLISECONDS.toNanos(1600);
    static final int MAX_SENDS = 7;

    private final List<IceTransaction> pending = new ArrayList<>();
    private final IceAgent.Output out;
    private final LongAdder retransmits = new LongAdder();

    IceTransactions(IceAgent.Output out) {
        this.out = out;
    }

    /** Sends {@code t} now and schedules its retransmissions; takes ownership of {@code t.encoded}. */
    void start(IceTransaction t, long nowNanos) {
        pending.add(t);
        t.rtoNanos = INITIAL_RTO_NANOS;
        send(t, nowNanos);
    }

    /** The pending transaction with this id, or null. */
    IceTransaction find(byte[] id) {
        for (IceTransaction t : pending) {
            if (Arrays.equals(t.id, id)) {
                return t;
            }
        }
        return null;
    }

    /** Ends {@code t} (answered) and releases its buffer. */
    void finish(IceTransaction t) {
        if (pending.remove(t)) {
            t.encoded.release();
        }
    }

    /** Retransmits what is due; ends and reports transactions whose last wait ran out. */
    void tick(long nowNanos, Consumer<IceTransaction> onTimeout) {
        for (int i = 0; i < pending.size(); i++) {
            IceTransaction t = pending.get(i);
            if (nowNanos - t.nextSendNanos < 0) {
                continue;
            }
            if (t.sends >= MAX_SENDS) {
                pending.remove(i--);
                t.encoded.release();
                onTimeout.accept(t);
            } else {
                retransmits.increment();
                send(t, nowNanos);
            }
        }
    }

    /** Ends every transaction and releases the buffers; nothing is reported. */
    void clear() {
        for (IceTransaction t : pending) {
            t.encoded.release();
        }
        pending.clear();
    }

    /** True if a non-consent check is outstanding on {@code pair}. */
    boolean checking(IcePair pair) {
        for (IceTransaction t : pending) {
            if (t.pair == pair && !t.consent) {
                return true;
            }
        }
        return false;
    }

    long retransmits() {
        return retransmits.sum();
    }

    private void send(IceTransaction t, long nowNanos) {
        t.sends++;
        t.nextSendNanos = nowNanos + t.rtoNanos;
        t.rtoNanos = Math.min(t.rtoNanos * 2, MAX_RTO_NANOS);
        out.send(t.encoded.retainedDuplicate(), t.pair.remote);
    }
}
