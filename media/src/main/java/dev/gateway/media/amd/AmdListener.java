package dev.gateway.media.amd;

/**
 * Receives a {@link VoicemailDetector}'s events, on the thread that writes the audio (the call's media loop), so
 * implementations must return quickly and hand anything slow off.
 *
 * <p>Order: {@link #onDecision} exactly once; after a {@link AmdResult#MACHINE} decision exactly one of
 * {@link #onBeep} or {@link #onBeepTimeout}. Times are ms of audio since the detector's first frame.
 */
public interface AmdListener {

    /** The decision; called exactly once. */
    void onDecision(AmdDecision decision);

    /** A machine's beep has ended at {@code beepEndMs}; called at most once, about 20-40 ms after that end. */
    void onBeep(long beepEndMs);

    /** A machine gave no beep within {@link AmdSettings#beepTimeoutMs()} of the decision; {@code ms} is now. */
    void onBeepTimeout(long ms);
}
