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

    /** A new INVITE (no To tag): answer it or create a call. */
    void admit(RequestEventExt event, ServerTransaction tx);
}
