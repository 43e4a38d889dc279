package dev.gateway.media.opus;

import static dev.gateway.media.testing.Signals.rms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Signals;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * A lost packet recovered from the next packet's in-band FEC, against plain packet-loss concealment. The signal
 * changes pitch (1000 -> 600 Hz) where the lost frame starts, so concealment, which extrapolates the past, and
 * FEC, which carries a coarse copy of the lost frame itself, give measurably different answers.
 */
class OpusConcealmentTest {
    private static final int RATE = 8000;
    private static final int FRAME = 160;
    private static final int FRAMES = 50;
    private static final int LOST = 25;

    private static short[] pitchStep() {
        short[] pcm = new short[FRAMES * FRAME];
        double phase = 0;
        for (int n = 0; n < pcm.length; n++) {
            double f = n < LOST * FRAME ? 1000 : 600;
            phase += 2 * Math.PI * f / RATE;
            pcm[n] = (short) Math.round(8000 * Math.sin(phase));
        }
        return pcm;
    }

    /** Decodes all packets except {@code LOST}, which is filled in by {@link OpusDecoder#conceal}. */
    private static short[] decodeWithLoss(List<byte[]> packets, boolean useFec) {
        short[] pcm = new short[FRAMES * FRAME];
        try (OpusDecoder decoder = new OpusDecoder(RATE)) {
            for (int i = 0; i < packets.size(); i++) {
                int n;
                if (i == LOST) {
                    byte[] next = useFec ? packets.get(i + 1) : null;
                    n = decoder.conceal(next, 0, next == null ? 0 : next.length, pcm, i * FRAME, FRAME);
                } else {
                    byte[] p = packets.get(i);
                    n = decoder.decode(p, 0, p.length, pcm, i * FRAME, FRAME);
                }
                assertEquals(FRAME, n, "samples for frame " + i);
            }
        }
        return pcm;
    }

    @Test
    void inBandFecRecoversTheLostFrameBetterThanConcealment() {
        List<byte[]> packets = OpusRoundTripTest.encode(pitchStep(), true, 20);
        short[] reference = OpusRoundTripTest.decodeAll(packets, RATE);
        short[] fec = decodeWithLoss(packets, true);
        short[] plc = decodeWithLoss(packets, false);

        int at = LOST * FRAME;
        double refRms = rms(reference, at, FRAME);
        double fecRms = rms(fec, at, FRAME);
        double fecCorr = Signals.correlation(reference, at, fec, at, FRAME);
        double plcCorr = Signals.correlation(reference, at, plc, at, FRAME);
        double fecSnr = snrDb(reference, fec, at, FRAME);
        double plcSnr = snrDb(reference, plc, at, FRAME);
        double nextCorr = Signals.correlation(reference, at + FRAME, fec, at + FRAME, FRAME);
        String measured = String.format(Locale.ROOT, "lost frame %d: reference rms %.0f; FEC rms %.0f, correlation "
                + "%.3f, SNR %.1f dB; PLC correlation %.3f, SNR %.1f dB; frame after FEC correlation %.3f", LOST,
                refRms, fecRms, fecCorr, fecSnr, plcCorr, plcSnr, nextCorr);
        System.out.println(measured);
        assertTrue(fecRms > 0.5 * refRms, "FEC frame is not silent: " + measured);
        assertTrue(fecCorr > 0.8, "FEC frame is close to the original: " + measured);
        assertTrue(fecSnr > plcSnr + 3, "FEC beats concealment: " + measured);
        assertTrue(nextCorr > 0.8, "decoding resumes with the next packet: " + measured);
    }

    @Test
    void concealmentGivesFrameLengthOutputAtEitherRate() {
        List<byte[]> packets = OpusRoundTripTest.encode(Signals.sine(1000, RATE, 10 * FRAME, 8000, 0), false, 0);
        for (int rate : new int[] {8000, 48000}) {
            int frame = rate / 50;
            short[] out = new short[frame];
            try (OpusDecoder decoder = new OpusDecoder(rate)) {
                assertEquals(frame, decoder.conceal(null, 0, 0, out, 0, frame), "PLC before any packet");
                for (byte[] p : packets) {
                    decoder.decode(p, 0, p.length, out, 0, frame);
                }
                assertEquals(frame, decoder.conceal(null, 0, 0, out, 0, frame), "PLC after a tone");
                double level = rms(out, 0, frame);
                assertTrue(level > 1000, "PLC continues the tone, rms " + level + " at " + rate + " Hz");
                assertEquals(frame / 2, decoder.conceal(null, 0, 0, out, 0, frame / 2), "10 ms of PLC");
                byte[] last = packets.get(packets.size() - 1);
                assertEquals(frame, decoder.conceal(last, 0, last.length, out, 0, frame),
                        "FEC request on a packet without FEC falls back to PLC");
            }
        }
    }

    private static double snrDb(short[] reference, short[] test, int off, int len) {
        double signal = 0;
        double noise = 0;
        for (int i = off; i < off + len; i++) {
            signal += (double) reference[i] * reference[i];
            double d = reference[i] - test[i];
            noise += d * d;
        }
        return 10 * Math.log10(signal / Math.max(noise, 1e-9));
    }
}
