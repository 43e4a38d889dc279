package dev.gateway.sip.signalling;

import java.io.IOException;

/**
 * A SIP/TCP byte stream broke a bound ({@link SipStreamGuard}); the connection is closed. An expected failure:
 * counted and logged without a stack trace.
 */
final class SipStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    SipStreamException(String reason) {
        super(reason);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // expected, counted and logged on one line: the stack is of no use
    }
}
