package dev.gateway.sip.call;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every live call, by gateway id and by SIP Call-ID, with the admission limit. Thread-safe: JAIN-SIP threads,
 * call loops and the HTTP API all use it.
 */
public final class CallRegistry {
    private final ConcurrentHashMap<String, Call> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Call> bySipCallId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Runnable> releases = new ConcurrentHashMap<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final LongAdder swept = new LongAdder();
    private final int maxCalls;

    public CallRegistry(int maxCalls) {
        this.maxCalls = maxCalls;
    }

    /** Takes one of the {@code maxCalls} slots; false when all are taken. Pair with {@link #remove} or {@link #unreserve}. */
    public boolean reserve() {
        while (true) {
            int n = reserved.get();
            if (n >= maxCalls) {
                return false;
            }
            if (reserved.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** True when every one of the {@code maxCalls} slots is taken. */
    public boolean full() {
        return reserved.get() >= maxCalls;
    }

    /** Gives back a slot taken by {@link #reserve()} when the call was never added. */
    public void unreserve() {
        if (reserved.getAndUpdate(n -> n > 0 ? n - 1 : 0) == 0) {
            throw new IllegalStateException("unreserve without a reservation");
        }
    }

    /** Adds a call that holds a reservation. */
    public void add(Call call) {
        add(call, null);
    }

    /**
     * Adds a call that holds a reservation, and {@code onRemove} (or null) to run once when it leaves: other slots
     * the call holds (a trunk's call cap) are freed at the same moment as this one, so a client that sees the call
     * gone from {@code /calls} finds every slot free.
     */
    public void add(Call call, Runnable onRemove) {
        if (onRemove != null) {
            releases.put(call.id(), onRemove);
        }
        byId.put(call.id(), call);
        bySipCallId.put(call.sipCallId(), call);
    }

    /** Removes a call and frees its slots; idempotent. */
    public void remove(Call call) {
        if (byId.remove(call.id(), call)) {
            bySipCallId.remove(call.sipCallId(), call);
            Runnable release = releases.remove(call.id());
            if (release != null) {
                release.run();
            }
            reserved.decrementAndGet();
        }
    }

    public Call byId(String id) {
        return byId.get(id);
    }

    public Call bySipCallId(String callId) {
        return bySipCallId.get(callId);
    }

    /** The call whose phone participant is {@code identity} in {@code room}, or null. */
    public Call byRoomParticipant(String room, String identity) {
        for (Call c : byId.values()) {
            if (c.info().room() != null && c.info().room().roomName().equals(room)
                    && c.info().participantIdentity().equals(identity)) {
                return c;
            }
        }
        return null;
    }

    public Collection<Call> all() {
        return List.copyOf(byId.values());
    }

    public int size() {
        return byId.size();
    }

    /** Calls {@link CallSweeper} had to end (stuck past a state's limit) since start. */
    public long sweptCalls() {
        return swept.sum();
    }

    void countSwept() {
        swept.increment();
    }
}
