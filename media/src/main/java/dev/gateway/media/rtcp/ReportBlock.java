package dev.gateway.media.rtcp;

/**
 * One reception report block of an SR or RR (RFC 3550 §6.4.1), as written by {@link RtcpCodec}.
 *
 * <p><b>Mutable scratch object.</b> Loop-confined: the owner of a stream keeps one instance, lets
 * {@link ReceptionStats#fillReportBlock} refill it before each report, and hands it to the codec; nothing is
 * allocated per report. Not thread-safe.
 */
public final class ReportBlock {

    private long sourceSsrc;
    private int fractionLost;
    private int cumulativeLost;
    private long extendedHighestSequence;
    private long jitter;
    private long lastSenderReport;
    private long delaySinceLastSenderReport;

    /** SSRC of the source this block reports on, 0..2^32-1. */
    public long sourceSsrc() {
        return sourceSsrc;
    }

    /** Fraction of packets lost since the previous report, in 1/256 units, 0..255. */
    public int fractionLost() {
        return fractionLost;
    }

    /** Cumulative packets lost, a signed 24-bit value (negative when duplicates outnumber losses). */
    public int cumulativeLost() {
        return cumulativeLost;
    }

    /** Cycles of the 16-bit sequence in the upper half, highest sequence number in the lower half. */
    public long extendedHighestSequence() {
        return extendedHighestSequence;
    }

    /** Interarrival jitter in RTP ticks (RFC 3550 §6.4.1). */
    public long jitter() {
        return jitter;
    }

    /** LSR: middle 32 bits of the NTP timestamp of the last SR received from the source, 0 if none. */
    public long lastSenderReport() {
        return lastSenderReport;
    }

    /** DLSR: delay since that SR in units of 1/65536 s, 0 if none. */
    public long delaySinceLastSenderReport() {
        return delaySinceLastSenderReport;
    }

    /** Sets every field at once; values are masked to their wire widths. Returns this. */
    public ReportBlock set(long sourceSsrc, int fractionLost, int cumulativeLost, long extendedHighestSequence,
            long jitter, long lastSenderReport, long delaySinceLastSenderReport) {
        this.sourceSsrc = sourceSsrc & 0xFFFF_FFFFL;
        this.fractionLost = fractionLost & 0xFF;
        this.cumulativeLost = (cumulativeLost << 8) >> 8;
        this.extendedHighestSequence = extendedHighestSequence & 0xFFFF_FFFFL;
        this.jitter = jitter & 0xFFFF_FFFFL;
        this.lastSenderReport = lastSenderReport & 0xFFFF_FFFFL;
        this.delaySinceLastSenderReport = delaySinceLastSenderReport & 0xFFFF_FFFFL;
        return this;
    }

    @Override
    public String toString() {
        return "ReportBlock[ssrc=" + sourceSsrc + ", fraction=" + fractionLost + "/256, lost=" + cumulativeLost
                + ", extSeq=" + extendedHighestSequence + ", jitter=" + jitter + " ticks, lsr=" + lastSenderReport
                + ", dlsr=" + delaySinceLastSenderReport + "/65536 s]";
    }
}
