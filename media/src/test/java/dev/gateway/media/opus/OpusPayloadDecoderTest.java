package dev.gateway.media.opus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** libopus conceals whole 2.5 ms only: a lost frame's duration from RTP timestamps is rounded to one. */
class OpusPayloadDecoderTest {

    @ParameterizedTest(name = "{0} samples at 8 kHz -> {1}")
    @CsvSource({
        "186, 180",  // 1116 ticks at 48 kHz: the muted room track of issue 7
        "190, 200",
        "160, 160",
        "5, 20",     // never less than one quantum
        "2000, 960", // never more than 120 ms
    })
    void roundsToTheNearestQuantum(int samples, int expected) {
        assertEquals(expected, OpusPayloadDecoder.concealable(samples, 20, 960));
    }

    @ParameterizedTest(name = "conceals {0} samples")
    @CsvSource({"186", "1", "960"})
    void concealsAnyDurationWithoutThrowing(int samples) {
        try (OpusPayloadDecoder decoder = new OpusPayloadDecoder(8000)) {
            short[] out = new short[960];
            assertEquals(OpusPayloadDecoder.concealable(samples, 20, 960), decoder.conceal(samples, out, 0));
        }
    }
}
