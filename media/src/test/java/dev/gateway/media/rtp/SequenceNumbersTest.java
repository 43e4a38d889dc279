package dev.gateway.media.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SequenceNumbersTest {

    @ParameterizedTest(name = "diff16({0}, {1}) = {2}")
    @CsvSource({
        "1, 0, 1",
        "0, 1, -1",
        "0, 65535, 1",
        "65535, 0, -1",
        "5, 65530, 11",
        "32767, 0, 32767",
        "32768, 0, -32768",
        "100, 100, 0"
    })
    void diff16WrapsAt65536(int a, int b, int expected) {
        assertEquals(expected, SequenceNumbers.diff16(a, b));
        assertEquals(expected > 0, SequenceNumbers.isNewer16(a, b));
    }

    @ParameterizedTest(name = "diff32({0}, {1}) = {2}")
    @CsvSource({
        "160, 0, 160",
        "0, 4294967295, 1",
        "4294967295, 0, -1",
        "100, 4294967136, 260",
        "2147483647, 0, 2147483647",
        "2147483648, 0, -2147483648"
    })
    void diff32WrapsAt2Pow32(long a, long b, long expected) {
        assertEquals(expected, SequenceNumbers.diff32(a, b));
        assertEquals(expected > 0, SequenceNumbers.isNewer32(a, b));
    }
}
