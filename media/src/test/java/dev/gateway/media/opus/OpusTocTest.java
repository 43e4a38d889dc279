package dev.gateway.media.opus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Packet durations from the TOC byte, RFC 6716 §3.1 Table 2 and §3.2 frame counts, at 8 and 48 kHz. */
class OpusTocTest {

    @ParameterizedTest(name = "config {0} code {1} (count byte {2}) -> {3} samples at {4} Hz")
    @CsvSource({
        "0, 0, 0, 80, 8000",     // SILK NB 10 ms
        "1, 0, 0, 160, 8000",    // SILK NB 20 ms
        "3, 0, 0, 480, 8000",    // SILK NB 60 ms
        "13, 0, 0, 960, 48000",  // hybrid FB 20 ms
        "16, 0, 0, 20, 8000",    // CELT NB 2.5 ms
        "31, 0, 0, 960, 48000",  // CELT FB 20 ms
        "31, 1, 0, 1920, 48000", // two equal frames
        "31, 2, 0, 1920, 48000", // two frames of different sizes
        "31, 3, 3, 2880, 48000", // code 3, M = 3
        "3, 3, 48, 960, 8000",   // 48 x 60 ms, capped at 120 ms
    })
    void durationFromTheToc(int config, int code, int countByte, int samples, int rate) {
        byte[] packet = {(byte) (config << 3 | code), (byte) countByte, 0};
        assertEquals(samples, OpusToc.samples(packet, 3, rate));
    }
}
