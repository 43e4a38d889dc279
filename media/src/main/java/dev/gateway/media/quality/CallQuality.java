package dev.gateway.media.quality;

import dev.gateway.media.endpoint.RtpEndpointStats;
import java.util.Locale;

/**
 * The phone leg's audio quality over a call, as heard by the gateway from the phone's RTP, with an E-model estimate
 * ({@link EModel}). Immutable.
 *
 * <p>Loss is what the listener misses: packets RFC 3550 counts lost plus packets that came too late to play, over
 * the packets expected (received + lost). The delay is the part the gateway knows: its jitter buffer's target plus
 * one packet time (the network's and the far side's delays are unknown, so the MOS is an upper bound). The
 * gateway conceals a lost frame with silence, so G.711 counts without PLC ({@link EModel#BPL_G711}).
 *
 * @param packetsIn   RTP packets received from the phone
 * @param packetsOut  RTP packets sent to the phone
 * @param lost        packets lost (RFC 3550 cumulative count)
 * @param late        packets that arrived after their play-out time
 * @param concealed   frames the jitter buffer filled with silence
 * @param lossPercent lost and late over expected, %
 * @param jitterMs    RFC 3550 interarrival jitter at the end, ms
 * @param delayMs     the one-way delay used for the rating, ms
 * @param r           E-model rating
 * @param mos         estimated MOS from {@code r}
 */
public record CallQuality(long packetsIn, long packetsOut, long lost, long late, long concealed, double lossPercent,
                          double jitterMs, int delayMs, double r, double mos) {

    /** The quality from an endpoint's counters; {@code ptimeMs} is the negotiated packet time. */
    public static CallQuality of(RtpEndpointStats s, int ptimeMs) {
        long lost = Math.max(0, s.lost());
        long expected = s.packetsIn() + lost;
        double loss = expected == 0 ? 0 : 100.0 * Math.min(expected, lost + s.late()) / expected;
        int delay = Math.max(0, s.jitterDelayMs()) + Math.max(0, ptimeMs);
        double r = EModel.rating(loss, delay, EModel.BPL_G711);
        return new CallQuality(s.packetsIn(), s.packetsOut(), lost, s.late(), s.concealed(), loss, s.jitterMs(),
                delay, r, EModel.mos(r));
    }

    /** True when the phone sent RTP, so that the rating means something. */
    public boolean rated() {
        return packetsIn > 0;
    }

    /**
     * One line for the call's log: {@code packets in=.. out=.. lost=.. late=.. loss=..% concealed=.. jitter=..ms
     * delay=..ms R=.. MOS=..}; without the rating when the phone sent no RTP.
     */
    public String line() {
        if (!rated()) {
            return "packets in=0 out=" + packetsOut + " (no RTP from the phone: no rating)";
        }
        return String.format(Locale.ROOT, "packets in=%d out=%d lost=%d late=%d loss=%.1f%% concealed=%d "
                + "jitter=%.1fms delay=%dms R=%.1f MOS=%.2f", packetsIn, packetsOut, lost, late, lossPercent,
                concealed, jitterMs, delayMs, r, mos);
    }
}
