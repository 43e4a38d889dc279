package dev.gateway.sip.signalling;

import gov.nist.javax.sip.RequestEventExt;
import javax.sip.ServerTransaction;

/**
 * What the SIP listener needs from the call side: find a call by SIP Call-ID and admit a new INVITE.
 *
 * <p>Threading: implementations are thread-safe and never block (called on JAIN-SIP threads).
 */
public interface SipCalls {
    /** The live call with this SIP Call-ID, or null. */
    SipCallEvents bySipCallId(String callId);

    /**
     * A request (any method but ACK and CANCEL) to drop without any answer, before a transaction exists (no
     * {@code 100 Trying}, no retransmissions): a scanner, a blocked source, a new INVITE at a cap. Counts what it drops.
     */
    default boolean dropSilently(RequestEventExt event) {
        return false;
    }

    /** A new INVITE (no To tag) not dropped by {@link #dropSilently}: answer it or create a call. */
    void admit(RequestEventExt event, ServerTransaction tx);

    /**
     * Why a new call would be refused right now (draining, every slot taken), or null when one would be taken.
     * OPTIONS answers 503 with it, so trunks and load balancers that probe with OPTIONS fail over before calling.
     */
    default String unavailableReason() {
        return null;
    }
}
