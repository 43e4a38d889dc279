package dev.gateway.media.webrtc.dtls;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;

/**
 * A handshake we refuse: the peer's certificate or its SRTP offer does not match what SDP promised. Extends
 * {@link TlsFatalAlert} so BouncyCastle sends {@link #alert()} to the peer and rethrows this very object, letting
 * {@link DtlsSession} report {@link #reason()} unchanged. Immutable.
 */
final class DtlsException extends TlsFatalAlert {
    private final String reason;

    DtlsException(short alert, String reason) {
        super(alert, reason);
        this.reason = reason;
    }

    /** The human-readable cause, e.g. a fingerprint mismatch with both values. */
    String reason() {
        return reason;
    }

    /** RFC 5246 §7.2 alert code sent to the peer. */
    short alert() {
        return getAlertDescription();
    }

    /** Alert name and code, e.g. "bad_certificate(42)". */
    String alertText() {
        return AlertDescription.getText(getAlertDescription());
    }
}
