package dev.gateway.media.endpoint;

/**
 * Receives what an {@link RtpEndpoint} hears. Every callback runs on the endpoint's event loop and must not block.
 */
public interface MediaListener {

    /** One 20 ms frame (160 samples, 8 kHz) of the caller's audio; the array is reused after return. */
    void onAudio(short[] pcm, int offset, int count);

    /** One key press (RFC 4733), reported once per press. */
    void onDtmf(char digit);

    /** No RTP arrived for the configured timeout while media was expected. */
    void onMediaTimeout(long silentMillis);
}
