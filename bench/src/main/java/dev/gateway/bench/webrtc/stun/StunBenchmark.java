package dev.gateway.bench.webrtc.stun;

import dev.gateway.media.webrtc.stun.StunCodec;
import dev.gateway.media.webrtc.stun.StunDecoded;
import dev.gateway.media.webrtc.stun.StunIntegrity;
import dev.gateway.media.webrtc.stun.StunMessage;
import dev.gateway.media.webrtc.stun.StunVerifyResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Receiving one ICE connectivity/consent check, ns per message: {@link StunCodec#decode},
 * {@link StunIntegrity#verifyIntegrity}, {@link StunIntegrity#verifyFingerprint}, and all three in a row
 * ({@link #receive}, what {@code IceAgent.onStun} and its request verdict do with an authenticated request).
 *
 * <p>The message is a typical binding request from a controlling peer, encoded once at set-up with
 * {@link StunCodec#encode} into a direct buffer (as a datagram arrives): USERNAME of 25 characters (a 16-character
 * remote ufrag, ':', an 8-character local ufrag), PRIORITY, USE-CANDIDATE, ICE-CONTROLLING, MESSAGE-INTEGRITY
 * keyed with a 32-character password, FINGERPRINT: 108 bytes. Each invocation checks its own result and counts
 * anything but OK; the iteration tear-down fails the run if there was any.
 *
 * <p>These run once per check (consent freshness every few seconds, a burst at connection set-up), not per media
 * frame. Decode and the HMAC allocate (a builder, the message, transaction id, the Mac key spec and digest).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StunBenchmark {

    static final String USERNAME = "Jx4qLk2vR8mZt0Wa:gw3f9c1e";
    static final String PASSWORD = "p7Hc2QmV9xLr4TzK8bNd1YsG6wJf3EaU";

    private ByteBuf request;
    private byte[] key;
    private int size;
    private long failures;

    @Setup
    public void setUp() {
        byte[] tx = new byte[StunMessage.TRANSACTION_ID_LENGTH];
        for (int i = 0; i < tx.length; i++) {
            tx[i] = (byte) (0x5A ^ (i * 37));
        }
        key = StunIntegrity.shortTermKey(PASSWORD);
        StunMessage m = StunMessage.bindingRequest(tx).username(USERNAME).priority(0x6E7F_1EFFL)
                .useCandidate(true).iceControlling(0x0123_4567_89AB_CDEFL).build();
        request = Unpooled.directBuffer(256);
        size = StunCodec.encode(m, key, true, request);
        StunDecoded d = StunCodec.decode(request);
        if (!d.ok() || !USERNAME.equals(d.message().username()) || !d.message().useCandidate()
                || d.message().iceControlling().isEmpty() || d.message().priority().isEmpty()
                || StunIntegrity.verifyIntegrity(request, key) != StunVerifyResult.OK
                || StunIntegrity.verifyFingerprint(request) != StunVerifyResult.OK) {
            throw new IllegalStateException("test request does not round-trip: " + d);
        }
    }

    @TearDown
    public void tearDown() {
        request.release();
    }

    @TearDown(Level.Iteration)
    public void check() {
        if (failures > 0) {
            throw new IllegalStateException(failures + " decodes or verifications of the " + size
                    + "-byte request failed");
        }
    }

    @Benchmark
    public StunDecoded decode() {
        StunDecoded d = StunCodec.decode(request);
        if (!d.ok() || !d.message().useCandidate()) {
            failures++;
        }
        return d;
    }

    @Benchmark
    public StunVerifyResult verifyIntegrity() {
        StunVerifyResult r = StunIntegrity.verifyIntegrity(request, key);
        if (r != StunVerifyResult.OK) {
            failures++;
        }
        return r;
    }

    @Benchmark
    public StunVerifyResult verifyFingerprint() {
        StunVerifyResult r = StunIntegrity.verifyFingerprint(request);
        if (r != StunVerifyResult.OK) {
            failures++;
        }
        return r;
    }

    /** Decode, then FINGERPRINT, then MESSAGE-INTEGRITY, as the ICE agent handles an authenticated request. */
    @Benchmark
    public StunMessage receive() {
        StunDecoded d = StunCodec.decode(request);
        if (!d.ok() || StunIntegrity.verifyFingerprint(request) != StunVerifyResult.OK
                || StunIntegrity.verifyIntegrity(request, key) != StunVerifyResult.OK) {
            failures++;
        }
        return d.message();
    }
}
