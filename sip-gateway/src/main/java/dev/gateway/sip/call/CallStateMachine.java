package dev.gateway.sip.call;

import java.util.EnumSet;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Where a call is, since when, and which moves are legal:
 * <pre>
 *   inbound:  RINGING -> ANSWERED -> ACTIVE -> ENDING -> ENDED      (RINGING/ANSWERED -> ENDED: rejected, cancelled)
 *   outbound: DIALING -> RINGING -> ACTIVE -> ENDING -> ENDED       (DIALING/RINGING -> ENDED: failed, cancelled)
 * </pre>
 * ENDED is final and every state may go there (a contained failure ends the call locally from anywhere). The time
 * each state was entered comes from the injected clock, so {@link CallSweeper} can bound every state's lifetime.
 *
 * <p>Threading: written only on the call's loop; {@link #state()} and {@link #sinceMillis()} may be read from any
 * thread (volatile).
 */
final class CallStateMachine {
    private static final Map<CallState, EnumSet<CallState>> LEGAL = Map.of(
            CallState.DIALING, EnumSet.of(CallState.RINGING, CallState.ACTIVE, CallState.ENDING, CallState.ENDED),
            CallState.RINGING, EnumSet.of(CallState.ANSWERED, CallState.ACTIVE, CallState.ENDING, CallState.ENDED),
            CallState.ANSWERED, EnumSet.of(CallState.ACTIVE, CallState.ENDING, CallState.ENDED),
            CallState.ACTIVE, EnumSet.of(CallState.ENDING, CallState.ENDED),
            CallState.ENDING, EnumSet.of(CallState.ENDED),
            CallState.ENDED, EnumSet.noneOf(CallState.class));

    private final LongSupplier clockMillis;
    private volatile CallState state;
    private volatile long sinceMillis;

    CallStateMachine(CallState initial, LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
        this.state = initial;
        this.sinceMillis = clockMillis.getAsLong();
    }

    CallState state() {
        return state;
    }

    /** When the current state was entered (clock milliseconds). */
    long sinceMillis() {
        return sinceMillis;
    }

    boolean is(CallState s) {
        return state == s;
    }

    /** Ending or ended: no new work may start. */
    boolean over() {
        return state == CallState.ENDING || state == CallState.ENDED;
    }

    /** Still before the answer (no dialog confirmed). */
    boolean unanswered() {
        return state == CallState.DIALING || state == CallState.RINGING;
    }

    /**
     * Moves to {@code next}.
     *
     * @throws IllegalStateException when the move is not legal (a bug: the call's guard ends the call)
     */
    void to(CallState next) {
        if (!LEGAL.get(state).contains(next)) {
            throw new IllegalStateException("illegal call state change " + state.wireName() + " -> " + next.wireName());
        }
        state = next;
        sinceMillis = clockMillis.getAsLong();
    }

    static boolean legal(CallState from, CallState to) {
        return LEGAL.get(from).contains(to);
    }
}
