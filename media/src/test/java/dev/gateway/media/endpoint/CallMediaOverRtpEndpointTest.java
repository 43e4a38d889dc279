package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.audio.LevelMeter;
import dev.gateway.media.call.CallMedia;
import dev.gateway.media.g711.G711;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@link CallMedia} driving a real {@link RtpEndpoint} on 127.0.0.1 (the engine's real tick): the room's frames
 * reach the phone one packet per tick, in order, and the phone's audio reaches the uplink sink. Waits on packets,
 * never on time.
 */
class CallMediaOverRtpEndpointTest {
    private static final long WAIT_MILLIS = 5_000;
    private MediaEngine engine;
    private LoopbackPhone phone;

    @AfterEach
    void stop() {
        if (phone != null) {
            phone.close();
        }
        if (engine != null) {
            engine.stop();
        }
    }

    /** Frame k holds the linear value of μ-law code 0x80 + (k mod 64) in every sample. */
    static final class Counter implements FrameSource {
        int k;

        @Override
        public boolean read(long nowNanos, short[] out, int off) {
            Arrays.fill(out, off, off + 160, G711.PCMU.decode((byte) (0x80 + (k++ & 0x3F))));
            return true;
        }

        @Override
        public String toString() {
            return "counter";
        }
    }

    @Test
    void roomFramesReachThePhoneInOrderAndThePhoneReachesTheUplink() throws Exception {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + 19, 60_000, 20, 100, 1),
                System::nanoTime);
        engine.start();
        RtpEndpoint endpoint = engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        phone = new LoopbackPhone();
        LevelMeter uplink = new LevelMeter(8000);
        CallMedia media = new CallMedia("c1", endpoint.eventLoop(), endpoint, CallMedia.DEFAULT_HOLD_FRAMES, r -> {
        });
        String pipeline = endpoint.eventLoop().submit(() -> {
            endpoint.open(new MediaParams(G711.PCMU, -1, 20, phone.address(), true, true), new MediaListener() {
                @Override
                public void onDtmf(char digit) {
                }

                @Override
                public void onMediaTimeout(long silentMillis) {
                }
            });
            media.attachUplink(uplink);
            media.attachDownlink(new Counter());
            media.answer();
            engine.register(media);
            return media.pipeline();
        }).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        assertEquals("phone PCMU/8000 -> jitter(20..100ms) -> g711(PCMU) -> level | mix(counter) -> hold(3000ms) "
                + "-> g711(PCMU) -> rtp -> udp", pipeline);

        // nothing reaches the phone before it has sent: its first packet proves its address
        java.net.InetSocketAddress to = new java.net.InetSocketAddress(LoopbackPhone.LOOPBACK, endpoint.localPort());
        byte[] quiet = new byte[160];
        Arrays.fill(quiet, (byte) 0xFF);
        assertNull(phone.poll(100), "no RTP before the phone's first packet");
        phone.sendRtp(true, 0, 0, 0, 0x1234L, quiet, to);

        int previous = -1;
        int sequence = -1;
        for (int i = 0; i < 50; i++) {
            LoopbackPhone.Rtp p = phone.poll(WAIT_MILLIS);
            assertNotNull(p, "packet " + i);
            assertEquals(160, p.payload().length);
            int code = p.payload()[0] & 0xFF;
            for (byte b : p.payload()) {
                assertEquals(code, b & 0xFF, "one frame per packet");
            }
            if (previous >= 0) {
                assertEquals(0x80 + ((previous - 0x80 + 1) & 0x3F), code, "frames in order, none skipped");
                assertEquals((sequence + 1) & 0xFFFF, p.sequence());
            }
            previous = code;
            sequence = p.sequence();
        }

        // the phone speaks: 20 packets of a loud constant; the uplink sink hears voice
        byte[] loud = new byte[160];
        Arrays.fill(loud, (byte) 0x90);
        for (int i = 1; i <= 20; i++) {
            phone.sendRtp(false, 0, i, i * 160L, 0x1234L, loud, to);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        long voiced = 0;
        while (voiced == 0 && System.nanoTime() < deadline) {
            phone.poll(100); // paces the loop on the endpoint's own packets
            voiced = endpoint.eventLoop().submit(uplink::voicedFrames).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        assertTrue(voiced > 0, "the caller's audio reached the uplink sink");
        endpoint.eventLoop().submit(() -> {
            engine.unregister(media);
            endpoint.close();
        }).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
