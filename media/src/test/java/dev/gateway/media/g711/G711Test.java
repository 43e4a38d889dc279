package dev.gateway.media.g711;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class G711Test {

    private static List<String[]> vectorLines(String name) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = G711Test.class.getResourceAsStream("/vectors/g711/" + name)) {
            if (in == null) {
                throw new IOException("missing vector file " + name);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = reader.readLine()) != null; ) {
                line = line.strip();
                if (!line.isEmpty() && !line.startsWith("#")) {
                    rows.add(line.split("\\s+"));
                }
            }
        }
        return rows;
    }

    private static short[] decodeVector(G711 law) throws IOException {
        List<String[]> rows = vectorLines(law == G711.PCMU ? "ulaw-decode.txt" : "alaw-decode.txt");
        assertEquals(256, rows.size());
        short[] expected = new short[256];
        for (String[] row : rows) {
            expected[Integer.decode(row[0])] = Short.parseShort(row[1]);
        }
        return expected;
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void decodeMatchesItuTableForEveryCode(G711 law) throws IOException {
        short[] expected = decodeVector(law);
        for (int code = 0; code < 256; code++) {
            assertEquals(expected[code], law.decode((byte) code), law + " code 0x" + Integer.toHexString(code));
        }
    }

    static Stream<Arguments> encodeBoundaries() throws IOException {
        return vectorLines("encode-boundaries.txt").stream()
                .map(r -> Arguments.of(G711.valueOf(r[0]), Short.parseShort(r[1]), Integer.decode(r[2])));
    }

    @ParameterizedTest(name = "{0} encode({1}) = {2}")
    @MethodSource("encodeBoundaries")
    void encodeFollowsItuDecisionValues(G711 law, short linear, int code) {
        assertEquals(code, law.encode(linear) & 0xFF);
    }

    @Test
    void anchorValues() {
        assertEquals(-32124, G711.PCMU.decode((byte) 0x00));
        assertEquals(0, G711.PCMU.decode((byte) 0x7F));
        assertEquals(32124, G711.PCMU.decode((byte) 0x80));
        assertEquals(0, G711.PCMU.decode((byte) 0xFF));
        assertEquals(8, G711.PCMA.decode((byte) 0xD5));
        assertEquals(-8, G711.PCMA.decode((byte) 0x55));
        assertEquals(-32256, G711.PCMA.decode((byte) 0x2A));
        assertEquals(32256, G711.PCMA.decode((byte) 0xAA));
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void encodeOfDecodeIsIdentityExceptMuLawNegativeZero(G711 law) {
        for (int code = 0; code < 256; code++) {
            int expected = (law == G711.PCMU && code == 0x7F) ? 0xFF : code; // -0 normalises to +0
            assertEquals(expected, law.encode(law.decode((byte) code)) & 0xFF, law + " code " + code);
        }
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void extremesEncodeToLargestCodes(G711 law) {
        int max = law == G711.PCMU ? 0x80 : 0xAA;
        int min = law == G711.PCMU ? 0x00 : 0x2A;
        assertEquals(max, law.encode(Short.MAX_VALUE) & 0xFF);
        assertEquals(min, law.encode(Short.MIN_VALUE) & 0xFF);
    }

    /** Over all 65,536 inputs: monotonic, and the decoded value is within half a step of the input. */
    @ParameterizedTest
    @EnumSource(G711.class)
    void everyInputQuantisesToItsInterval(G711 law) {
        int previous = Integer.MIN_VALUE;
        for (int x = Short.MIN_VALUE; x <= Short.MAX_VALUE; x++) {
            int y = law.decode(law.encode((short) x));
            assertTrue(y >= previous, law + " not monotonic at " + x);
            previous = y;
            int magnitude = Math.abs(y);
            int halfStep = law == G711.PCMU ? Math.max(4, Integer.highestOneBit(magnitude + 132) >> 5)
                                            : Math.max(8, Integer.highestOneBit(Math.max(magnitude, 1)) >> 5);
            int clip = law == G711.PCMU ? 32124 : 32256;
            if (Math.abs(x) < clip) {
                assertTrue(Math.abs(y - x) <= halfStep + 1, law + " x=" + x + " y=" + y);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void arrayAndByteBufVariantsAgreeWithScalar(G711 law) {
        short[] pcm = new short[320];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) (i * 205 - 32768);
        }
        byte[] codes = new byte[pcm.length + 2];
        law.encode(pcm, 0, pcm.length, codes, 2);
        for (int i = 0; i < pcm.length; i++) {
            assertEquals(law.encode(pcm[i]), codes[i + 2]);
        }
        short[] back = new short[pcm.length];
        law.decode(codes, 2, pcm.length, back, 0);
        for (int i = 0; i < pcm.length; i++) {
            assertEquals(law.decode(codes[i + 2]), back[i]);
        }

        for (ByteBuf buf : new ByteBuf[] {Unpooled.buffer(8), Unpooled.directBuffer(8)}) {
            try {
                buf.writeBytes(new byte[] {1, 2, 3});
                buf.readerIndex(1);
                law.encode(pcm, 0, pcm.length, buf);
                assertEquals(1, buf.readerIndex());
                assertEquals(3 + pcm.length, buf.writerIndex());
                for (int i = 0; i < pcm.length; i++) {
                    assertEquals(codes[i + 2], buf.getByte(3 + i));
                }
                short[] decoded = new short[pcm.length + 1];
                law.decode(buf, 3, pcm.length, decoded, 1);
                assertEquals(1, buf.readerIndex());
                assertEquals(3 + pcm.length, buf.writerIndex());
                for (int i = 0; i < pcm.length; i++) {
                    assertEquals(back[i], decoded[i + 1]);
                }
            } finally {
                assertTrue(buf.release());
            }
        }
    }

    @Test
    void lookupByPayloadTypeAndName() {
        assertSame(G711.PCMU, G711.ofPayloadType(0));
        assertSame(G711.PCMA, G711.ofPayloadType(8));
        assertNull(G711.ofPayloadType(9));
        assertSame(G711.PCMU, G711.ofEncodingName("pcmu"));
        assertSame(G711.PCMA, G711.ofEncodingName("PCMA"));
        assertNull(G711.ofEncodingName("G722"));
        assertNull(G711.ofEncodingName(null));
        assertEquals(0, G711.PCMU.payloadType());
        assertEquals("PCMA", G711.PCMA.encodingName());
    }

    /**
     * Why the room may be fed re-encoded play-out instead of the phone's packets: decoding a code and encoding the
     * result with the same law gives the code back, for all 256 codes of both laws, but mu-law's negative zero
     * (0x7F decodes to 0 like 0xFF, and 0 encodes as 0xFF): the same silence.
     */
    @ParameterizedTest
    @EnumSource(G711.class)
    void decodeThenEncodeGivesThePhonesBytesBack(G711 law) {
        byte[] codes = new byte[256];
        short[] pcm = new short[256];
        byte[] again = new byte[256];
        for (int c = 0; c < 256; c++) {
            codes[c] = (byte) c;
        }
        law.decode(codes, 0, 256, pcm, 0);
        law.encode(pcm, 0, 256, again, 0);
        List<String> changed = new ArrayList<>();
        for (int c = 0; c < 256; c++) {
            if (again[c] != codes[c]) {
                changed.add(String.format("%02X->%02X", c, again[c] & 0xFF));
            }
        }
        assertEquals(law == G711.PCMU ? List.of("7F->FF") : List.of(), changed);
        if (law == G711.PCMU) {
            assertEquals(0, law.decode((byte) 0x7F), "0x7F is mu-law's negative zero");
            assertEquals(0, law.decode((byte) 0xFF));
        }
    }
}
