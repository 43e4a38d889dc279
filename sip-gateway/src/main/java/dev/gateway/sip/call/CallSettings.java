package dev.gateway.sip.call;

/**
 * Per-call behaviour the gateway configures once. Immutable.
 *
 * @param ringMillis          extra ringing between 180 and 200 (0 = answer as soon as media is ready)
 * @param noAckMillis         how long to wait for the ACK of our 200 before giving up (RFC 3261 §13.3.1.4: 64*T1)
 * @param ringingLimitMillis  an inbound call still ringing (waiting for its agent) this long is ended by the sweeper
 *                            (plus {@link CallSweeper#GRACE_MILLIS})
 * @param maxCallMillis       an answered call is hung up after this long; 0 = no limit ({@code limits.maxCallSeconds})
 * @param ringingResendMillis the 180 is re-sent this often while an inbound call waits for its agent; 0 = never
 */
public record CallSettings(long ringMillis, long noAckMillis, long ringingLimitMillis, long maxCallMillis,
                           long ringingResendMillis) {
}
