package dev.gateway.media.webrtc.ice;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The check list (RFC 8445 §6.1.2) of an agent with one local candidate: pairs sorted by pair priority, highest
 * first, and the triggered-check queue (§7.3.1.4). With one local priority the pair priority grows with the
 * remote priority in either role, so the order survives a role switch. Confined to the agent's loop.
 */
final class IceCheckList {

    private final List<IcePair> pairs = new ArrayList<>();
    private final ArrayDeque<IcePair> triggered = new ArrayDeque<>();

    /** The pair whose remote is {@code remote}, or null. */
    IcePair find(InetSocketAddress remote) {
        for (IcePair p : pairs) {
            if (p.remote.equals(remote)) {
                return p;
            }
        }
        return null;
    }

    /** Inserts a new WAITING pair in priority order. */
    IcePair add(InetSocketAddress remote, long remotePriority, long localPriority, IceRole role) {
        IcePair pair = new IcePair(remote, remotePriority, localPriority, role);
        int i = 0;
        while (i < pairs.size() && pairs.get(i).pairPriority >= pair.pairPriority) {
            i++;
        }
        pairs.add(i, pair);
        return pair;
    }

    /** Queues a triggered check on {@code pair} unless one is already queued. */
    void trigger(IcePair pair) {
        if (!triggered.contains(pair)) {
            triggered.addLast(pair);
        }
    }

    /** The oldest triggered pair, removed from the queue, or null. */
    IcePair pollTriggered() {
        return triggered.pollFirst();
    }

    /** The highest-priority WAITING pair, or null. */
    IcePair nextWaiting() {
        for (IcePair p : pairs) {
            if (p.state == IcePair.State.WAITING) {
                return p;
            }
        }
        return null;
    }

    /** The highest-priority valid pair, or null. */
    IcePair bestValid() {
        for (IcePair p : pairs) {
            if (p.valid()) {
                return p;
            }
        }
        return null;
    }

    void clearTriggered() {
        triggered.clear();
    }

    boolean isEmpty() {
        return pairs.isEmpty();
    }
}
