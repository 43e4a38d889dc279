package dev.gateway.media.amd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AmdSettingsTest {

    @Test
    void defaults_areTheDocumentedOnes() {
        assertEquals(new AmdSettings(2500, 1500, 600, 100, 50, 4, 5000, 5000, 256, 30_000), AmdSettings.defaults());
    }

    private static AmdSettings with(int field, int value) {
        int[] v = {2500, 1500, 600, 100, 50, 4, 5000, 5000, 256, 30_000};
        v[field] = value;
        return new AmdSettings(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(0, 0, "initialSilenceMs must be in 100..600000, got 0"),
                Arguments.of(1, -5, "greetingMs must be in 100..600000, got -5"),
                Arguments.of(2, 99, "afterGreetingSilenceMs must be in 100..600000, got 99"),
                Arguments.of(3, 10, "minimumWordLengthMs must be in 20..600000, got 10"),
                Arguments.of(4, 0, "betweenWordsSilenceMs must be in 20..600000, got 0"),
                Arguments.of(5, 0, "maximumNumberOfWords must be in 1..1000, got 0"),
                Arguments.of(6, 50, "maximumWordLengthMs must be in 100..600000, got 50"),
                Arguments.of(7, 400, "totalAnalysisTimeMs must be in 500..600000, got 400"),
                Arguments.of(8, 0, "silenceThreshold must be in 1..32767, got 0"),
                Arguments.of(8, 40000, "silenceThreshold must be in 1..32767, got 40000"),
                Arguments.of(9, -1, "beepTimeoutMs must be in 0..3600000, got -1"),
                Arguments.of(6, 150, null)); // valid alone: checked against minimumWordLengthMs below
    }

    @ParameterizedTest(name = "field {0} = {1}")
    @MethodSource("invalid")
    void anInvalidValue_isRefusedNamingTheField(int field, int value, String message) {
        if (message == null) {
            assertEquals(150, with(field, value).maximumWordLengthMs());
            return;
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(field, value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aMaximumWordShorterThanTheMinimum_isRefused() {
        IntFunction<AmdSettings> s = max -> new AmdSettings(2500, 1500, 600, 300, 50, 4, max, 5000, 256, 30_000);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.apply(200));
        assertEquals("maximumWordLengthMs must be >= minimumWordLengthMs (300), got 200", e.getMessage());
        assertEquals(300, s.apply(300).maximumWordLengthMs());
    }

    @Test
    void resultsHaveTheirWireNames() {
        assertEquals("human", AmdResult.HUMAN.wire());
        assertEquals("machine", AmdResult.MACHINE.wire());
        assertEquals("silence", AmdResult.SILENCE.wire());
        assertEquals("unknown", AmdResult.UNKNOWN.wire());
    }

    @Test
    void aDecisionValidates() {
        assertThrows(NullPointerException.class, () -> new AmdDecision(null, "beep", 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AmdDecision(AmdResult.HUMAN, AmdDecision.AFTER_GREETING_SILENCE, -1));
        assertEquals("decisionMs must be >= 0, got -1", e.getMessage());
    }
}
