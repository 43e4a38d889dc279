package dev.gateway.media.webrtc.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory datagram network for {@link IceAgent} tests: packets sent during one step are delivered at the next
 * (one step of latency), senders can be muted, and every buffer handed to an output is remembered so the test
 * can assert that all were released. Single-threaded.
 */
final class FakeNetwork {

    private record Datagram(ByteBuf packet, InetSocketAddress from, InetSocketAddress to) {
    }

    private final ArrayDeque<Datagram> inFlight = new ArrayDeque<>();
    private final Map<InetSocketAddress, IceAgent> agents = new HashMap<>();
    private final Set<InetSocketAddress> muted = new HashSet<>();
    private final List<ByteBuf> sent = new ArrayList<>();

    /** The output of the agent bound to {@code self}. */
    IceAgent.Output output(InetSocketAddress self) {
        return (packet, to) -> {
            sent.add(packet);
            if (muted.contains(self)) {
                packet.release();
            } else {
                inFlight.add(new Datagram(packet, self, to));
            }
        };
    }

    void bind(InetSocketAddress address, IceAgent agent) {
        agents.put(address, agent);
    }

    /** Drops everything {@code sender} sends from now on. */
    void mute(InetSocketAddress sender) {
        muted.add(sender);
    }

    /** Delivers what was in flight at the start of the call; releases each packet after delivery. */
    void deliver(long nowNanos) {
        for (int n = inFlight.size(); n > 0; n--) {
            Datagram d = inFlight.poll();
            try {
                IceAgent agent = agents.get(d.to());
                if (agent != null) {
                    agent.onStun(d.packet(), d.from(), nowNanos);
                }
            } finally {
                d.packet().release();
            }
        }
    }

    /** Drops what is still in flight and asserts every buffer ever sent is released (after the agents closed). */
    void assertAllReleased() {
        while (!inFlight.isEmpty()) {
            inFlight.poll().packet().release();
        }
        for (ByteBuf b : sent) {
            assertEquals(0, b.refCnt(), "leaked buffer");
        }
    }
}
