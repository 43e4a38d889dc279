package dev.gateway.media.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class RtcpCodecTest {

    /** Records callbacks as strings so tests can compare whole sequences. */
    static final class Recorder implements RtcpVisitor {
        final List<String> events = new ArrayList<>();

        @Override
        public void onSenderReport(long ssrc, long ntp, long rtp, long packets, long octets) {
            events.add("SR ssrc=" + Long.toHexString(ssrc) + " ntp=" + Long.toHexString(ntp) + " rtp=" + rtp
                    + " packets=" + packets + " octets=" + octets);
        }

        @Override
        public void onReceiverReport(long ssrc) {
            events.add("RR ssrc=" + Long.toHexString(ssrc));
        }

        @Override
        public void onReportBlock(long reporter, long source, int fraction, int lost, long extSeq, long jitter,
                long lsr, long dlsr) {
            events.add("block by=" + Long.toHexString(reporter) + " src=" + Long.toHexString(source) + " fraction="
                    + fraction + " lost=" + lost + " extSeq=" + Long.toHexString(extSeq) + " jitter=" + jitter
                    + " lsr=" + Long.toHexString(lsr) + " dlsr=" + Long.toHexString(dlsr));
        }

        @Override
        public void onBye(long ssrc) {
            events.add("BYE " + Long.toHexString(ssrc));
        }

        @Override
        public void onOtherPacket(int type, int count) {
            events.add("other pt=" + type + " count=" + count);
        }
    }

    @Test
    void parsesHandBuiltSenderReportFieldByField() {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc3550/rtcp-sr-rr-sdes.hex"));
        Recorder r = new Recorder();
        try {
            assertEquals(RtcpParseResult.OK, RtcpCodec.parse(buf, r));
            assertEquals(List.of(
                    "SR ssrc=11223344 ntp=e8e8e8e880000000 rtp=123456 packets=1000 octets=160000",
                    "block by=11223344 src=aabbccdd fraction=64 lost=5 extSeq=1ffff jitter=32 lsr=e8e88000"
                            + " dlsr=10000",
                    "other pt=202 count=1"), r.events);
            assertEquals(0, buf.readerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void writesTheHandBuiltVectorByteForByte() {
        ByteBuf buf = Unpooled.buffer();
        try {
            ReportBlock block = new ReportBlock().set(0xAABBCCDDL, 64, 5, 0x1FFFFL, 32, 0xE8E88000L, 0x10000L);
            RtcpCodec.writeSenderReport(buf, 0x11223344L, 0xE8E8E8E880000000L, 123456, 1000, 160000, block);
            RtcpCodec.writeSdesCname(buf, 0x11223344L, "a@b.c");
            assertEquals(ByteBufUtil.hexDump(Vectors.hex("rfc3550/rtcp-sr-rr-sdes.hex")), ByteBufUtil.hexDump(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void receiverReportRoundTripsWithNegativeCumulativeLoss() {
        ByteBuf buf = Unpooled.buffer();
        Recorder r = new Recorder();
        try {
            ReportBlock block = new ReportBlock().set(0xFFFFFFFFL, 255, -3, 0xFFFFFFFFL, 0, 0, 0);
            RtcpCodec.writeReceiverReport(buf, 1, block);
            RtcpCodec.writeSdesCname(buf, 1, "gw");
            RtcpCodec.writeBye(buf, 1);
            assertEquals(8 + 24 + 16 + 8, buf.readableBytes());
            assertEquals(RtcpParseResult.OK, RtcpCodec.parse(buf, r));
            assertEquals(List.of(
                    "RR ssrc=1",
                    "block by=1 src=ffffffff fraction=255 lost=-3 extSeq=ffffffff jitter=0 lsr=0 dlsr=0",
                    "other pt=202 count=1",
                    "BYE 1"), r.events);
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void senderReportWithoutBlockRoundTrips() {
        ByteBuf buf = Unpooled.buffer();
        Recorder r = new Recorder();
        try {
            long ntp = RtcpCodec.toNtp(1_700_000_000_250L);
            RtcpCodec.writeSenderReport(buf, 0x80000000L, ntp, 0xFFFFFFFFL, 0xFFFFFFFFL, 7, null);
            assertEquals(28, buf.readableBytes());
            assertEquals(0x80, buf.getUnsignedByte(0), "V=2, RC=0");
            assertEquals(RtcpParseResult.OK, RtcpCodec.parse(buf, r));
            assertEquals(List.of("SR ssrc=80000000 ntp=" + Long.toHexString(ntp)
                    + " rtp=4294967295 packets=4294967295 octets=7"), r.events);
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest(name = "CNAME of {0} bytes pads to {1} bytes of SDES")
    @CsvSource({"1, 12", "2, 16", "5, 16", "6, 20", "10, 24"})
    void sdesChunkEndsWithNullAndWordAlignment(int length, int expectedSize) {
        ByteBuf buf = Unpooled.buffer();
        try {
            RtcpCodec.writeSdesCname(buf, 9, "x".repeat(length));
            assertEquals(expectedSize, buf.readableBytes());
            assertEquals(expectedSize / 4 - 1, buf.getUnsignedShort(2));
            assertEquals(0, buf.getByte(expectedSize - 1), "item list ends with a null octet");
            assertEquals(RtcpParseResult.OK, RtcpCodec.parse(buf, new Recorder()));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void rejectsEmptyAndOverlongCname() {
        ByteBuf buf = Unpooled.buffer();
        try {
            assertThrows(IllegalArgumentException.class, () -> RtcpCodec.writeSdesCname(buf, 1, ""));
            assertThrows(IllegalArgumentException.class, () -> RtcpCodec.writeSdesCname(buf, 1, "x".repeat(256)));
            assertEquals(0, buf.writerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    @ParameterizedTest(name = "toNtp({0}) = {1}")
    @CsvSource({
        // Unix epoch is NTP 2208988800 s (0x83AA7E80); half a second is fraction 0x80000000.
        "0, 83aa7e8000000000",
        "500, 83aa7e8080000000",
        "1000, 83aa7e8100000000",
        "-1000, 83aa7e7f00000000"
    })
    void convertsUnixMillisToNtp(long millis, String hex) {
        assertEquals(Long.parseUnsignedLong(hex, 16), RtcpCodec.toNtp(millis));
        assertEquals(millis, RtcpCodec.toUnixMillis(RtcpCodec.toNtp(millis)));
    }

    @Test
    void compactNtpTakesTheMiddle32Bits() {
        assertEquals(0xE8E88000L, RtcpCodec.compactNtp(0xE8E8E8E880000000L));
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("empty", "", RtcpParseResult.TOO_SHORT),
                Arguments.of("three bytes", "81c900", RtcpParseResult.TOO_SHORT),
                Arguments.of("version 1", "41c9000100000001", RtcpParseResult.BAD_VERSION),
                Arguments.of("length beyond buffer", "81c9000700000001", RtcpParseResult.BAD_LENGTH),
                Arguments.of("second packet length beyond buffer", "80c9000100000001" + "81cb0002 00000001",
                        RtcpParseResult.BAD_LENGTH),
                Arguments.of("second packet version 3", "80c9000100000001" + "c1cb000100000001",
                        RtcpParseResult.BAD_VERSION),
                Arguments.of("trailing two bytes", "80c9000100000001" + "80c9", RtcpParseResult.TOO_SHORT),
                Arguments.of("RR report count beyond length", "81c9000100000001", RtcpParseResult.BAD_COUNT),
                Arguments.of("SR shorter than sender info", "80c800010000000100000000", RtcpParseResult.TOO_SHORT),
                Arguments.of("BYE source count beyond length", "82cb000100000001", RtcpParseResult.BAD_COUNT),
                Arguments.of("padding count zero", "a0c9000100000000", RtcpParseResult.BAD_PADDING),
                Arguments.of("padding count beyond body", "a0c9000100000009", RtcpParseResult.BAD_PADDING));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedCompoundsAreResultsAndReportNothing(String name, String hex, RtcpParseResult expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.parseHex(hex));
        Recorder r = new Recorder();
        try {
            assertEquals(expected, RtcpCodec.parse(buf, r));
            assertEquals(List.of(), r.events, "no callbacks for a malformed compound");
        } finally {
            buf.release();
        }
    }
}
