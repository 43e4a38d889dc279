package dev.gateway.media.webrtc.sctp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.webrtc.sctp.SctpForwardTsnChunk.StreamSsn;
import dev.gateway.media.webrtc.sctp.SctpSackChunk.GapBlock;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SctpPacketCodecTest {

    static Stream<Arguments> chunks() {
        byte[] cookie = "cookie-bytes-x".getBytes(StandardCharsets.US_ASCII);
        return Stream.of(
                Arguments.of("INIT", new SctpInitChunk(false, 0x11223344, 1 << 20, 65535, 65535, -5, true, null)),
                Arguments.of("INIT without PR-SCTP", new SctpInitChunk(false, 7, 0xFFFFFFFFL, 10, 20, 0, false, null)),
                Arguments.of("INIT ACK", new SctpInitChunk(true, 0x55, 4096, 1, 1, 99, true, cookie)),
                Arguments.of("COOKIE ECHO", new SctpCookieEchoChunk(cookie)),
                Arguments.of("COOKIE ACK", new SctpCookieAckChunk()),
                Arguments.of("DATA B+E", new SctpDataChunk(false, true, true, 1, 2, 3, 51, new byte[] {1, 2, 3})),
                Arguments.of("DATA U middle", new SctpDataChunk(true, false, false, -1, 65535, 65535, 53, new byte[5])),
                Arguments.of("SACK", new SctpSackChunk(100, 1 << 20, List.of(new GapBlock(2, 3), new GapBlock(5, 9)),
                        List.of(99, 98))),
                Arguments.of("SACK plain", new SctpSackChunk(-2, 0, List.of(), List.of())),
                Arguments.of("HEARTBEAT", new SctpHeartbeatChunk(false, new byte[] {9, 8, 7, 6, 5, 4, 3, 2, 1})),
                Arguments.of("HEARTBEAT ACK", new SctpHeartbeatChunk(true, new byte[8])),
                Arguments.of("ABORT", new SctpAbortChunk(true, List.of(SctpErrorCause.text(12, "bye"),
                        SctpErrorCause.text(13, "x")))),
                Arguments.of("ABORT empty", new SctpAbortChunk(false, List.of())),
                Arguments.of("ERROR", new SctpErrorChunk(List.of(new SctpErrorCause(6, new byte[] {(byte) 0xAB, 0, 0, 4})))),
                Arguments.of("SHUTDOWN", new SctpShutdownChunk(12345)),
                Arguments.of("SHUTDOWN ACK", new SctpShutdownAckChunk()),
                Arguments.of("SHUTDOWN COMPLETE", new SctpShutdownCompleteChunk(true)),
                Arguments.of("FORWARD TSN", new SctpForwardTsnChunk(77, List.of(new StreamSsn(1, 2), new StreamSsn(3, 65535)))),
                Arguments.of("unknown", new SctpUnknownChunk(0x82, 0x5A, new byte[] {1, 2, 3, 4, 5})));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunks")
    void roundTrip(String name, SctpChunk chunk) {
        SctpPacket packet = new SctpPacket(5000, 5001, 0xCAFEBABE, List.of(chunk, new SctpCookieAckChunk()));
        byte[] wire = SctpPacketCodec.encode(packet);
        assertEquals(0, wire.length % 4, "padded");
        SctpDecoded decoded = SctpPacketCodec.decode(wire, 0, wire.length);
        assertEquals(SctpParseResult.OK, decoded.result());
        SctpPacket back = decoded.packet();
        assertEquals(5000, back.sourcePort());
        assertEquals(5001, back.destinationPort());
        assertEquals(0xCAFEBABE, back.verificationTag());
        assertEquals(2, back.chunks().size());
        // records holding arrays compare by identity: compare the re-encoding instead
        assertArrayEquals(wire, SctpPacketCodec.encode(back));
        assertEquals(chunk.getClass(), back.chunks().get(0).getClass());
    }

    @Test
    void decodesAtAnOffset() {
        byte[] wire = SctpPacketCodec.encode(new SctpPacket(1, 2, 3, List.of(new SctpShutdownChunk(4))));
        byte[] shifted = new byte[wire.length + 7];
        System.arraycopy(wire, 0, shifted, 5, wire.length);
        SctpDecoded d = SctpPacketCodec.decode(shifted, 5, wire.length);
        assertTrue(d.ok());
        assertEquals(new SctpShutdownChunk(4), d.packet().chunks().get(0));
    }

    @Test
    void dataFieldsSurvive() {
        SctpDataChunk data = new SctpDataChunk(true, true, false, 0xFFFFFFFE, 7, 9, 53, new byte[] {42});
        byte[] wire = SctpPacketCodec.encode(new SctpPacket(5000, 5000, 1, List.of(data)));
        SctpDataChunk back = (SctpDataChunk) SctpPacketCodec.decode(wire, 0, wire.length).packet().chunks().get(0);
        assertTrue(back.unordered() && back.beginning() && !back.ending());
        assertEquals(0xFFFFFFFE, back.tsn());
        assertEquals(7, back.streamId());
        assertEquals(9, back.ssn());
        assertEquals(53, back.ppid());
        assertArrayEquals(new byte[] {42}, back.payload());
    }

    @Test
    void initAckKeepsCookieAndExtensions() {
        byte[] cookie = {1, 2, 3, 4, 5};
        SctpInitChunk init = new SctpInitChunk(true, 9, 1000, 3, 4, 5, true, cookie);
        byte[] wire = SctpPacketCodec.encode(new SctpPacket(5000, 5000, 1, List.of(init)));
        SctpInitChunk back = (SctpInitChunk) SctpPacketCodec.decode(wire, 0, wire.length).packet().chunks().get(0);
        assertArrayEquals(cookie, back.stateCookie());
        assertTrue(back.forwardTsnSupported());
        assertEquals(1000, back.advertisedWindow());
        byte[] plain = SctpPacketCodec.encode(new SctpPacket(1, 1, 0,
                List.of(new SctpInitChunk(false, 1, 1, 1, 1, 1, false, null))));
        SctpInitChunk plainBack = (SctpInitChunk) SctpPacketCodec.decode(plain, 0, plain.length).packet().chunks().get(0);
        assertNull(plainBack.stateCookie());
        assertTrue(!plainBack.forwardTsnSupported());
    }

    /** A valid packet of a SHUTDOWN chunk followed by whatever bytes {@code tail} are, with a correct checksum. */
    private static byte[] withTail(byte[] tail) {
        byte[] base = SctpPacketCodec.encode(new SctpPacket(5000, 5000, 1, List.of(new SctpShutdownChunk(1))));
        byte[] wire = new byte[base.length + tail.length];
        System.arraycopy(base, 0, wire, 0, base.length);
        System.arraycopy(tail, 0, wire, base.length, tail.length);
        return fixChecksum(wire);
    }

    static byte[] fixChecksum(byte[] wire) {
        int crc = Crc32c.computeWithZeroedField(wire, 0, wire.length, 8);
        io.netty.buffer.Unpooled.wrappedBuffer(wire).setIntLE(8, crc);
        return wire;
    }

    static Stream<Arguments> malformed() {
        byte[] good = SctpPacketCodec.encode(new SctpPacket(5000, 5000, 1, List.of(new SctpShutdownChunk(1))));
        byte[] badCrc = good.clone();
        badCrc[8] ^= 0x01;
        byte[] flipped = good.clone();
        flipped[15] ^= 0x40; // payload bit flip, checksum left alone
        return Stream.of(
                Arguments.of("shorter than the header", new byte[11], SctpParseResult.TOO_SHORT),
                Arguments.of("bad checksum", badCrc, SctpParseResult.BAD_CHECKSUM),
                Arguments.of("bit flip in a chunk", flipped, SctpParseResult.BAD_CHECKSUM),
                Arguments.of("header only", fixChecksum(new byte[12]), SctpParseResult.NO_CHUNKS),
                Arguments.of("chunk length beyond packet", withTail(new byte[] {11, 0, 0, 40}), SctpParseResult.CHUNK_OVERFLOW),
                Arguments.of("chunk length below 4", withTail(new byte[] {11, 0, 0, 2}), SctpParseResult.CHUNK_OVERFLOW),
                Arguments.of("trailing garbage", withTail(new byte[] {1, 2}), SctpParseResult.CHUNK_OVERFLOW),
                Arguments.of("DATA without user data", withTail(new byte[] {0, 3, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}),
                        SctpParseResult.MALFORMED_CHUNK),
                Arguments.of("SHUTDOWN too short", withTail(new byte[] {7, 0, 0, 6, 0, 0, 0, 0}), SctpParseResult.MALFORMED_CHUNK),
                Arguments.of("INIT with zero tag", withTail(init(0)), SctpParseResult.MALFORMED_CHUNK),
                Arguments.of("SACK counts disagree with length",
                        withTail(new byte[] {3, 0, 0, 16, 0, 0, 0, 1, 0, 0, 16, 0, 0, 2, 0, 0}), SctpParseResult.MALFORMED_CHUNK),
                Arguments.of("COOKIE ACK with a value", withTail(new byte[] {11, 0, 0, 8, 1, 2, 3, 4}),
                        SctpParseResult.MALFORMED_CHUNK));
    }

    private static byte[] init(int tag) {
        return new byte[] {1, 0, 0, 20, (byte) (tag >>> 24), (byte) (tag >>> 16), (byte) (tag >>> 8), (byte) tag,
            0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedIsACountedResult(String name, byte[] wire, SctpParseResult expected) {
        assertEquals(expected, SctpPacketCodec.decode(wire, 0, wire.length).result());
    }

    @ParameterizedTest(name = "type 0x{0}")
    @org.junit.jupiter.params.provider.CsvSource({"3F, STOP", "7F, STOP_AND_REPORT", "BF, SKIP", "FF, SKIP_AND_REPORT"})
    void unknownChunkActionFromUpperBits(String hexType, SctpChunkType.UnknownAction action) {
        int type = Integer.parseInt(hexType, 16);
        byte[] wire = withTail(new byte[] {(byte) type, 0, 0, 5, 9, 0, 0, 0});
        SctpDecoded d = SctpPacketCodec.decode(wire, 0, wire.length);
        assertTrue(d.ok());
        SctpUnknownChunk u = (SctpUnknownChunk) d.packet().chunks().get(1);
        assertEquals(action, u.action());
        assertArrayEquals(new byte[] {9}, u.value());
        assertArrayEquals(new byte[] {(byte) type, 0, 0, 5, 9}, u.wireBytes());
    }

    @Test
    void missingFinalPaddingIsAccepted() {
        byte[] wire = fixChecksum(withTail(new byte[] {(byte) 0xBF, 0, 0, 5, 9}));
        assertTrue(SctpPacketCodec.decode(wire, 0, wire.length).ok());
    }
}
