package dev.gateway.media.webrtc.sctp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Two associations wired back to back in memory with a fake clock: each step advances 1 ms, delivers what was
 * sent in the previous step (1 ms one way) and ticks both sides. Loss and duplication come from a seeded random.
 * Not thread-safe.
 */
final class SctpLink {

    static final long STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** One side: its association and everything its listener saw. */
    final class Peer implements SctpAssociation.Listener {
        final SctpAssociation association;
        final List<byte[]> messages = new ArrayList<>();
        final List<Integer> streams = new ArrayList<>();
        final List<Integer> ppids = new ArrayList<>();
        final List<byte[]> sent = new ArrayList<>();
        int established;
        String closedReason;
        int closedCount;
        private final Deque<byte[]> inbox = new ArrayDeque<>();

        Peer(boolean client) {
            association = new SctpAssociation(client, 5000, 5000, (packet, off, len) -> {
                byte[] copy = java.util.Arrays.copyOfRange(packet, off, off + len);
                sent.add(copy);
                Peer other = this == a ? b : a;
                if (random.nextDouble() >= loss) {
                    other.inbox.add(copy);
                    if (random.nextDouble() < duplication) {
                        other.inbox.add(copy.clone());
                    }
                }
            }, this);
        }

        @Override
        public void onEstablished() {
            established++;
        }

        @Override
        public void onMessage(int streamId, int ppid, byte[] data, int off, int len) {
            messages.add(java.util.Arrays.copyOfRange(data, off, off + len));
            streams.add(streamId);
            ppids.add(ppid);
        }

        @Override
        public void onClosed(String reason) {
            closedReason = reason;
            closedCount++;
        }

        SctpStats stats() {
            return association.stats();
        }
    }

    final Random random;
    final Peer a;
    final Peer b;
    double loss;
    double duplication;
    long now = TimeUnit.SECONDS.toNanos(1000);

    SctpLink(long seed) {
        this(seed, false);
    }

    /** {@code bothClients}: b sends INIT too, so the INITs cross. */
    SctpLink(long seed, boolean bothClients) {
        random = new Random(seed);
        a = new Peer(true);
        b = new Peer(bothClients);
    }

    /** Starts both sides and runs until both are established. */
    SctpLink established() {
        a.association.start(now);
        b.association.start(now);
        if (!runUntil(() -> a.established == 1 && b.established == 1, TimeUnit.SECONDS.toNanos(30))) {
            throw new AssertionError("not established: " + a.stats().state() + "/" + b.stats().state());
        }
        return this;
    }

    void step() {
        now += STEP_NANOS;
        deliver(a);
        deliver(b);
        a.association.tick(now);
        b.association.tick(now);
    }

    private void deliver(Peer p) {
        for (int n = p.inbox.size(); n > 0; n--) {
            byte[] packet = p.inbox.poll();
            p.association.onPacket(packet, 0, packet.length, now);
        }
    }

    /** Steps until the condition holds or {@code maxNanos} of fake time pass; true when it held. */
    boolean runUntil(BooleanSupplier condition, long maxNanos) {
        long end = now + maxNanos;
        while (!condition.getAsBoolean()) {
            if (now >= end) {
                return false;
            }
            step();
        }
        return true;
    }

    /** Steps for {@code nanos} of fake time. */
    void run(long nanos) {
        long end = now + nanos;
        while (now < end) {
            step();
        }
    }
}
