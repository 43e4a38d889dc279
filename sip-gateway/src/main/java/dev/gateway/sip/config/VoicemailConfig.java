package dev.gateway.sip.config;

import dev.gateway.media.amd.AmdSettings;
import java.util.Objects;

/**
 * Voicemail (answering-machine) detection: where it runs and its thresholds (section {@code voicemailDetection}).
 * It runs on outbound calls by default and on inbound calls when enabled; a trunk (by id or name) can switch it on
 * or off, and a call can with the participant attribute {@code sip.amd: "off"} (or {@code "on"}) in
 * CreateSIPParticipant or its dispatch rule. Immutable.
 */
public record VoicemailConfig(FeatureSwitches switches, AmdSettings thresholds) {

    public static final VoicemailConfig DEFAULT = new VoicemailConfig(
            new FeatureSwitches(false, true, java.util.Map.of(), java.util.Map.of()), AmdSettings.defaults());

    public VoicemailConfig {
        Objects.requireNonNull(switches, "switches");
        Objects.requireNonNull(thresholds, "thresholds");
    }
}
