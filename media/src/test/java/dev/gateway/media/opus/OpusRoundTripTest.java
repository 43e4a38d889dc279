package dev.gateway.media.opus;

import static dev.gateway.media.testing.Signals.rms;
import static dev.gateway.media.testing.Signals.sine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Signals;
import dev.gateway.media.testing.Signals.Alignment;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Opus round trips through the real libopus: encode 8 kHz PCM the way the gateway does, decode at 8 kHz (the
 * phone) and 48 kHz (WebRTC), and measure what comes out.
 *
 * <p>Published-vector-free on purpose. The Opus conformance vectors (RFC 6716 §6 / RFC 8251: a tarball of about
 * 60 MB of {@code .bit} streams and reference {@code .dec} outputs, checked with {@code opus_compare}) test that a
 * decoder implementation is bit-exact; ours is libopus itself, whose build already passed them, and the tarball is
 * too large to keep beside the tests. What this gateway can get wrong is the binding: rates, frame sizes, buffer
 * offsets, FEC and PLC calls, native memory. These tests check those by signal content: the decoded tone has its
 * energy at 1 kHz and lines up with the input after the codec delay.
 */
class OpusRoundTripTest {
    private static final int RATE = 8000;
    private static final int FRAME = RATE / 50; // 20 ms at 8 kHz
    private static final int FRAMES = 75;       // 1.5 s
    private static final int WARM_UP_FRAMES = 10;
    private static final double AMPLITUDE = 10000;

    /** Encodes {@code pcm} in 20 ms frames with the gateway's phone-side settings. */
    static List<byte[]> encode(short[] pcm, boolean fec, int lossPercent) {
        List<byte[]> packets = new ArrayList<>();
        byte[] out = new byte[OpusEncoder.MAX_PACKET_BYTES];
        try (OpusEncoder encoder = new OpusEncoder(RATE, 32000, 5, fec, lossPercent)) {
            for (int f = 0; f + FRAME <= pcm.length; f += FRAME) {
                int n = encoder.encode(pcm, f, FRAME, out, 0, out.length);
                assertTrue(n > 0 && n <= 32000 / 8 / 50 * 3, "packet " + packets.size() + " of " + n + " bytes");
                packets.add(java.util.Arrays.copyOf(out, n));
            }
        }
        return packets;
    }

    /** Decodes every packet into one signal at {@code rate}; each must give exactly 20 ms. */
    static short[] decodeAll(List<byte[]> packets, int rate) {
        int frame = rate / 50;
        short[] pcm = new short[packets.size() * frame];
        try (OpusDecoder decoder = new OpusDecoder(rate)) {
            for (int i = 0; i < packets.size(); i++) {
                byte[] p = packets.get(i);
                assertEquals(frame, decoder.decode(p, 0, p.length, pcm, i * frame, frame), "samples of packet " + i);
            }
        }
        return pcm;
    }

    @Test
    void bundledLibopusLoadsAndNamesItsVersion() {
        String version = LibOpus.versionString();
        System.out.println("libopus loaded: " + version + (LibOpus.systemLibraryRequested() ? " (system)" : " (bundled)"));
        assertTrue(version.startsWith("libopus "), version);
    }

    @ParameterizedTest(name = "decoded at {0} Hz")
    @ValueSource(ints = {8000, 48000})
    void oneKilohertzToneSurvivesAt8kAnd48k(int outRate) {
        short[] input = sine(1000, RATE, FRAMES * FRAME, AMPLITUDE, 0);
        short[] decoded = decodeAll(encode(input, false, 0), outRate);
        assertEquals(FRAMES * outRate / 50, decoded.length);

        int from = WARM_UP_FRAMES * outRate / 50;
        int len = (FRAMES - WARM_UP_FRAMES - 2) * outRate / 50; // whole cycles of 1 kHz at either rate
        double total = rms(decoded, from, len);
        double tone = Signals.goertzelAmplitude(decoded, from, len, 1000, outRate) / Math.sqrt(2);
        double fraction = tone * tone / (total * total);
        short[] reference = sine(1000, outRate, decoded.length, AMPLITUDE, 0);
        Alignment alignment = Signals.align(reference, decoded, from, len - 400, 400);
        String measured = String.format(Locale.ROOT, "decoded at %d Hz: %.4f of the energy at 1 kHz, level %.2f dB "
                + "vs input, correlation %.4f at lag %d samples", outRate, fraction,
                Signals.db(total / (AMPLITUDE / Math.sqrt(2))), alignment.correlation(), alignment.lag());
        System.out.println(measured);
        assertTrue(fraction > 0.95, measured);
        assertTrue(alignment.correlation() > 0.9, measured);
        assertTrue(Math.abs(Signals.db(total / (AMPLITUDE / Math.sqrt(2)))) < 3, measured);
    }

    @Test
    void chirpLinesUpAfterTheCodecDelay() {
        // a tone correlates at every lag that is a multiple of its period; a chirp pins the codec delay down
        short[] input = new short[FRAMES * FRAME];
        for (int n = 0; n < input.length; n++) {
            double t = (double) n / RATE;
            double f0 = 300;
            double sweep = (3000 - f0) / (FRAMES * FRAME / (double) RATE); // Hz per second
            input[n] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * (f0 * t + sweep * t * t / 2)));
        }
        short[] decoded = decodeAll(encode(input, false, 0), RATE);
        int from = WARM_UP_FRAMES * FRAME;
        Alignment alignment = Signals.align(input, decoded, from, (FRAMES - WARM_UP_FRAMES) * FRAME - 400, 400);
        String measured = String.format(Locale.ROOT, "300..3000 Hz chirp at 8 kHz: correlation %.4f at lag %d "
                + "samples (%.2f ms codec delay)", alignment.correlation(), alignment.lag(), alignment.lag() / 8.0);
        System.out.println(measured);
        assertTrue(alignment.correlation() > 0.9, measured);
        assertTrue(alignment.lag() > 0 && alignment.lag() < 200, measured);
    }

    @Test
    void everyFrameSizeDecodesAtEveryRate() {
        for (int inRate : new int[] {8000, 16000, 48000}) {
            try (OpusEncoder encoder = new OpusEncoder(inRate, 32000, 5, false, 0);
                    OpusDecoder narrow = new OpusDecoder(8000);
                    OpusDecoder wide = new OpusDecoder(48000)) {
                byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
                short[] out = new short[48000 * 120 / 1000];
                for (double ms : new double[] {2.5, 5, 10, 20, 40, 60}) {
                    int samples = (int) (inRate * ms / 1000);
                    short[] pcm = sine(440, inRate, samples, AMPLITUDE, 0);
                    int n = encoder.encode(pcm, 0, samples, packet, 0, packet.length);
                    assertEquals((int) (8 * ms), narrow.decode(packet, 0, n, out, 0, out.length / 6),
                            ms + " ms from " + inRate + " Hz, decoded at 8 kHz");
                    assertEquals((int) (48 * ms), wide.decode(packet, 0, n, out, 0, out.length),
                            ms + " ms from " + inRate + " Hz, decoded at 48 kHz");
                }
            }
        }
    }

    @Test
    void encodeAndDecodeHonourArrayOffsets() {
        short[] input = sine(1000, RATE, 3 * FRAME, AMPLITUDE, 0);
        short[] shifted = new short[input.length + 7];
        System.arraycopy(input, 0, shifted, 7, input.length);
        try (OpusEncoder a = new OpusEncoder(RATE, 32000, 5, false, 0);
                OpusEncoder b = new OpusEncoder(RATE, 32000, 5, false, 0);
                OpusDecoder decoder = new OpusDecoder(RATE)) {
            byte[] plain = new byte[400];
            byte[] offset = new byte[400];
            short[] decodedPlain = new short[FRAME];
            short[] decodedOffset = new short[FRAME + 3];
            for (int f = 0; f < 3; f++) {
                int n = a.encode(input, f * FRAME, FRAME, plain, 0, 200);
                int m = b.encode(shifted, 7 + f * FRAME, FRAME, offset, 11, 200);
                assertEquals(n, m, "same input, same packet length");
                assertEquals(java.util.Arrays.toString(java.util.Arrays.copyOf(plain, n)),
                        java.util.Arrays.toString(java.util.Arrays.copyOfRange(offset, 11, 11 + m)));
            }
            try (OpusDecoder twin = new OpusDecoder(RATE)) {
                int n = a.encode(input, 0, FRAME, plain, 0, 200);
                System.arraycopy(plain, 0, offset, 5, n);
                assertEquals(FRAME, decoder.decode(plain, 0, n, decodedPlain, 0, FRAME));
                assertEquals(FRAME, twin.decode(offset, 5, n, decodedOffset, 3, FRAME));
                assertEquals(java.util.Arrays.toString(decodedPlain),
                        java.util.Arrays.toString(java.util.Arrays.copyOfRange(decodedOffset, 3, 3 + FRAME)));
            }
        }
    }
}
