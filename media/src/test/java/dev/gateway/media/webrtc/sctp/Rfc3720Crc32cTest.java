package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gateway.media.testing.Vectors;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** CRC32c against the RFC 3720 §B.4 examples (vectors/rfc3720/README.md). */
class Rfc3720Crc32cTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "zeros.hex,        8A9136AA",
        "ones.hex,         62A8AB43",
        "incrementing.hex, 46DD794E",
        "decrementing.hex, 113FDB5C",
    })
    void matchesPublishedVector(String file, String expectedHex) {
        byte[] data = Vectors.hex("rfc3720/" + file);
        int expected = Integer.parseUnsignedInt(expectedHex, 16);
        assertEquals(32, data.length);
        assertEquals(expected, Crc32c.compute(data, 0, data.length));
        assertEquals(expected, Crc32c.compute(Unpooled.wrappedBuffer(data)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"zeros.hex", "ones.hex", "incrementing.hex"})
    void zeroedFieldVariantEqualsComputingOverZeroedCopy(String file) {
        byte[] data = Vectors.hex("rfc3720/" + file);
        byte[] copy = data.clone();
        java.util.Arrays.fill(copy, 8, 12, (byte) 0);
        assertEquals(Crc32c.compute(copy, 0, copy.length), Crc32c.computeWithZeroedField(data, 0, data.length, 8));
    }
}
