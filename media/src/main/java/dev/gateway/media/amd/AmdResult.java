package dev.gateway.media.amd;

/** What answered a call, as the voicemail detector decides it. Immutable. */
public enum AmdResult {
    /** A person: a short answer followed by silence. */
    HUMAN("human"),
    /** An answering machine, voicemail greeting or hold audio: long speech, many words, or a beep. */
    MACHINE("machine"),
    /** Nothing but silence or steady noise for {@link AmdSettings#initialSilenceMs()}. */
    SILENCE("silence"),
    /** Speech that fitted neither pattern within {@link AmdSettings#totalAnalysisTimeMs()}. */
    UNKNOWN("unknown");

    private final String wire;

    AmdResult(String wire) {
        this.wire = wire;
    }

    /** The value the gateway publishes ({@code sip.amd} attribute, {@code sip_amd} data packets). */
    public String wire() {
        return wire;
    }
}
