package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.SdpCodec;
import io.netty.channel.EventLoop;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binding over a real media engine and a UDP socket as the phone: the call's media ticks from the open on
 * (uplink fed while ringing, nothing to the phone), the agent's downlink reaches the phone from the answer, and
 * ringback replaces it while a transfer is pending. Waits on packets and loop tasks, never on fixed sleeps.
 */
class CallMediaBindingTest {
    private static final int PCMU_ONE_THOUSAND = 0xCE; // mu-law of the constant sample 1000
    private static MediaEngine engine;
    private final AtomicBoolean transferPending = new AtomicBoolean();
    private final AtomicInteger uplinkFrames = new AtomicInteger();
    private EventLoop loop;
    private CallMediaBinding binding;
    private DatagramSocket phone;

    @BeforeAll
    static void startEngine() {
        engine = CallHarness.startMedia();
    }

    @AfterAll
    static void stopEngine() {
        engine.stop();
    }

    @AfterEach
    void close() throws Exception {
        if (binding != null) {
            onLoop(() -> {
                binding.close();
                return null;
            });
        }
        if (phone != null) {
            phone.close();
        }
    }

    private <T> T onLoop(Callable<T> task) throws Exception {
        return loop.submit(task).get();
    }

    private void open() throws Exception {
        loop = engine.nextLoop();
        binding = new CallMediaBinding("c-test", engine, loop, new CallMediaBinding.Events() {
            @Override
            public void digit(char digit) {
            }

            @Override
            public void mediaTimeout(long silentMillis) {
            }

            @Override
            public void failed(String event, RuntimeException e) {
                fail(event + ": " + e);
            }

            @Override
            public void mediaStopped(String reason) {
                fail(reason);
            }
        }, transferPending::get);
        binding.open().get();
        onLoop(() -> {
            binding.audio().attachUplink(new CountingSink());
            binding.audio().attachDownlink(new Constant());
            return null;
        });
        phone = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        phone.setSoTimeout(2000);
    }

    private void answer() throws Exception {
        SdpNegotiation n = OfferAnswer.negotiate(SdpCodec.parse(SipFakes.sdp(phone.getLocalPort())
                .replace(SipFakes.PHONE, "127.0.0.1")), SdpOffers.CODECS);
        String pipeline = onLoop(() -> binding.start(n, null));
        assertTrue(pipeline.contains("mix(constant) -> hold(3000ms) -> g711(PCMU)"), pipeline);
        // the phone's first RTP packet proves its address: the gateway sends nothing before (strict latching)
        byte[] rtp = new byte[12 + 160];
        rtp[0] = (byte) 0x80;
        Arrays.fill(rtp, 12, rtp.length, (byte) 0xFF);
        phone.send(new DatagramPacket(rtp, rtp.length, InetAddress.getLoopbackAddress(), binding.localPort()));
    }

    /** The payload of the next RTP packet the phone gets. */
    private byte[] nextPayload() throws Exception {
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            phone.receive(p);
        } catch (SocketTimeoutException e) {
            fail("no RTP at the phone within 2 s");
        }
        return Arrays.copyOfRange(buf, 12, p.getLength());
    }

    private static boolean constant(byte[] payload) {
        for (byte b : payload) {
            if ((b & 0xFF) != PCMU_ONE_THOUSAND) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theCallsTickFeedsTheUplinkWhileRingingAndSendsNothingToThePhone() throws Exception {
        open();
        int before = uplinkFrames.get();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (uplinkFrames.get() < before + 3) {
            assertTrue(System.nanoTime() < deadline, "the uplink got no frames while ringing");
            onLoop(() -> null);
        }
        assertNotNull(binding.audio());
        String pipeline = onLoop(binding::pipeline);
        assertTrue(pipeline.startsWith("phone ?/8000") && pipeline.contains("counting") && pipeline.contains("constant"), pipeline);
        phone.setSoTimeout(200);
        assertThrowsTimeout();
    }

    private void assertThrowsTimeout() throws Exception {
        try {
            phone.receive(new DatagramPacket(new byte[1500], 1500));
            fail("RTP reached the phone before the answer");
        } catch (SocketTimeoutException expected) {
            // nothing was sent
        }
    }

    @Test
    void fromTheAnswerThePhoneHearsTheAgentAndRingbackReplacesItWhileATransferIsPending() throws Exception {
        open();
        answer();
        assertTrue(constant(nextPayload()), "the agent's audio reaches the phone");

        transferPending.set(true);
        onLoop(() -> {
            binding.startRingback();
            return null;
        });
        byte[] p = nextPayload();
        for (int i = 0; i < 100 && constant(p); i++) {
            p = nextPayload(); // packets already queued at the phone
        }
        assertFalse(constant(p), "ringing, not the agent, while the transfer is pending");

        transferPending.set(false);
        p = nextPayload();
        for (int i = 0; i < 100 && !constant(p); i++) {
            p = nextPayload();
        }
        assertTrue(constant(p), "the agent again once the transfer is settled");
        assertEquals(160, p.length);
    }

    /** The caller's frames: counted. */
    private final class CountingSink implements AudioWriter {
        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public void write(short[] pcm, int off, int len) {
            uplinkFrames.incrementAndGet();
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "counting";
        }
    }

    /** An agent that says the sample 1000 forever. */
    private static final class Constant implements FrameSource {
        @Override
        public boolean read(long nowNanos, short[] out, int off) {
            Arrays.fill(out, off, off + 160, (short) 1000);
            return true;
        }

        @Override
        public String toString() {
            return "constant";
        }
    }
}
