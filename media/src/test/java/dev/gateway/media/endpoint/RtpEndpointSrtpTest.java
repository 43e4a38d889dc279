package dev.gateway.media.endpoint;

import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.await;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.endpointAddress;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.hasTone;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.onLoop;
import static dev.gateway.media.endpoint.RtpEndpointLoopbackTest.stats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.endpoint.LoopbackPhone.Rtp;
import dev.gateway.media.endpoint.RtpEndpointLoopbackTest.EchoCall;
import dev.gateway.media.g711.G711;
import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpProfile;
import dev.gateway.media.webrtc.srtp.SrtpResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SDES-keyed SRTP on the phone leg, real UDP on loopback: the phone protects with its key and unprotects the echo
 * with ours, each through its own {@link SrtpContext}. Packets that do not authenticate never latch a source and
 * are counted; replays are counted apart.
 */
class RtpEndpointSrtpTest {
    private static final long WAIT_MILLIS = 5_000;
    private static final long SSRC = 0x5EED_CAFEL;
    private static final byte[] OUR_KEY = bytes(16, 1);
    private static final byte[] OUR_SALT = bytes(14, 2);
    private static final byte[] PHONE_KEY = bytes(16, 3);
    private static final byte[] PHONE_SALT = bytes(14, 4);

    private MediaEngine engine;
    private final List<LoopbackPhone> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        sockets.forEach(LoopbackPhone::close);
        if (engine != null) {
            engine.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void authenticPacketsAreEchoedEncryptedAndForgedOnesNeverLatch(SrtpProfile profile) throws Exception {
        LoopbackPhone phone = socket();
        LoopbackPhone forger = socket(); // the SDP's IP, another port: it could latch if its packets were genuine
        RtpEndpoint endpoint = open();
        EchoCall call = new EchoCall(endpoint);
        SrtpKeying keys = new SrtpKeying(profile, OUR_KEY, OUR_SALT, PHONE_KEY, PHONE_SALT);
        onLoop(endpoint, () -> {
            endpoint.open(new MediaParams(G711.PCMU, 101, 20, phone.address(), true, true, keys), call);
            call.media.answer();
            engine.register(call.media);
            return null;
        });
        InetSocketAddress to = endpointAddress(endpoint);
        SrtpContext phoneOut = new SrtpContext(profile, PHONE_KEY, PHONE_SALT);
        SrtpContext wrongKey = new SrtpContext(profile, OUR_KEY, PHONE_SALT);
        SrtpContext phoneIn = new SrtpContext(profile, OUR_KEY, OUR_SALT);

        for (int i = 0; i < 10; i++) {
            forger.sendRaw(protect(wrongKey, i, toneFrame(i)), to);
        }
        await("10 forged packets counted", () -> stats(endpoint).srtpAuthFailures() == 10);
        assertEquals(0, stats(endpoint).latches());
        assertEquals(0, stats(endpoint).packetsIn());

        byte[] first = null;
        long next = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            byte[] wire = protect(phoneOut, 100 + i, toneFrame(i));
            first = first == null ? wire : first;
            phone.sendRaw(wire, to);
            next += 20_000_000L;
            LockSupport.parkNanos(next - System.nanoTime());
        }
        phone.sendRaw(first, to); // a replay
        await("the echo and the replay", () -> phone.receivedCount() >= 40 && stats(endpoint).srtpReplays() == 1);
        call.awaitTicks(10);

        int tones = 0;
        for (Rtp p : phone.takeAll()) {
            ByteBuf b = Unpooled.wrappedBuffer(LoopbackPhone.rtp(p.marker(), p.payloadType(), p.sequence(),
                    p.timestamp(), p.ssrc(), p.payload()));
            assertEquals(SrtpResult.OK, phoneIn.unprotectRtp(b), "every echoed packet authenticates with our key");
            Rtp plain = LoopbackPhone.Rtp.parse(ByteBufUtil.getBytes(b));
            tones += hasTone(plain) ? 1 : 0;
            assertEquals(160, plain.payload().length);
        }
        // of 50: on a busy machine late packets are concealed, so not every echoed packet carries the tone
        assertTrue(tones >= 25, tones + " echoed packets carried the tone");
        assertEquals(0, forger.receivedCount(), "nothing goes to the forger");
        RtpEndpointStats s = stats(endpoint);
        assertEquals(profile.name(), s.srtp());
        assertEquals(50, s.packetsIn());
        assertEquals(10, s.srtpAuthFailures());
        assertEquals(1, s.srtpReplays());
        assertEquals(1, s.latches());
        assertEquals(phone.hostPort(), s.remote());
    }

    private static byte[] protect(SrtpContext context, int sequence, byte[] payload) {
        ByteBuf b = Unpooled.buffer(12 + payload.length + 10);
        b.writeBytes(LoopbackPhone.rtp(sequence == 100, 0, sequence, 160L * sequence, SSRC, payload));
        context.protectRtp(b);
        byte[] wire = ByteBufUtil.getBytes(b);
        b.release();
        return wire;
    }

    private static byte[] toneFrame(int n) {
        short[] pcm = new short[160];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * 1000 * (160L * n + i) / 8000.0));
        }
        byte[] out = new byte[160];
        G711.PCMU.encode(pcm, 0, pcm.length, out, 0);
        return out;
    }

    private static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) seed);
        b[0] = (byte) (seed * 31);
        return b;
    }

    private LoopbackPhone socket() {
        LoopbackPhone p = new LoopbackPhone();
        sockets.add(p);
        return p;
    }

    private RtpEndpoint open() throws Exception {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + 19, 60_000, 20, 100, 1,
                List.of()), System::nanoTime);
        engine.start();
        return engine.open(engine.nextLoop()).get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
