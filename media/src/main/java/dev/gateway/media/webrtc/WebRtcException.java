package dev.gateway.media.webrtc;

/** A WebRTC session could not be set up: unreadable SDP, no common codec, ICE or DTLS failure. */
public final class WebRtcException extends Exception {
    public WebRtcException(String message) {
        super(message);
    }
}
