package dev.gateway.media.quality;

/**
 * The E-model of ITU-T G.107 (06/2015), reduced to what a G.711 call through the gateway can know: a transmission
 * rating R from packet loss and one-way delay, and the estimated MOS (conversational quality) from R.
 * <pre>
 *   R = Ro - Is - Id - Ie,eff + A                                        (G.107 §7.1, eq. 7-1)
 *   Ro - Is = 93.2        every other parameter at its default (G.107 Table 3), so R = 93.2 with no loss or delay
 *   A = 0                 wire-bound access
 *   Id = Idd(Ta)          delay impairment with echo perfectly cancelled (Idte, Idle at their defaults, folded into
 *                         the 93.2): Idd = 0 for Ta <= 100 ms, else
 *                         Idd = 25 {(1 + X^6)^(1/6) - 3 (1 + (X/3)^6)^(1/6) + 2},  X = log2(Ta / 100)   (eq. 7-28,
 *                         mT = 100 ms, sT = 1)
 *   Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl)                   (eq. 7-29)
 *                         G.711: Ie = 0; Bpl = 4.3 without packet-loss concealment, 25.1 with it (ITU-T G.113
 *                         Appendix I, Table I.3); BurstR = 1 (random loss)
 *   MOS = 1                                          for R < 0
 *   MOS = 1 + 0.035 R + R (R - 60) (100 - R) 7e-6    for 0 <= R <= 100   (Annex B, eq. B-4)
 *   MOS = 4.5                                        for R > 100
 * </pre>
 * Pure functions; thread-safe.
 */
public final class EModel {
    /** Ro - Is with every G.107 default: the R of a perfect narrow-band connection. */
    public static final double R_DEFAULT = 93.2;
    /** G.711's packet-loss robustness without concealment (loss played as silence), G.113 Appendix I. */
    public static final double BPL_G711 = 4.3;
    /** The same with packet-loss concealment (G.711 Appendix I PLC). */
    public static final double BPL_G711_PLC = 25.1;

    private EModel() {
    }

    /**
     * @param lossPercent   packets lost (or too late to play), 0..100
     * @param oneWayDelayMs mouth-to-ear delay Ta, ms
     * @param bpl           packet-loss robustness ({@link #BPL_G711} or {@link #BPL_G711_PLC})
     * @return the rating R (may be below 0 for a hopeless connection)
     */
    public static double rating(double lossPercent, double oneWayDelayMs, double bpl) {
        double ppl = Math.max(0, Math.min(100, lossPercent));
        double ieEff = 0 + (95 - 0) * ppl / (ppl / 1.0 + bpl);
        return R_DEFAULT - delayImpairment(oneWayDelayMs) - ieEff;
    }

    /** Idd of G.107 eq. 7-28 with mT = 100 ms and sT = 1: 0 up to 100 ms. */
    public static double delayImpairment(double oneWayDelayMs) {
        if (oneWayDelayMs <= 100) {
            return 0;
        }
        double x = Math.log(oneWayDelayMs / 100) / Math.log(2);
        return 25 * (Math.pow(1 + Math.pow(x, 6), 1.0 / 6) - 3 * Math.pow(1 + Math.pow(x / 3, 6), 1.0 / 6) + 2);
    }

    /** G.107 Annex B, eq. B-4: the estimated MOS (1..4.5) of a rating R. */
    public static double mos(double r) {
        if (r < 0) {
            return 1;
        }
        if (r > 100) {
            return 4.5;
        }
        return 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
    }
}
