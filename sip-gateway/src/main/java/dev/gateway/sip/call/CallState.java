package dev.gateway.sip.call;

/** Where a call is. Wire names (lower case) appear in the HTTP API and logs. */
public enum CallState {
    /** Outbound: our INVITE is on its way, no provisional answer yet. */
    DIALING,
    /** INVITE accepted, media being set up, 180 sent (inbound); or the callee rings (outbound). */
    RINGING,
    /** 200 OK sent, waiting for ACK. */
    ANSWERED,
    /** ACK received; media flows both ways. */
    ACTIVE,
    /** BYE sent or received; resources being released. */
    ENDING,
    /** Gone. */
    ENDED;

    public String wireName() {
        return name().toLowerCase();
    }
}
