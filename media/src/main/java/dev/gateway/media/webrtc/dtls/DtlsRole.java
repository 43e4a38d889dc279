package dev.gateway.media.webrtc.dtls;

/**
 * Which end of the DTLS handshake we play (RFC 5763 §5: {@code a=setup:active} is the DTLS client,
 * {@code passive} the server). With LiveKit (pion) the server answers {@code active} on the PC we offer, so we are
 * SERVER there; on the PC the server offers {@code actpass} we answer {@code active} and are CLIENT.
 * Immutable.
 */
public enum DtlsRole {
    CLIENT,
    SERVER
}
