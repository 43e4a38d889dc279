package dev.gateway.media.jitter;

/** Outcome of {@link JitterBuffer#push}; every value but ACCEPTED and OVERFLOW_RESET means the packet was dropped. */
public enum JitterPushResult {
    /** Stored for playout. */
    ACCEPTED,
    /** A packet with this sequence number is already buffered. */
    DUPLICATE,
    /** Its slot was already played or concealed by {@link JitterBuffer#poll} (also a copy of a played packet). */
    LATE,
    /** Payload longer than the buffer's {@code maxPayloadBytes}. */
    TOO_LARGE,
    /**
     * Too far ahead of the playout point for the ring, or its timestamp jumped away from the playout timeline:
     * everything buffered was discarded and playout restarts from this packet, which is stored.
     */
    OVERFLOW_RESET
}
