package dev.gateway.media.endpoint;

import java.util.BitSet;

/**
 * Hands out even RTP ports (RTCP takes the odd port above) from a fixed range, round-robin so a port just freed
 * is not reused at once (late packets of the old call would land in the new one). Thread-safe: used at call set-up
 * and tear-down, never per packet.
 */
public final class RtpPortPool {
    private final int portMin;
    private final int pairs;
    private final BitSet inUse;
    private int cursor;
    private int used;

    /** @param portMin even first port; @param portMax last usable port (an RTP/RTCP pair must fit) */
    public RtpPortPool(int portMin, int portMax) {
        if (portMin % 2 != 0 || portMax <= portMin) {
            throw new IllegalArgumentException("port range must start even and hold at least one pair: " + portMin + ".." + portMax);
        }
        this.portMin = portMin;
        this.pairs = (portMax - portMin + 1) / 2;
        this.inUse = new BitSet(pairs);
    }

    /** @return an even port, or -1 when every pair is taken */
    public synchronized int acquire() {
        if (used == pairs) {
            return -1;
        }
        int i = inUse.nextClearBit(cursor);
        if (i >= pairs) {
            i = inUse.nextClearBit(0);
        }
        inUse.set(i);
        used++;
        cursor = (i + 1) % pairs;
        return portMin + 2 * i;
    }

    /** Returns a port taken by {@link #acquire()}; releasing a free port is an error. */
    public synchronized void release(int port) {
        int i = (port - portMin) / 2;
        if (port % 2 != 0 || i < 0 || i >= pairs || !inUse.get(i)) {
            throw new IllegalStateException("port " + port + " was not taken from this pool");
        }
        inUse.clear(i);
        used--;
    }

    public synchronized int inUse() {
        return used;
    }

    public int capacity() {
        return pairs;
    }
}
