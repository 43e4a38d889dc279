package dev.gateway.sip.call;

import java.net.InetAddress;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Every live call, by gateway id and by SIP Call-ID, with the admission limits: {@code maxCalls} slots (every call)
 * and the {@link UnconfirmedDialogs} cap (inbound calls not ACKed yet). Thread-safe: JAIN-SIP threads, call loops
 * and the HTTP API all use it.
 */
public final class CallRegistry {
    private final ConcurrentHashMap<String, Call> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Call> bySipCallId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Runnable> releases = new ConcurrentHashMap<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private final LongAdder swept = new LongAdder();
    private final int maxCalls;
    private final UnconfirmedDialogs unconfirmed;
    private volatile CallObserver observer = CallObserver.NONE;

    /** A registry whose unconfirmed-dialog cap is {@code maxCalls} in all and per source (no separate cap). */
    public CallRegistry(int maxCalls) {
        this(maxCalls, Math.max(1, maxCalls), Math.max(1, maxCalls));
    }

    /**
     * @param maxUnconfirmed          inbound dialogs not ACKed yet, in all
     * @param maxUnconfirmedPerSource the same for one source that no trunk lists
     */
    public CallRegistry(int maxCalls, int maxUnconfirmed, int maxUnconfirmedPerSource) {
        this.maxCalls = maxCalls;
        this.unconfirmed = new UnconfirmedDialogs(maxUnconfirmed, maxUnconfirmedPerSource);
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

    /**
     * True when an INVITE from {@code source} would find no unconfirmed-dialog slot ({@code listed}: a trunk lists
     * the source, so only the total counts; see {@link UnconfirmedDialogs} for the slots kept for known sources).
     * A check without taking anything, for the drop before a transaction.
     */
    public boolean unconfirmedFull(InetAddress source, boolean listed) {
        return unconfirmed.full(source, listed);
    }

    /**
     * Takes an unconfirmed-dialog slot of {@code source}; false at the cap. Hand it to the call with
     * {@link Call#holdUnconfirmed} before {@link #add}; it goes back on {@link #confirmed} (the ACK) or
     * {@link #remove}, or with {@link #unreserveUnconfirmed} when the call was never added.
     */
    public boolean reserveUnconfirmed(InetAddress source, boolean listed) {
        return unconfirmed.acquire(source, listed);
    }

    /** Gives back a slot taken by {@link #reserveUnconfirmed} for a call that was never added. */
    public void unreserveUnconfirmed(InetAddress source) {
        unconfirmed.release(source);
    }

    /**
     * The call's dialog is confirmed (ACK): its unconfirmed slot, if it holds one, goes back, and its source counts
     * as known from now on (see {@link UnconfirmedDialogs}). Idempotent.
     */
    void confirmed(Call call) {
        InetAddress source = call.releaseUnconfirmed();
        if (source != null) {
            unconfirmed.confirm(source);
        }
    }

    /** Inbound dialogs admitted and not ACKed yet. */
    public int unconfirmed() {
        return unconfirmed.total();
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
        observer.started(call.outbound());
    }

    /** Removes a call and frees its slots; idempotent. */
    public void remove(Call call) {
        if (byId.remove(call.id(), call)) {
            bySipCallId.remove(call.sipCallId(), call);
            Runnable release = releases.remove(call.id());
            if (release != null) {
                release.run();
            }
            InetAddress source = call.releaseUnconfirmed(); // ended before its ACK: the slot goes back, nothing proven
            if (source != null) {
                unconfirmed.release(source);
            }
            reserved.decrementAndGet();
        }
    }

    /** Who hears of calls starting and ending (the metrics); set once before calls arrive. */
    public void observe(CallObserver observer) {
        this.observer = java.util.Objects.requireNonNull(observer, "observer");
    }

    CallObserver observer() {
        return observer;
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
