package dev.gateway.media.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gateway.media.endpoint.RtpEndpointStats;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class EModelTest {

    /**
     * G.107 Annex B (eq. B-4), the R -> MOS relation at the category boundaries that G.109 Table 1 and G.107's
     * Table B.1 publish: R 90, 80, 70, 60, 50 -> MOS 4.34, 4.03, 3.60, 3.10, 2.58; R 93.2 (every default) -> 4.41.
     */
    @ParameterizedTest
    @CsvSource({"90, 4.34", "80, 4.03", "70, 3.60", "60, 3.10", "50, 2.58", "93.2, 4.41", "100, 4.5", "0, 1",
            "-5, 1", "120, 4.5"})
    void mosFromRatingMatchesG107TableB1(double r, double mos) {
        assertEquals(mos, EModel.mos(r), 0.0075); // the table rounds: R 80 gives 4.024
    }

    @Test
    void noLossNoDelayIsTheDefaultRating() {
        assertEquals(93.2, EModel.rating(0, 40, EModel.BPL_G711), 1e-9);
        assertEquals(0, EModel.delayImpairment(100), 1e-12);
    }

    /** Ie,eff = 95 Ppl / (Ppl + Bpl) for G.711 (Ie = 0, BurstR = 1): 1 % -> 17.92 without PLC, 3.63 with it. */
    @Test
    void lossImpairmentFollowsEquation729() {
        assertEquals(93.2 - 95 * 1 / (1 + 4.3), EModel.rating(1, 0, EModel.BPL_G711), 1e-9);
        assertEquals(75.28, EModel.rating(1, 0, EModel.BPL_G711), 0.01);
        assertEquals(93.2 - 3.63, EModel.rating(1, 0, EModel.BPL_G711_PLC), 0.01);
        assertEquals(93.2 - 95 * 100 / 104.3, EModel.rating(100, 0, EModel.BPL_G711), 1e-9);
    }

    /** Idd (eq. 7-28, mT = 100 ms): Ta 200 ms -> X = 1 -> 25 (2^(1/6) - 3 (1 + 3^-6)^(1/6) + 2) = 3.04. */
    @Test
    void delayImpairmentFollowsEquation728() {
        assertEquals(25 * (Math.pow(2, 1.0 / 6) - 3 * Math.pow(1 + Math.pow(1.0 / 3, 6), 1.0 / 6) + 2),
                EModel.delayImpairment(200), 1e-12);
        assertEquals(3.04, EModel.delayImpairment(200), 0.01);
        assertEquals(93.2 - EModel.delayImpairment(400), EModel.rating(0, 400, EModel.BPL_G711), 1e-9);
    }

    @Test
    void callQualityCountsLateAsLostAndAddsOnePacketTime() {
        // 990 received, 10 lost (RFC 3550), 5 of the received too late: 15 of 1000 expected missed = 1.5 %
        RtpEndpointStats s = new RtpEndpointStats(990, 1000, 158_400, 160_000, 10, 3.25, 0, 0, 5, 15, 0, 0, 0, 60,
                "", "", 1, 0, 0, "", 0, 0);
        CallQuality q = CallQuality.of(s, 20);
        assertEquals(1.5, q.lossPercent(), 1e-9);
        assertEquals(80, q.delayMs());
        assertEquals(93.2 - 95 * 1.5 / (1.5 + 4.3), q.r(), 1e-9);
        assertEquals(EModel.mos(q.r()), q.mos(), 1e-12);
        assertEquals("packets in=990 out=1000 lost=10 late=5 loss=1.5% concealed=15 jitter=3.3ms delay=80ms R=68.6 "
                + "MOS=3.53", q.line());
    }

    @Test
    void noRtpFromThePhoneIsNotRated() {
        RtpEndpointStats s = new RtpEndpointStats(0, 12, 0, 1920, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, "", "", 0, 0, 0, "",
                0, 0);
        CallQuality q = CallQuality.of(s, 20);
        assertEquals(false, q.rated());
        assertEquals("packets in=0 out=12 (no RTP from the phone: no rating)", q.line());
    }
}
