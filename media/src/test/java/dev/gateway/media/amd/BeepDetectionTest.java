package dev.gateway.media.amd;

import static dev.gateway.media.amd.AmdSignals.concat;
import static dev.gateway.media.amd.AmdSignals.pcm;
import static dev.gateway.media.amd.AmdSignals.plus;
import static dev.gateway.media.amd.AmdSignals.rms;
import static dev.gateway.media.amd.AmdSignals.silence;
import static dev.gateway.media.amd.AmdSignals.tone;
import static dev.gateway.media.amd.AmdSignals.vowel;
import static dev.gateway.media.amd.AmdSignals.whiteNoise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The beep detector inside {@link VoicemailDetector}: synthetic tones, vowels and noise. */
class BeepDetectionTest {
    private static final double TONE_DBFS = -16;
    private static final double NOISE_DBFS = -60;

    static Stream<Arguments> beeps() {
        List<Arguments> cases = new ArrayList<>();
        for (double hz : new double[] {300, 1000, 2500}) {
            for (double ms : new double[] {80, 500, 2000}) {
                for (double offsetMs : new double[] {0, 7, 13}) { // where the tone falls in the 20 ms frames
                    cases.add(Arguments.of(hz, ms, offsetMs));
                }
            }
        }
        return cases.stream();
    }

    /** 500 ms (+ offset) of line noise, the tone, 1 s of line noise. */
    private static RecordingListener afterSilence(double[] sound, double offsetMs, long seed) {
        double[] x = concat(silence(500 + offsetMs), sound, silence(1000));
        return RecordingListener.run(pcm(plus(x, whiteNoise(x.length / 8.0, rms(NOISE_DBFS), seed))));
    }

    @ParameterizedTest(name = "{0} Hz, {1} ms, starting {2} ms into a frame")
    @MethodSource("beeps")
    void aBeepIsFound_withItsEndWithin20ms_reportedWithin40ms(double hz, double ms, double offsetMs) {
        RecordingListener l = afterSilence(tone(hz, ms, rms(TONE_DBFS)), offsetMs, 1);
        double trueEnd = 500 + offsetMs + ms;
        assertEquals(1, l.beeps.size(), "beeps " + l.beeps);
        assertEquals(trueEnd, l.beeps.get(0), 20, "beep end");
        assertTrue(l.beepReportedAtMs <= trueEnd + 40, "reported at " + l.beepReportedAtMs + " ms, ended " + trueEnd);
        assertEquals(AmdResult.MACHINE, l.decision().result());
        if (ms <= 500) { // a 2 s tone is a long greeting before it ends
            assertEquals(AmdDecision.BEEP, l.decision().reason());
        }
        assertTrue(l.timeouts.isEmpty());
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(doubles = {420, 1020, 1390, 1890, 2460})
    void aBeepBetweenBins_in20dbOfNoise_isFound(double hz) {
        double[] x = concat(silence(500), tone(hz, 150, rms(TONE_DBFS)), silence(1000));
        RecordingListener l = RecordingListener.run(pcm(plus(x, whiteNoise(x.length / 8.0, rms(TONE_DBFS - 20), 2))));
        assertEquals(1, l.beeps.size(), "beeps " + l.beeps);
        assertEquals(650, l.beeps.get(0), 20);
    }

    @ParameterizedTest(name = "{0} ms")
    @ValueSource(doubles = {40, 60})
    void aBlipShorterThan80ms_isNoBeep(double ms) {
        for (double hz : new double[] {300, 1000, 2500}) {
            for (double offsetMs : new double[] {0, 7, 13}) {
                RecordingListener l = afterSilence(tone(hz, ms, rms(TONE_DBFS)), offsetMs, 3);
                assertEquals(List.of(), l.beeps, hz + " Hz at +" + offsetMs + " ms");
                assertEquals(AmdResult.SILENCE, l.decision().result()); // and no word either
            }
        }
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(doubles = {300, 1000, 2500})
    void aToneOf3s_isNoBeep(double hz) {
        RecordingListener l = afterSilence(tone(hz, 3000, rms(TONE_DBFS)), 0, 4);
        assertEquals(List.of(), l.beeps);
        assertEquals(AmdResult.MACHINE, l.decision().result()); // a long "word": hold audio, not a person
        assertEquals(1, l.timeouts.size());
    }

    static Stream<Arguments> vowels() {
        double[][] formants = {{700, 1220, 2600}, {300, 2300, 3000}, {330, 870, 2250}, {530, 1850, 2500}, {570, 840, 2410}};
        List<Arguments> cases = new ArrayList<>();
        for (double f0 : new double[] {120, 150, 180, 220}) {
            for (double[] f : formants) {
                cases.add(Arguments.of(f0, f[0], f[1], f[2]));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "f0 {0} Hz, formants {1}/{2}/{3} Hz")
    @MethodSource("vowels")
    void aVowel_isNoBeep(double f0, double f1, double f2, double f3) {
        for (double ms : new double[] {150, 300, 1200}) {
            RecordingListener l = afterSilence(vowel(f0, new double[] {f1, f2, f3}, ms, rms(TONE_DBFS)), 0, 5);
            assertEquals(List.of(), l.beeps, ms + " ms vowel");
        }
    }
}
