package dev.gateway.media.dtmf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TelephoneEventCodecTest {

    static List<Rfc4733Vectors.Row> table5() {
        return Rfc4733Vectors.table5();
    }

    @ParameterizedTest(name = "RFC 4733 Table 5 {0}")
    @MethodSource("table5")
    void readsRfc4733Example(Rfc4733Vectors.Row row) {
        ByteBuf buf = Unpooled.buffer().writeZero(3).writeBytes(row.payload());
        try {
            buf.readerIndex(2);
            assertEquals(row.event(), TelephoneEventCodec.event(buf, 3));
            assertEquals(row.end(), TelephoneEventCodec.end(buf, 3));
            assertEquals(10, TelephoneEventCodec.volume(buf, 3));
            assertEquals(row.duration(), TelephoneEventCodec.duration(buf, 3));
            assertEquals(2, buf.readerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest(name = "RFC 4733 Table 5 {0}")
    @MethodSource("table5")
    void writesRfc4733Example(Rfc4733Vectors.Row row) {
        ByteBuf buf = Unpooled.buffer().writeByte(0x55);
        try {
            TelephoneEventCodec.write(buf, row.event(), row.end(), 10, row.duration());
            assertEquals(1 + TelephoneEventCodec.SIZE, buf.writerIndex());
            assertArrayEquals(row.payload(), ByteBufUtil.getBytes(buf, 1, TelephoneEventCodec.SIZE));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void reservedBitIsIgnoredAndExtremesRoundTrip() {
        ByteBuf buf = Unpooled.wrappedBuffer(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        try {
            assertEquals(255, TelephoneEventCodec.event(buf, 0));
            assertTrue(TelephoneEventCodec.end(buf, 0));
            assertEquals(63, TelephoneEventCodec.volume(buf, 0));
            assertEquals(65535, TelephoneEventCodec.duration(buf, 0));
            buf.clear();
            TelephoneEventCodec.write(buf, 255, true, 63, 65535);
            assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xBF, (byte) 0xFF, (byte) 0xFF}, ByteBufUtil.getBytes(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    static Stream<Arguments> invalidFields() {
        return Stream.of(
                Arguments.of("event -1", -1, 10, 160, "event -1"),
                Arguments.of("event 256", 256, 10, 160, "event 256"),
                Arguments.of("volume -1", 1, -1, 160, "volume -1"),
                Arguments.of("volume 64", 1, 64, 160, "volume 64"),
                Arguments.of("duration -1", 1, 10, -1, "duration -1"),
                Arguments.of("duration 65536", 1, 10, 65536, "duration 65536"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFields")
    void writeRejectsOutOfRangeFields(String name, int event, int volume, int duration, String message) {
        ByteBuf buf = Unpooled.buffer();
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TelephoneEventCodec.write(buf, event, false, volume, duration));
            assertTrue(e.getMessage().startsWith(message), e.getMessage());
            assertEquals(0, buf.writerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }
}
