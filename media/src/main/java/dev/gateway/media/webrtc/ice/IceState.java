package dev.gateway.media.webrtc.ice;

/** Lifecycle of an {@link IceAgent}; FAILED and CLOSED are terminal. */
public enum IceState {
    /** No remote candidate yet. */
    NEW,
    /** Candidates known, connectivity checks running. */
    CHECKING,
    /** A pair is selected and consent is fresh. */
    CONNECTED,
    /** No pair within the deadline, or consent expired (RFC 7675). */
    FAILED,
    /** {@link IceAgent#close()} was called. */
    CLOSED
}
