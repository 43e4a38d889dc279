package dev.gateway.media.amd;

import static dev.gateway.media.amd.AmdSignals.concat;
import static dev.gateway.media.amd.AmdSignals.pcm;
import static dev.gateway.media.amd.AmdSignals.plus;
import static dev.gateway.media.amd.AmdSignals.rms;
import static dev.gateway.media.amd.AmdSignals.silence;
import static dev.gateway.media.amd.AmdSignals.speech;
import static dev.gateway.media.amd.AmdSignals.tone;
import static dev.gateway.media.amd.AmdSignals.vowel;
import static dev.gateway.media.amd.AmdSignals.whiteNoise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The decision rules of {@link VoicemailDetector} on synthetic speech, noise and tones. */
class VoicemailDetectorTest {
    private static final double SPEECH_DBFS = -20;

    private static short[] withNoise(double[] x, double noiseDbfs, long seed) {
        return pcm(plus(x, whiteNoise(x.length / 8.0, rms(noiseDbfs), seed)));
    }

    /** 400 ms of line, then "hel-lo" (two 200 ms syllables), then quiet. */
    private static double[] hello() {
        return concat(silence(400), speech(2, 200, 60, rms(SPEECH_DBFS)), silence(3000));
    }

    @ParameterizedTest(name = "noise {0} dB below the speech")
    @ValueSource(doubles = {60, 25, 20, 15})
    void aShortAnswer_thenSilence_isHuman(double snrDb) {
        RecordingListener l = RecordingListener.run(withNoise(hello(), SPEECH_DBFS - snrDb, 11));
        AmdDecision d = l.decision();
        assertEquals(AmdResult.HUMAN, d.result());
        assertEquals(AmdDecision.AFTER_GREETING_SILENCE, d.reason());
        // speech ends at 400 + 460 = 860 ms; afterGreetingSilence 600 ms later, within a frame or two of hangover
        assertTrue(d.decisionMs() >= 1440 && d.decisionMs() <= 1540, "decided at " + d.decisionMs());
        assertEquals(List.of(), l.beeps);
        assertEquals(List.of(), l.timeouts);
    }

    @ParameterizedTest(name = "noise {0} dB below the speech")
    @ValueSource(doubles = {60, 20, 15})
    void aGreeting_isMachine_within4s(double snrDb) {
        double[] greeting = concat(silence(300), speech(20, 220, 70, rms(SPEECH_DBFS)), silence(1000));
        RecordingListener l = RecordingListener.run(withNoise(greeting, SPEECH_DBFS - snrDb, 12));
        AmdDecision d = l.decision();
        assertEquals(AmdResult.MACHINE, d.result());
        assertTrue(d.reason().equals(AmdDecision.MAX_WORDS) || d.reason().equals(AmdDecision.LONG_GREETING), d.reason());
        assertTrue(d.decisionMs() <= 4000, "decided at " + d.decisionMs());
        assertEquals(1, l.timeouts.size()); // no beep: the default 30 s wait ran out
        assertEquals(d.decisionMs() + 30_000, l.timeouts.get(0));
    }

    @ParameterizedTest(name = "{0} dBFS")
    @ValueSource(doubles = {-55, -40, -30, -20})
    void whiteNoiseAlone_isSilence_notSpeech(double dbfs) {
        RecordingListener l = RecordingListener.run(withNoise(silence(6000), dbfs, 13));
        assertEquals(new AmdDecision(AmdResult.SILENCE, AmdDecision.INITIAL_SILENCE, 2500), l.decision());
    }

    @Test
    void digitalSilence_isSilenceAfterInitialSilenceMs() {
        RecordingListener l = RecordingListener.run(new short[8000]);
        assertEquals(new AmdDecision(AmdResult.SILENCE, AmdDecision.INITIAL_SILENCE, 2500), l.decision());
    }

    @Test
    void aGreetingThenABeep_reportsTheBeepEndAfterTheDecision() {
        double[] x = concat(silence(300), speech(20, 220, 70, rms(SPEECH_DBFS)), silence(600),
                tone(1000, 400, rms(-14)), silence(1000));
        RecordingListener l = RecordingListener.run(withNoise(x, -60, 14));
        assertEquals(AmdResult.MACHINE, l.decision().result());
        double beepEnd = 300 + 20 * 220 + 19 * 70 + 600 + 400;
        assertEquals(1, l.beeps.size());
        assertEquals(beepEnd, l.beeps.get(0), 20);
        assertEquals(List.of(), l.timeouts);
    }

    @Test
    void noBeepWithinBeepTimeout_reportsTheTimeout() {
        AmdSettings s = new AmdSettings(2500, 1500, 600, 100, 50, 4, 5000, 5000, 256, 2000);
        double[] greeting = concat(silence(300), speech(20, 220, 70, rms(SPEECH_DBFS)));
        RecordingListener l = RecordingListener.run(withNoise(greeting, -60, 15), s, 160);
        assertEquals(AmdResult.MACHINE, l.decision().result());
        assertEquals(List.of(l.decision().decisionMs() + 2000), l.timeouts);
        assertEquals(List.of(), l.beeps);
    }

    @Test
    void speechThatNeverSettles_isUnknownAfterTotalAnalysisTime() {
        // words no rule ends: never enough for a greeting or the word count, pauses shorter than afterGreetingSilence
        AmdSettings s = new AmdSettings(2500, 100_000, 600, 100, 50, 100, 5000, 5000, 256, 30_000);
        double[] x = concat(silence(300), speech(30, 200, 400, rms(SPEECH_DBFS)));
        RecordingListener l = RecordingListener.run(withNoise(x, -60, 16), s, 160);
        assertEquals(new AmdDecision(AmdResult.UNKNOWN, AmdDecision.TOO_LONG, 5000), l.decision());
    }

    @Test
    void oneVeryLongWord_isMachine() {
        AmdSettings s = new AmdSettings(2500, 100_000, 600, 100, 50, 100, 1000, 5000, 256, 0);
        double[] x = concat(silence(300), vowel(140, new double[] {700, 1220, 2600}, 3000, rms(SPEECH_DBFS)));
        RecordingListener l = RecordingListener.run(withNoise(x, -60, 17), s, 160);
        assertEquals(AmdResult.MACHINE, l.decision().result());
        assertEquals(AmdDecision.LONG_WORD, l.decision().reason());
        assertEquals(1300, l.decision().decisionMs(), 60);
        assertEquals(List.of(l.decision().decisionMs()), l.timeouts); // beepTimeoutMs 0: the timeout comes at once
    }

    @Test
    void holdMusicFromTheFirstFrame_isMachine() {
        // notes with harmonics back to back from the answer on: the floor starts at the music's level
        double[][] chords = {{262, 330, 392}, {294, 370, 440}, {330, 415, 494}, {392, 494, 587}};
        double[] x = new double[0];
        for (int i = 0; i < 12; i++) {
            double[] note = new double[AmdSignals.samples(400)];
            for (double f : chords[i % 4]) {
                double[] v = vowel(f, new double[] {f, 2 * f, 3 * f}, 400, rms(-24));
                for (int n = 0; n < note.length; n++) {
                    note[n] += v[n];
                }
            }
            x = concat(x, note);
        }
        RecordingListener l = RecordingListener.run(withNoise(x, -50, 18));
        assertEquals(AmdResult.MACHINE, l.decision().result(), l.decisions.toString());
    }

    @ParameterizedTest(name = "frames of {0} samples")
    @ValueSource(ints = {37, 80, 100, 160, 320})
    void anyFrameLength_givesTheSameEvents(int frame) {
        double[] x = concat(hello(), tone(800, 300, rms(-14)));
        RecordingListener reference = RecordingListener.run(withNoise(x, -50, 19), AmdSettings.defaults(), 160);
        RecordingListener l = RecordingListener.run(withNoise(x, -50, 19), AmdSettings.defaults(), frame);
        assertEquals(reference.decisions, l.decisions);
        assertEquals(reference.beeps, l.beeps);
    }

    @Test
    void afterTheDecision_framesAreIgnored_andNothingMoreIsReported() {
        RecordingListener l = new RecordingListener();
        VoicemailDetector d = new VoicemailDetector(AmdSettings.defaults(), l);
        assertEquals("amd", d.toString());
        assertEquals(8000, d.sampleRate());
        assertNull(d.result());
        short[] x = withNoise(hello(), -50, 20);
        for (int i = 0; i + 160 <= x.length; i += 160) {
            d.write(x, i, 160);
        }
        assertTrue(d.finished());
        assertEquals(AmdResult.HUMAN, d.result());
        short[] beep = pcm(concat(tone(1000, 300, rms(-14)), silence(500)));
        for (int i = 0; i + 160 <= beep.length; i += 160) {
            d.write(beep, i, 160);
        }
        assertEquals(1, l.decisions.size());
        assertEquals(List.of(), l.beeps);
        assertEquals(d.stats().frames(), x.length / 160 + beep.length / 160); // written, though ignored
    }
}
