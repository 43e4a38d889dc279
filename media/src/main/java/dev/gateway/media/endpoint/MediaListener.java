package dev.gateway.media.endpoint;

/**
 * Hears an {@link RtpEndpoint}'s call events: key presses and the media timeout. The caller's audio is not here: it
 * goes through the call's {@code CallMedia}. Every callback runs on the endpoint's event loop and must not block.
 */
public interface MediaListener {

    /** One key press (RFC 4733), reported once per press. */
    void onDtmf(char digit);

    /** No RTP arrived for the configured timeout while media was expected. */
    void onMediaTimeout(long silentMillis);
}
