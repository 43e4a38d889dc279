package dev.gateway.sip.call;

/**
 * Per-call behaviour the gateway configures once. Immutable.
 *
 * @param ringMillis      extra ringing between 180 and 200 (0 = answer as soon as media is ready)
 * @param noAckMillis     how long to wait for the ACK of our 200 before giving up
 */
public record CallSettings(long ringMillis, long noAckMillis) {
}
