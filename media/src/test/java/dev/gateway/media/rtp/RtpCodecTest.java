package dev.gateway.media.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RtpCodecTest {

    private final RtpHeader header = new RtpHeader();

    @Test
    void parsesMinimalPcmuPacket() {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc3550/rtp-pcmu-simple.hex"));
        try {
            assertEquals(RtpParseResult.OK, RtpCodec.parse(buf, header));
            assertEquals(2, header.version());
            assertFalse(header.padding());
            assertFalse(header.extension());
            assertEquals(0, header.csrcCount());
            assertFalse(header.marker());
            assertEquals(0, header.payloadType());
            assertEquals(1, header.sequenceNumber());
            assertEquals(160, header.timestamp());
            assertEquals(0xDEADBEEFL, header.ssrc());
            assertEquals(12, header.payloadIndex());
            assertEquals(4, header.payloadLength());
            assertEquals(0, buf.readerIndex(), "parse must not move the reader index");
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void parsesCsrcsExtensionAndPadding() {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc3550/rtp-csrc-ext-padding.hex"));
        try {
            assertEquals(RtpParseResult.OK, RtpCodec.parse(buf, header));
            assertTrue(header.padding());
            assertTrue(header.extension());
            assertTrue(header.marker());
            assertEquals(96, header.payloadType());
            assertEquals(0xABCD, header.sequenceNumber());
            assertEquals(0x12345678L, header.timestamp());
            assertEquals(0x11223344L, header.ssrc());
            assertEquals(2, header.csrcCount());
            assertEquals(0x01020304L, header.csrc(0));
            assertEquals(0xFFFFFFFEL, header.csrc(1));
            assertEquals(0xBEDE, header.extensionProfile());
            assertEquals(24, header.extensionIndex());
            assertEquals(4, header.extensionLength());
            assertEquals(28, header.payloadIndex());
            assertEquals(5, header.payloadLength());
            assertEquals(3, header.paddingLength());
            byte[] payload = new byte[header.payloadLength()];
            buf.getBytes(header.payloadIndex(), payload);
            assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, payload);
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void readsUnsignedFieldsAtTheirMaximum() {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc3550/rtp-pcma-wrap.hex"));
        try {
            assertEquals(RtpParseResult.OK, RtpCodec.parse(buf, header));
            assertTrue(header.marker());
            assertEquals(8, header.payloadType());
            assertEquals(65535, header.sequenceNumber());
            assertEquals(0xFFFFFFFFL, header.timestamp());
            assertEquals(0xFFFFFFFFL, header.ssrc());
            assertEquals(1, header.payloadLength());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void parseHonoursReaderIndex() {
        ByteBuf buf = Unpooled.buffer();
        try {
            buf.writeBytes(new byte[] {9, 9, 9});
            buf.readerIndex(3);
            buf.writeBytes(Vectors.hex("rfc3550/rtp-pcmu-simple.hex"));
            assertEquals(RtpParseResult.OK, RtpCodec.parse(buf, header));
            assertEquals(15, header.payloadIndex());
            assertEquals(4, header.payloadLength());
        } finally {
            assertTrue(buf.release());
        }
    }

    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of(false, 0, 0, 0L, 0L),
                Arguments.of(true, 127, 65535, 0xFFFFFFFFL, 0xFFFFFFFFL),
                Arguments.of(false, 8, 12345, 160L * 1000, 0x80000000L),
                Arguments.of(true, 101, 1, 1L, 1L));
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void writeThenParseRoundTrips(boolean marker, int pt, int seq, long ts, long ssrc) {
        ByteBuf buf = Unpooled.buffer();
        try {
            RtpCodec.writeHeader(buf, marker, pt, seq, ts, ssrc);
            assertEquals(RtpCodec.HEADER_SIZE, buf.writerIndex());
            buf.writeBytes(new byte[] {1, 2, 3});
            assertEquals(RtpParseResult.OK, RtpCodec.parse(buf, header));
            assertEquals(marker, header.marker());
            assertEquals(pt, header.payloadType());
            assertEquals(seq, header.sequenceNumber());
            assertEquals(ts, header.timestamp());
            assertEquals(ssrc, header.ssrc());
            assertEquals(12, header.payloadIndex());
            assertEquals(3, header.payloadLength());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writesTheSameBytesAsTheVector() {
        ByteBuf buf = Unpooled.buffer();
        try {
            RtpCodec.writeHeader(buf, true, 8, 65535, 0xFFFFFFFFL, 0xFFFFFFFFL);
            assertEquals("8088ffffffffffffffffffff", ByteBufUtil.hexDump(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    static Stream<Arguments> badWriteArguments() {
        return Stream.of(
                Arguments.of("payload type 128", 128, 0, 0L, 0L),
                Arguments.of("negative payload type", -1, 0, 0L, 0L),
                Arguments.of("sequence 65536", 0, 65536, 0L, 0L),
                Arguments.of("timestamp 2^32", 0, 0, 1L << 32, 0L),
                Arguments.of("negative ssrc", 0, 0, 0L, -1L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badWriteArguments")
    void writeRejectsOutOfRangeFields(String name, int pt, int seq, long ts, long ssrc) {
        ByteBuf buf = Unpooled.buffer();
        try {
            assertThrows(IllegalArgumentException.class, () -> RtpCodec.writeHeader(buf, false, pt, seq, ts, ssrc));
            assertEquals(0, buf.writerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", "", RtpParseResult.TOO_SHORT),
                Arguments.of("11 bytes", "80000001000000a0deadbe", RtpParseResult.TOO_SHORT),
                Arguments.of("version 1", "40000001000000a0deadbeefff", RtpParseResult.BAD_VERSION),
                Arguments.of("version 0", "00000001000000a0deadbeefff", RtpParseResult.BAD_VERSION),
                Arguments.of("padding count beyond payload", "a0000001000000a0deadbeef0005", RtpParseResult.BAD_PADDING),
                Arguments.of("padding count zero", "a0000001000000a0deadbeefff00", RtpParseResult.BAD_PADDING),
                Arguments.of("padding bit without bytes", "a0000001000000a0deadbeef", RtpParseResult.BAD_PADDING),
                Arguments.of("extension header truncated", "90000001000000a0deadbeefbede", RtpParseResult.BAD_EXTENSION),
                Arguments.of("extension length beyond buffer", "90000001000000a0deadbeefbede000210aa0000",
                        RtpParseResult.BAD_EXTENSION),
                Arguments.of("csrc count beyond buffer", "83000001000000a0deadbeef0102030405060708",
                        RtpParseResult.BAD_CSRC_COUNT),
                Arguments.of("csrc count 15 on bare header", "8f000001000000a0deadbeef",
                        RtpParseResult.BAD_CSRC_COUNT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedPacketsAreResultsNotExceptions(String name, String hex, RtpParseResult expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.parseHex(hex));
        try {
            assertEquals(expected, RtpCodec.parse(buf, header));
            assertEquals(0, buf.readerIndex());
        } finally {
            buf.release();
        }
    }

    static Stream<Arguments> demux() {
        return Stream.of(
                Arguments.of("RTCP SR", "81c8000c", true),
                Arguments.of("RTCP RR", "81c90007", true),
                Arguments.of("RTCP SDES", "81ca0003", true),
                Arguments.of("RTCP BYE", "81cb0001", true),
                Arguments.of("RTCP PSFB", "81ce0002", true),
                Arguments.of("RTP PCMU", "80000001", false),
                Arguments.of("RTP PCMA marker", "80880001", false),
                Arguments.of("RTP PT 96 marker", "80e00001", false),
                Arguments.of("RTP PT 127 marker", "80ff0001", false),
                Arguments.of("version 0 in RTCP range", "01c80001", false),
                Arguments.of("one byte", "81", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("demux")
    void demultiplexesRtcpFromRtpPerRfc5761(String name, String hex, boolean rtcp) {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.parseHex(hex));
        try {
            assertEquals(rtcp, RtpCodec.looksLikeRtcp(buf));
        } finally {
            buf.release();
        }
    }
}
