package dev.gateway.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.amd.AmdSettings;
import dev.gateway.media.record.RecordingFormat;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code voicemailDetection} and {@code recording} sections, and how their switches pick calls. */
class FeatureConfigTest {

    @Test
    void withoutSectionsDetectionRunsOnOutboundCallsOnlyAndNothingIsRecorded() throws Exception {
        GatewayConfig c = ConfigLoader.parse("{}", "yaml", Map.of());
        FeatureSwitches amd = c.voicemail().switches();
        assertTrue(amd.enabled(true, "ST_1", "out", null, null));
        assertFalse(amd.enabled(false, "ST_2", "in", "SDR_1", null));
        assertEquals(AmdSettings.defaults(), c.voicemail().thresholds());
        FeatureSwitches rec = c.recording().switches();
        assertFalse(rec.enabled(true, "ST_1", "out", null, null));
        assertFalse(rec.enabled(false, "ST_2", "in", "SDR_1", null));
        assertEquals(RecordingFormat.OGG_OPUS, c.recording().format());
        assertEquals(Path.of("data", "recordings"), c.recordingDir());
        assertEquals(250, c.recording().queueFrames());
    }

    @Test
    void theCallsAttributeBeatsTheRuleWhichBeatsTheTrunkWhichBeatsTheDirection() {
        FeatureSwitches s = new FeatureSwitches(false, true, Map.of("twilio-out", false, "ST_in", true),
                Map.of("SDR_support", false));
        assertTrue(s.enabled(true, "ST_other", "other", null, null), "direction default");
        assertFalse(s.enabled(true, "ST_x", "twilio-out", null, null), "trunk by name");
        assertTrue(s.enabled(false, "ST_in", "", null, null), "trunk by id");
        assertFalse(s.enabled(false, "ST_in", "", "SDR_support", null), "rule over trunk");
        assertTrue(s.enabled(false, "ST_in", "", "SDR_support", "on"), "call over rule");
        assertFalse(s.enabled(true, "ST_other", "other", null, "off"), "call over direction");
        assertTrue(s.enabled(true, "ST_other", "other", null, "maybe"), "an unknown word is no switch");
    }

    @Test
    void sectionsReadEveryKey() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                dataDir: /var/lib/gw
                voicemailDetection:
                  inbound: true
                  outbound: false
                  trunks: {twilio-out: "on"}
                  initialSilenceMs: 3000
                  greetingMs: 1600
                  afterGreetingSilenceMs: 900
                  minimumWordLengthMs: 120
                  betweenWordsSilenceMs: 60
                  maximumNumberOfWords: 4
                  maximumWordLengthMs: 4000
                  totalAnalysisTimeMs: 6000
                  silenceThreshold: 300
                  beepTimeoutMs: 20000
                recording:
                  dir: /srv/recordings
                  format: wav
                  inbound: true
                  trunks: {twilio-in: "off"}
                  dispatchRules: {SDR_sales: "on"}
                  writerThreads: 2
                  queueSeconds: 8
                """, "yaml", Map.of());
        assertEquals(new AmdSettings(3000, 1600, 900, 120, 60, 4, 4000, 6000, 300, 20000), c.voicemail().thresholds());
        assertEquals(new FeatureSwitches(true, false, Map.of("twilio-out", true), Map.of()), c.voicemail().switches());
        assertEquals(new RecordingConfig("/srv/recordings", RecordingFormat.WAV,
                new FeatureSwitches(true, false, Map.of("twilio-in", false), Map.of("SDR_sales", true)), 2, 8),
                c.recording());
        assertEquals(Path.of("/srv/recordings"), c.recordingDir());
    }

    @Test
    void badValuesNameTheirField() {
        assertBad("recording: {format: mp3}\n", "recording.format", "must be 'ogg' (Opus) or 'wav'");
        assertBad("recording: {writerThreads: 0}\n", "recording.writerThreads", "between 1 and 8");
        assertBad("recording: {queueSeconds: 60}\n", "recording.queueSeconds", "between 1 and 10");
        assertBad("recording: {trunks: {a: maybe}}\n", "recording.trunks.a", "must be on or off");
        assertBad("recording: {dir: ''}\n", "recording.dir", "must name a directory");
        assertBad("voicemailDetection: {outbound: yes please}\n", "voicemailDetection.outbound", "");
        assertBad("voicemailDetection: {greatingMs: 10}\n", "voicemailDetection.greatingMs",
                "did you mean 'greetingMs'?");
        assertBad("voicemailDetection: {greetingMs: -5}\n", "voicemailDetection.greetingMs", "");
    }

    private static void assertBad(String yaml, String field, String reasonFragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "yaml", Map.of()));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.reason().contains(reasonFragment), e.getMessage());
    }
}
