package dev.gateway.media.endpoint;

import java.security.SecureRandom;
import java.util.BitSet;
import java.util.random.RandomGenerator;

/**
 * Hands out even RTP ports (RTCP takes the odd port above) from a fixed range at random, so that the port of the
 * next call cannot be guessed from the last one's (an attacker who knows it can send to it before the phone does).
 * Each choice draws a random pair and takes the first free pair from there on, wrapping round: two bit-set scans
 * at most, no allocation.
 *
 * <p>A port just freed is not reused at once (late packets of the old call would land in the new one): the last
 * {@link #COOLING_MAX} freed pairs (at most half the pool) cool off in a FIFO and are handed out again only when
 * every other pair is taken.
 *
 * <p>Thread-safe: used at call set-up and tear-down, never per packet.
 */
public final class RtpPortPool {
    /** How many freed pairs wait before they may be chosen again. */
    static final int COOLING_MAX = 32;

    private final int portMin;
    private final int pairs;
    private final RandomGenerator random;
    /** Pairs handed out and not released. */
    private final BitSet inUse;
    /** Pairs in use or cooling off: the random search skips these. */
    private final BitSet blocked;
    /** Freed pairs cooling off, oldest at {@code coolHead}. */
    private final int[] cooling;
    private int coolHead;
    private int coolCount;
    private int used;

    /** @param portMin even first port; @param portMax last usable port (an RTP/RTCP pair must fit) */
    public RtpPortPool(int portMin, int portMax) {
        this(portMin, portMax, new SecureRandom());
    }

    /** As {@link #RtpPortPool(int, int)} with the source of randomness given (tests seed it). */
    public RtpPortPool(int portMin, int portMax, RandomGenerator random) {
        if (portMin % 2 != 0 || portMax <= portMin) {
            throw new IllegalArgumentException("port range must start even and hold at least one pair: " + portMin + ".." + portMax);
        }
        this.portMin = portMin;
        this.pairs = (portMax - portMin + 1) / 2;
        this.random = random;
        this.inUse = new BitSet(pairs);
        this.blocked = new BitSet(pairs);
        this.cooling = new int[Math.min(COOLING_MAX, pairs / 2)];
    }

    /** @return an even port chosen at random among the free ones, or -1 when every pair is taken */
    public synchronized int acquire() {
        if (used == pairs) {
            return -1;
        }
        int i = blocked.nextClearBit(random.nextInt(pairs));
        if (i >= pairs) {
            i = blocked.nextClearBit(0);
        }
        if (i >= pairs) { // every free pair is cooling off: take the one freed longest ago
            i = cooling[coolHead];
            coolHead = (coolHead + 1) % cooling.length;
            coolCount--;
        }
        inUse.set(i);
        blocked.set(i);
        used++;
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
        if (cooling.length == 0) {
            blocked.clear(i);
            return;
        }
        if (coolCount == cooling.length) { // the oldest cooled pair becomes free
            blocked.clear(cooling[coolHead]);
            coolHead = (coolHead + 1) % cooling.length;
            coolCount--;
        }
        cooling[(coolHead + coolCount) % cooling.length] = i;
        coolCount++;
    }

    public synchronized int inUse() {
        return used;
    }

    public int capacity() {
        return pairs;
    }
}
