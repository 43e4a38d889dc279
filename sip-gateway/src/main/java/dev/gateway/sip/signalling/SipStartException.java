package dev.gateway.sip.signalling;

/** SIP could not start; the message says what to change. */
public final class SipStartException extends Exception {
    public SipStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
