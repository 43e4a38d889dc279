package dev.gateway.agent;

/**
 * The agent side of one call: control events only. Audio does not pass through here: the agent attaches its
 * sink, taps and sources to {@link PhoneLeg#media()}, and the call's media tick moves every frame. All callbacks
 * arrive on the call's media event loop, one at a time; an implementation must not block in them.
 */
public interface CallAgent {

    /**
     * Called while the phone rings, before the call is answered: the agent gets ready (joins its room, publishes
     * its track) so the caller's first words are not lost. The call is answered when the stage completes; if it
     * fails, the caller gets an error response and {@link #onEnd} follows. The default is ready at once.
     */
    default java.util.concurrent.CompletionStage<Void> prepare(PhoneLeg leg) {
        return java.util.concurrent.CompletableFuture.completedFuture(null);
    }

    /** An outbound call is ringing at the far end (180/183). */
    default void onRinging() {
    }

    /** The call is answered and media flows. */
    void onStart(PhoneLeg leg);

    /** One key press from the caller, reported once per press. */
    void onDtmf(char digit);

    /**
     * What voicemail detection found, when it runs on this call (outbound calls by default): once at the decision,
     * and for a machine once more when its beep ended or none came. The room agent shows it as participant
     * attributes and {@code sip_amd} data packets.
     */
    default void onVoicemail(VoicemailResult result) {
    }

    /** The call ended (either side). No callbacks follow. */
    void onEnd(String reason);
}
