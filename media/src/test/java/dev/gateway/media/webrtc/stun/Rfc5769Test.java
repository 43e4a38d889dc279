package dev.gateway.media.webrtc.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Vectors;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** RFC 5769 §2.1-§2.3 vectors: decode, MESSAGE-INTEGRITY and FINGERPRINT. */
class Rfc5769Test {

    private static final byte[] KEY = StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBt");
    private static final byte[] TRANSACTION_ID = Vectors.parseHex("b7e7a701bc34d686fa87dfae");

    @Test
    void sampleRequest() {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc5769/sample-request.hex"));
        try {
            assertTrue(StunCodec.looksLikeStun(buf));
            StunDecoded d = StunCodec.decode(buf);
            assertEquals(StunParseResult.OK, d.result());
            StunMessage m = d.message();
            assertEquals(StunClass.REQUEST, m.messageClass());
            assertEquals(StunMessage.METHOD_BINDING, m.method());
            assertTrue(m.hasTransactionId(TRANSACTION_ID));
            assertEquals("STUN test client", m.software());
            assertEquals(0x6e0001ffL, m.priority().getAsLong());
            assertEquals(0x932ff9b151263b36L, m.iceControlled().getAsLong());
            assertTrue(m.iceControlling().isEmpty());
            assertEquals("evtj:h6vY", m.username());
            assertTrue(m.hasIntegrity());
            assertTrue(m.hasFingerprint());
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyIntegrity(buf, KEY));
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyFingerprint(buf));
            assertEquals(0, buf.readerIndex());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void ipv4Response() throws Exception {
        assertResponse("rfc5769/ipv4-response.hex", InetAddress.getByName("192.0.2.1"));
    }

    @Test
    void ipv6Response() throws Exception {
        assertResponse("rfc5769/ipv6-response.hex", InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"));
    }

    @Test
    void wrongPasswordIsMismatch() {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex("rfc5769/sample-request.hex"));
        try {
            assertEquals(StunVerifyResult.MISMATCH,
                    StunIntegrity.verifyIntegrity(buf, StunIntegrity.shortTermKey("VOkJxbRl1RmTxUk/WvJxBT")));
        } finally {
            assertTrue(buf.release());
        }
    }

    private static void assertResponse(String vector, InetAddress expected) {
        ByteBuf buf = Unpooled.wrappedBuffer(Vectors.hex(vector));
        try {
            StunDecoded d = StunCodec.decode(buf);
            assertEquals(StunParseResult.OK, d.result());
            StunMessage m = d.message();
            assertEquals(StunClass.SUCCESS_RESPONSE, m.messageClass());
            assertEquals(StunMessage.METHOD_BINDING, m.method());
            assertTrue(m.hasTransactionId(TRANSACTION_ID));
            assertEquals("test vector", m.software());
            assertEquals(new InetSocketAddress(expected, 32853), m.xorMappedAddress());
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyIntegrity(buf, KEY));
            assertEquals(StunVerifyResult.OK, StunIntegrity.verifyFingerprint(buf));
        } finally {
            assertTrue(buf.release());
        }
    }
}
