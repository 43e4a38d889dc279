package dev.gateway.media.webrtc.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StunCodecTest {

    private static final byte[] TX = Vectors.parseHex("0102030405060708090a0b0c");
    private static final byte[] KEY = StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    /** Attribute offsets in rfc5769/sample-request.hex. */
    private static final int PRIORITY_OFFSET = 40;
    private static final int USERNAME_OFFSET = 60;
    private static final int INTEGRITY_OFFSET = 76;
    private static final int FINGERPRINT_OFFSET = 100;

    @Test
    void bindingRequestRoundTrip() {
        StunMessage request = StunMessage.bindingRequest(TX).username("abcd:efgh").priority(0x6EFFFFFFL)
                .useCandidate(true).iceControlling(0x8000_0000_0000_0001L).software("gw").build();
        ByteBuf buf = Unpooled.buffer();
        try {
            int n = StunCodec.encode(request, KEY, true, buf);
            assertEquals(buf.readableBytes(), n);
            assertTrue(StunCodec.looksLikeStun(buf));
            StunMessage m = StunCodec.decode(buf).message();
            assertEquals(StunClass.REQUEST, m.messageClass());
            assertTrue(m.hasTransactionId(TX));
            assertEquals("abcd:efgh", m.username());
            assertEquals(0x6EFFFFFFL, m.priority().getAsLong());
            assertTrue(m.useCandidate());
            assertEquals(0x8000_0000_0000_0001L, m.iceControlling().getAsLong());
            assertTrue(m.iceControlled().isEmpty());
            assertEquals("gw", m.software());
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyIntegrity(buf, KEY));
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyFingerprint(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void successResponseRoundTripIpv4AndIpv6() {
        for (String host : new String[] {"192.0.2.1", "2001:db8:1234:5678:11:2233:4455:6677"}) {
            InetSocketAddress mapped = new InetSocketAddress(host, 32853);
            ByteBuf buf = Unpooled.buffer();
            try {
                StunCodec.encode(StunMessage.bindingSuccess(TX, mapped).iceControlled(7).build(), KEY, true, buf);
                StunMessage m = StunCodec.decode(buf).message();
                assertEquals(StunClass.SUCCESS_RESPONSE, m.messageClass());
                assertEquals(mapped, m.xorMappedAddress());
                assertEquals(7, m.iceControlled().getAsLong());
                assertEquals(StunVerifyResult.OK, StunIntegrity.verifyIntegrity(buf, KEY));
                assertEquals(StunVerifyResult.OK, StunIntegrity.verifyFingerprint(buf));
            } finally {
                assertTrue(buf.release());
            }
        }
    }

    @Test
    void errorResponseRoundTripWithoutIntegrity() {
        ByteBuf buf = Unpooled.buffer();
        try {
            StunCodec.encode(StunMessage.bindingError(TX, 487, "Role Conflict").build(), null, true, buf);
            assertEquals(0x0111, buf.getUnsignedShort(0), "Binding error response type");
            StunMessage m = StunCodec.decode(buf).message();
            assertEquals(StunClass.ERROR_RESPONSE, m.messageClass());
            assertEquals(487, m.errorCode());
            assertEquals("Role Conflict", m.errorReason());
            assertFalse(m.hasIntegrity());
            assertEquals(StunVerifyResult.ABSENT, StunIntegrity.verifyIntegrity(buf, KEY));
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyFingerprint(buf));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void parsesMappedAddressAndSkipsUnknownOptional() {
        // Binding success: MAPPED-ADDRESS 10.0.0.1:1000, then GOOG-NETWORK-INFO-like 0xC057 (optional) of 4 bytes
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.parseHex("0101 0014 2112a442 0102030405060708090a0b0c"
                + "0001 0008 0001 03e8 0a000001" + "c057 0004 00010002"));
        try {
            StunDecoded d = StunCodec.decode(buf);
            assertEquals(StunParseResult.OK, d.result());
            assertEquals(new InetSocketAddress("10.0.0.1", 1000), d.message().mappedAddress());
            assertNull(d.message().xorMappedAddress());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void ignoresAttributesAfterIntegrity() {
        ByteBuf buf = Unpooled.buffer();
        try {
            StunCodec.encode(StunMessage.bindingRequest(TX).build(), KEY, false, buf);
            buf.writeShort(StunAttributeType.USERNAME).writeShort(4).writeInt(0x61626364);
            buf.setShort(2, buf.readableBytes() - StunCodec.HEADER_SIZE);
            StunDecoded d = StunCodec.decode(buf);
            assertEquals(StunParseResult.OK, d.result());
            assertNull(d.message().username());
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyIntegrity(buf, KEY));
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void looksLikeStunRejectsRtpAndDtls() {
        ByteBuf rtp = Unpooled.wrappedBuffer(Vectors.parseHex("80000001 2112a442 0000000000000000 00000000"));
        ByteBuf dtls = Unpooled.wrappedBuffer(Vectors.parseHex("16fefd00 2112a442 0000000000000000 00000000"));
        try {
            assertFalse(StunCodec.looksLikeStun(rtp));
            assertFalse(StunCodec.looksLikeStun(dtls));
        } finally {
            assertTrue(rtp.release());
            assertTrue(dtls.release());
        }
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("truncatedHeader", (Consumer<ByteBuf>) b -> b.writerIndex(19), StunParseResult.TOO_SHORT),
                Arguments.of("truncatedBody", (Consumer<ByteBuf>) b -> b.writerIndex(b.writerIndex() - 4),
                        StunParseResult.TRUNCATED),
                Arguments.of("badCookie", (Consumer<ByteBuf>) b -> b.setInt(4, 0x2112A443), StunParseResult.BAD_COOKIE),
                Arguments.of("topBitsSet", (Consumer<ByteBuf>) b -> b.setByte(0, 0x40), StunParseResult.NOT_STUN),
                Arguments.of("lengthNotMultipleOf4", (Consumer<ByteBuf>) b -> b.setShort(2, b.getShort(2) - 2),
                        StunParseResult.BAD_LENGTH),
                Arguments.of("attributeLengthBeyondBuffer", (Consumer<ByteBuf>) b -> b.setShort(22, 0x0100),
                        StunParseResult.ATTRIBUTE_OVERFLOW),
                Arguments.of("priorityWrongSize", (Consumer<ByteBuf>) b -> b.setShort(PRIORITY_OFFSET + 2, 3),
                        StunParseResult.BAD_ATTRIBUTE),
                Arguments.of("unknownRequiredAttribute", (Consumer<ByteBuf>) b -> b.setShort(20, 0x7FFF),
                        StunParseResult.UNKNOWN_REQUIRED_ATTRIBUTE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedSampleRequest(String name, Consumer<ByteBuf> damage, StunParseResult expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc5769/sample-request.hex"));
        try {
            damage.accept(buf);
            assertEquals(expected, StunCodec.decode(buf).result());
        } finally {
            assertTrue(buf.release());
        }
    }

    static Stream<Arguments> badChecks() {
        return Stream.of(
                // the fingerprint covers MESSAGE-INTEGRITY, so a flipped HMAC byte breaks both
                Arguments.of("flippedHmacByte", INTEGRITY_OFFSET + 4, StunVerifyResult.MISMATCH,
                        StunVerifyResult.MISMATCH),
                Arguments.of("flippedUsernameByte", USERNAME_OFFSET + 4, StunVerifyResult.MISMATCH,
                        StunVerifyResult.MISMATCH),
                Arguments.of("flippedFingerprintByte", FINGERPRINT_OFFSET + 4, StunVerifyResult.OK,
                        StunVerifyResult.MISMATCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badChecks")
    void badIntegrityOrFingerprint(String name, int offset, StunVerifyResult integrity, StunVerifyResult fp) {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc5769/sample-request.hex"));
        try {
            buf.setByte(offset, buf.getByte(offset) ^ 0x01);
            assertEquals(StunParseResult.OK, StunCodec.decode(buf).result());
            assertEquals(integrity, StunIntegrity.verifyIntegrity(buf, KEY));
            assertEquals(fp, StunIntegrity.verifyFingerprint(buf));
        } finally {
            assertTrue(buf.release());
        }
    }
}
