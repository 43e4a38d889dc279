package dev.gateway.media.opus;

import static dev.gateway.media.testing.Signals.rms;
import static dev.gateway.media.testing.Signals.sine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.gateway.media.testing.Signals;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The JNA direct-mapped binding ({@link OpusNative}): the variadic {@code opus_encoder_ctl} bound at fixed arity
 * really passes its int (settings read back through the GET requests, out-of-range values refused by libopus
 * itself), a tone survives encode and decode through the primitive-only calls, and the per-frame calls allocate
 * nothing on the Java heap (measured with {@code ThreadMXBean.getThreadAllocatedBytes}).
 */
class OpusNativeTest {
    private static final int RATE = 8000;
    private static final int FRAME = RATE / 50;
    private static final double AMPLITUDE = 10000;

    @Test
    void encoderSettingsReadBackThroughGetRequests() {
        try (OpusEncoder a = new OpusEncoder(RATE, 24000, 3, true, 10);
                OpusEncoder b = new OpusEncoder(RATE, 64000, 9, false, 0)) {
            assertEquals(24000, a.get(LibOpus.OPUS_GET_BITRATE_REQUEST));
            assertEquals(3, a.get(LibOpus.OPUS_GET_COMPLEXITY_REQUEST));
            assertEquals(1, a.get(LibOpus.OPUS_GET_INBAND_FEC_REQUEST));
            assertEquals(10, a.get(LibOpus.OPUS_GET_PACKET_LOSS_PERC_REQUEST));
            assertEquals(LibOpus.OPUS_SIGNAL_VOICE, a.get(LibOpus.OPUS_GET_SIGNAL_REQUEST));
            assertEquals(64000, b.get(LibOpus.OPUS_GET_BITRATE_REQUEST));
            assertEquals(9, b.get(LibOpus.OPUS_GET_COMPLEXITY_REQUEST));
            assertEquals(0, b.get(LibOpus.OPUS_GET_INBAND_FEC_REQUEST));
            assertEquals(0, b.get(LibOpus.OPUS_GET_PACKET_LOSS_PERC_REQUEST));
        }
    }

    @Test
    void libopusItselfRefusesAnOutOfRangeCtlValue() {
        LibOpus.ensureLoaded();
        int[] error = new int[1];
        long st = OpusNative.opus_encoder_create(RATE, 1, LibOpus.OPUS_APPLICATION_VOIP, error);
        assertEquals(OpusException.OPUS_OK, error[0]);
        assertNotEquals(0, st);
        try {
            assertEquals(OpusException.OPUS_OK,
                    OpusNative.opus_encoder_ctl(st, LibOpus.OPUS_SET_COMPLEXITY_REQUEST, 7));
            assertEquals(OpusException.OPUS_BAD_ARG,
                    OpusNative.opus_encoder_ctl(st, LibOpus.OPUS_SET_COMPLEXITY_REQUEST, 11));
            assertEquals(OpusException.OPUS_BAD_ARG,
                    OpusNative.opus_encoder_ctl(st, LibOpus.OPUS_SET_PACKET_LOSS_PERC_REQUEST, 101));
            int[] value = new int[1];
            assertEquals(OpusException.OPUS_OK,
                    OpusNative.opus_encoder_ctl(st, LibOpus.OPUS_GET_COMPLEXITY_REQUEST, value));
            assertEquals(7, value[0], "the refused value left the setting alone");
        } finally {
            OpusNative.opus_encoder_destroy(st);
        }
    }

    @Test
    void oneKilohertzToneComesBackAtItsFrequencyAndLevel() {
        int frames = 50;
        short[] input = sine(1000, RATE, frames * FRAME, AMPLITUDE, 0);
        short[] decoded = new short[frames * FRAME];
        byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
        try (OpusEncoder encoder = new OpusEncoder(RATE, 32000, 5, false, 0);
                OpusDecoder decoder = new OpusDecoder(RATE)) {
            for (int f = 0; f < frames; f++) {
                int n = encoder.encode(input, f * FRAME, FRAME, packet, 0, packet.length);
                assertEquals(FRAME, decoder.decode(packet, 0, n, decoded, f * FRAME, FRAME), "frame " + f);
            }
        }
        int from = 10 * FRAME;
        int len = (frames - 10) * FRAME;
        double frequency = Signals.zeroCrossingFrequency(decoded, from, len, RATE);
        double levelDb = Signals.db(rms(decoded, from, len) / rms(input, from, len));
        String measured = String.format(Locale.ROOT, "1 kHz tone decoded: %.2f Hz, level %+.2f dB", frequency,
                levelDb);
        System.out.println(measured);
        assertEquals(1000, frequency, 2, measured);
        assertEquals(0, levelDb, 1, measured);
    }

    @Test
    void perFrameCallsAllocateNothing() {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        short[] input = sine(1000, RATE, FRAME, AMPLITUDE, 0);
        short[] out = new short[FRAME];
        byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
        try (OpusEncoder encoder = new OpusEncoder(RATE, 32000, 3, false, 0);
                OpusDecoder decoder = new OpusDecoder(RATE)) {
            int rounds = 2000;
            long checksum = frames(encoder, decoder, input, packet, out, 2 * rounds); // warm up, classes loaded
            long before = threads.getThreadAllocatedBytes(thread);
            checksum += frames(encoder, decoder, input, packet, out, rounds);
            long allocated = threads.getThreadAllocatedBytes(thread) - before;
            System.out.println("encode + decode + conceal x " + rounds + ": " + allocated + " bytes allocated");
            assertTrue(checksum != 0);
            // Usually 0. The JVM may allocate a few hundred bytes once, around a JIT tier change of the loop; any
            // object made per call would cost at least 16 B x 2.1 calls a round (~115 B a call with JNA's
            // interface mapping), so under one byte a round means none is.
            assertTrue(allocated < rounds, allocated + " bytes allocated by " + rounds + " rounds");
        }
    }

    private static long frames(OpusEncoder encoder, OpusDecoder decoder, short[] input, byte[] packet, short[] out,
            int rounds) {
        long sum = 0;
        for (int i = 0; i < rounds; i++) {
            int n = encoder.encode(input, 0, FRAME, packet, 0, packet.length);
            sum += decoder.decode(packet, 0, n, out, 0, FRAME);
            if (i % 10 == 0) {
                sum += decoder.conceal(null, 0, 0, out, 0, FRAME);
            }
            sum += out[FRAME / 2];
        }
        return sum;
    }
}
