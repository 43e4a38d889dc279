package dev.gateway.media.amd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoertzelBankTest {
    private static final int N = 160;
    private static final double A = 8000;
    private static final double PHASE = 0.7;

    /**
     * |X(w)|^2 of A cos(w0 n + phase), n = 0..N-1, in closed form: X(w) = A/2 (e^(i phase) D(w - w0) +
     * e^(-i phase) D(w + w0)) with the Dirichlet kernel D(t) = e^(-i t (N-1)/2) sin(N t / 2) / sin(t / 2).
     */
    private static double closedForm(double toneHz, double binHz) {
        double w = 2 * Math.PI * binHz / 8000;
        double w0 = 2 * Math.PI * toneHz / 8000;
        double[] d1 = dirichlet(w - w0);
        double[] d2 = dirichlet(w + w0);
        double re = A / 2 * (Math.cos(PHASE) * d1[0] - Math.sin(PHASE) * d1[1] + Math.cos(PHASE) * d2[0] + Math.sin(PHASE) * d2[1]);
        double im = A / 2 * (Math.cos(PHASE) * d1[1] + Math.sin(PHASE) * d1[0] + Math.cos(PHASE) * d2[1] - Math.sin(PHASE) * d2[0]);
        return re * re + im * im;
    }

    private static double[] dirichlet(double t) {
        double magnitude = Math.abs(Math.sin(t / 2)) < 1e-12 ? N : Math.sin(N * t / 2) / Math.sin(t / 2);
        double angle = -t * (N - 1) / 2;
        return new double[] {magnitude * Math.cos(angle), magnitude * Math.sin(angle)};
    }

    private static float[] cosine(double hz) {
        float[] x = new float[N];
        for (int n = 0; n < N; n++) {
            x[n] = (float) (A * Math.cos(2 * Math.PI * hz * n / 8000 + PHASE));
        }
        return x;
    }

    @ParameterizedTest(name = "tone {0} Hz, bin {1} Hz")
    @CsvSource({"1000,1000", "1000,1020", "1000,1040", "1000,1100", "440,460", "300,300", "2500,2500", "2500,2380",
            "1234.5,1240", "700,1500"})
    void powerOfATone_isTheClosedFormDft(double toneHz, double binHz) {
        GoertzelBank bank = new GoertzelBank(new double[] {binHz}, 8000);
        bank.run(cosine(toneHz), 0, N);
        double onBin = Math.pow(A * N / 2, 2);
        // float arithmetic over 160 samples: well within 1e-4 of the tone's full power
        assertEquals(closedForm(toneHz, binHz), bank.power(0), 1e-4 * onBin);
    }

    @Test
    void aToneOnABinCentre_hasPowerAN2Squared() {
        GoertzelBank bank = new GoertzelBank(new double[] {950, 1000, 1050}, 8000);
        bank.run(cosine(1000), 0, N); // 1000 Hz = bin 20 of a 160-point DFT at 8 kHz: a whole number of cycles
        assertEquals(Math.pow(A * N / 2, 2), bank.power(1), 1e-4 * Math.pow(A * N / 2, 2));
        assertEquals(0, bank.power(0), 1e-4 * Math.pow(A * N / 2, 2)); // the neighbouring bins are nulls
        assertEquals(1, bank.peak());
    }

    @Test
    void runStartsAfresh_andReadsTheGivenRange() {
        GoertzelBank bank = new GoertzelBank(new double[] {1000}, 8000);
        float[] x = new float[2 * N];
        System.arraycopy(cosine(1000), 0, x, N, N);
        bank.run(x, 0, N);
        assertEquals(0, bank.power(0), 1e-6);
        bank.run(x, N, N);
        assertEquals(Math.pow(A * N / 2, 2), bank.power(0), 1e-4 * Math.pow(A * N / 2, 2));
    }

    @Test
    void spacedBins_coverTheBeepBand() {
        double[] f = GoertzelBank.spaced(300, 2500, 40);
        assertEquals(56, f.length);
        assertEquals(300, f[0]);
        assertEquals(2500, f[55]);
        assertArrayEquals(new double[] {300, 340, 380}, java.util.Arrays.copyOf(f, 3));
    }
}
