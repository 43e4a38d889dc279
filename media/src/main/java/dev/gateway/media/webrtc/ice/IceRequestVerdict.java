package dev.gateway.media.webrtc.ice;

import dev.gateway.media.webrtc.stun.StunIntegrity;
import dev.gateway.media.webrtc.stun.StunMessage;
import dev.gateway.media.webrtc.stun.StunVerifyResult;
import io.netty.buffer.ByteBuf;

/**
 * How an agent answers an incoming Binding request: authentication (RFC 8489 §9.1.3 with ICE's USERNAME
 * "localUfrag:remoteUfrag", RFC 8445 §7.3) and role conflicts (RFC 8445 §7.3.1.1). Pure; safe from any thread.
 */
enum IceRequestVerdict {
    /** Authenticated, no conflict: answer with success. */
    ACCEPT,
    /** Authenticated, we lost the tie-break: switch role, then answer with success. */
    SWITCH_ROLE_AND_ACCEPT,
    /** USERNAME or MESSAGE-INTEGRITY missing: 400. */
    BAD_REQUEST,
    /** Wrong USERNAME or MESSAGE-INTEGRITY: 401. */
    UNAUTHENTICATED,
    /** The peer must switch role: 487. */
    ROLE_CONFLICT;

    /**
     * Judges request {@code m} whose raw bytes are {@code raw}. If {@code remoteUfrag} is still unknown only the
     * local half of USERNAME is checked (the peer's checks can outrun its signalling).
     */
    static IceRequestVerdict judge(StunMessage m, ByteBuf raw, String localUfrag, String remoteUfrag,
                                   byte[] localKey, IceRole role, long tieBreaker) {
        if (m.username() == null || !m.hasIntegrity()) {
            return BAD_REQUEST;
        }
        String expected = localUfrag + ":" + (remoteUfrag == null ? "" : remoteUfrag);
        boolean userOk = remoteUfrag == null ? m.username().startsWith(expected) : m.username().equals(expected);
        if (!userOk || StunIntegrity.verifyIntegrity(raw, localKey) != StunVerifyResult.OK) {
            return UNAUTHENTICATED;
        }
        boolean weControl = role == IceRole.CONTROLLING;
        var claim = weControl ? m.iceControlling() : m.iceControlled();
        if (claim.isEmpty()) {
            return ACCEPT;
        }
        boolean oursWins = Long.compareUnsigned(tieBreaker, claim.getAsLong()) >= 0;
        // CONTROLLING with the larger tie-breaker keeps the role and answers 487; CONTROLLED with the larger one
        // takes CONTROLLING and answers success (the peer stays controlled).
        return oursWins == weControl ? ROLE_CONFLICT : SWITCH_ROLE_AND_ACCEPT;
    }
}
