package dev.gateway.media.dtmf;

import io.netty.buffer.ByteBuf;

/**
 * Paces queued DTMF digits out as RFC 4733 telephone-event packets, one decision per packet interval.
 *
 * <p>Per digit (RFC 4733 §2.5.1): the first packet has the marker bit set and a duration of one packet interval;
 * each following interval sends an update with the same event timestamp and the duration grown by one interval;
 * when the duration reaches the tone length the end packet (E bit) is sent, then repeated unchanged on the next
 * two intervals (§2.5.1.4, three end packets in all). Then {@code gapMs} of intervals carry audio (or silence)
 * before the next digit starts. Volume is fixed at 10 (-10 dBm0). Durations count calls, so the owner must call
 * {@link #nextPacket} exactly once per packet interval. Tones never exceed the 16-bit duration field (checked in
 * the constructor), so no long-event segments are sent.
 *
 * <p>Example, tone 100 ms, packets 20 ms, 8 kHz, digit starting at timestamp T:
 * <pre>
 *   call  1: M=1 ts=T E=0 duration=160
 *   call  2..4: M=0 ts=T E=0 duration=320, 480, 640
 *   call  5..7: M=0 ts=T E=1 duration=800 (three times)
 *   call  8..: no DTMF for 60 ms (3 calls), then the next digit at that call's timestamp
 * </pre>
 *
 * <p>Loop-confined: not thread-safe; {@link #enqueue} and {@link #nextPacket} must be called from the event loop
 * that paces the call's media. No allocation per packet; the queue is a fixed ring of {@value #QUEUE_CAPACITY}.
 */
public final class DtmfSender {
    /** Digits that may wait at once. */
    public static final int QUEUE_CAPACITY = 64;
    /** Volume sent in every packet: -10 dBm0. */
    public static final int VOLUME = 10;
    /** End packets per digit (RFC 4733 §2.5.1.4 recommends three). */
    public static final int END_PACKETS = 3;

    private static final long TIMESTAMP_MASK = 0xFFFF_FFFFL;

    private enum State { IDLE, TONE, ENDING, GAP }

    private final int samplesPerPacket;
    private final int toneSamples;
    private final int gapPackets;

    private final byte[] queue = new byte[QUEUE_CAPACITY];
    private int queueHead;
    private int queueSize;

    private State state = State.IDLE;
    private int event;
    private int duration;
    private int endPacketsSent;
    private int gapPacketsLeft;
    private boolean marker;
    private long eventTimestamp;

    /**
     * @param toneMs    tone length in ms, at least one packet; e.g. 100
     * @param gapMs     silence between digits in ms, rounded up to whole packets; e.g. 60
     * @param packetMs  packet interval in ms; e.g. 20
     * @param clockRate telephone-event clock rate in Hz; e.g. 8000
     * @throws IllegalArgumentException when a value is out of range or the tone would not fit the 16-bit
     *                                  duration field
     */
    public DtmfSender(int toneMs, int gapMs, int packetMs, int clockRate) {
        if (packetMs <= 0 || clockRate <= 0 || gapMs < 0 || toneMs < packetMs) {
            throw new IllegalArgumentException("toneMs " + toneMs + " gapMs " + gapMs + " packetMs " + packetMs
                    + " clockRate " + clockRate + ": need packetMs > 0, clockRate > 0, gapMs >= 0, toneMs >= packetMs");
        }
        long tone = (long) toneMs * clockRate / 1000;
        if (tone > TelephoneEventCodec.MAX_DURATION) {
            throw new IllegalArgumentException("tone of " + tone + " samples exceeds the 16-bit duration field");
        }
        this.samplesPerPacket = (int) ((long) packetMs * clockRate / 1000);
        this.toneSamples = (int) tone;
        this.gapPackets = (gapMs + packetMs - 1) / packetMs;
        if (samplesPerPacket == 0) {
            throw new IllegalArgumentException("packetMs " + packetMs + " is less than one sample at " + clockRate);
        }
    }

    /** Queues {@code digit}; false if it is not a DTMF digit or the queue is full. */
    public boolean enqueue(char digit) {
        int code = DtmfDigit.toEvent(digit);
        if (code < 0 || queueSize == QUEUE_CAPACITY) {
            return false;
        }
        queue[(queueHead + queueSize) % QUEUE_CAPACITY] = (byte) code;
        queueSize++;
        return true;
    }

    /** Whether a digit, its end packets or the gap after it is in progress, or digits are queued. */
    public boolean isBusy() {
        return state != State.IDLE || queueSize > 0;
    }

    /**
     * Decides the packet for this interval. When it returns true it has written one 4-byte telephone-event
     * payload at {@code dst}'s writer index; send it with {@link #marker()} and {@link #eventTimestamp()}.
     * When false, nothing was written and audio (or silence during a gap) goes out instead.
     *
     * @param rtpTimestampNow the RTP timestamp audio would carry now; becomes the event timestamp of a new digit
     */
    public boolean nextPacket(long rtpTimestampNow, ByteBuf dst) {
        switch (state) {
            case IDLE:
                if (queueSize == 0) {
                    return false;
                }
                event = queue[queueHead];
                queueHead = (queueHead + 1) % QUEUE_CAPACITY;
                queueSize--;
                eventTimestamp = rtpTimestampNow & TIMESTAMP_MASK;
                marker = true;
                duration = 0;
                endPacketsSent = 0;
                return writeTone(dst);
            case TONE:
                marker = false;
                return writeTone(dst);
            case ENDING:
                marker = false;
                return writeEnd(dst);
            case GAP:
            default:
                if (--gapPacketsLeft <= 0) {
                    state = State.IDLE;
                }
                return false;
        }
    }

    private boolean writeTone(ByteBuf dst) {
        duration = Math.min(duration + samplesPerPacket, toneSamples);
        if (duration == toneSamples) {
            return writeEnd(dst);
        }
        state = State.TONE;
        TelephoneEventCodec.write(dst, event, false, VOLUME, duration);
        return true;
    }

    private boolean writeEnd(ByteBuf dst) {
        TelephoneEventCodec.write(dst, event, true, VOLUME, duration);
        if (++endPacketsSent < END_PACKETS) {
            state = State.ENDING;
        } else if (gapPackets > 0) {
            state = State.GAP;
            gapPacketsLeft = gapPackets;
        } else {
            state = State.IDLE;
        }
        return true;
    }

    /** The marker bit for the packet last written: set on the first packet of each digit. */
    public boolean marker() {
        return marker;
    }

    /** The RTP timestamp for the packet last written: the digit's start, the same for all its packets. */
    public long eventTimestamp() {
        return eventTimestamp;
    }
}
