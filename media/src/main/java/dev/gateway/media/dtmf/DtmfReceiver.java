package dev.gateway.media.dtmf;

import io.netty.buffer.ByteBuf;
import java.util.Objects;

/**
 * Turns received RFC 4733 telephone-event payloads into key presses, each reported once, at the first packet
 * seen of the press (lowest latency; the tone's length is of no interest to an agent).
 *
 * <p>A press is identified by its RTP timestamp and event code (RFC 4733 §2.5.2.1), not by the marker bit:
 * some senders, Twilio among them, do not set the marker on the first packet, and the first packet may be lost
 * anyway. Rules, applied to the first event block of each payload:
 * <ul>
 *   <li>Same timestamp and code as the current press: an update, a retransmission or an end packet
 *       ({@link Result#CONTINUATION}); once an end packet has been seen, further non-end packets of that press
 *       are late ({@link Result#IGNORED_STALE}).</li>
 *   <li>Timestamp older than the current press (32-bit serial comparison, RFC 1982 style): reordered, ignored
 *       ({@link Result#IGNORED_STALE}).</li>
 *   <li>Newer timestamp, same code, current press not ended, and the new timestamp is where the next segment of
 *       a long press would start (§2.5.1.3: previous timestamp + previous segment duration): the same press
 *       ({@link Result#CONTINUATION}). Since the last update of a segment may be lost, a newer timestamp up to
 *       65,535 ticks on is accepted as a segment too when the gap exceeds half the duration field (only a long
 *       segment can be split); a short gap means a new press whose end packets were all lost.</li>
 *   <li>Anything else newer, or a different code: a new press ({@link Result#NEW_DIGIT}), so "11" is two
 *       presses.</li>
 * </ul>
 * Only DTMF events 0..15 are accepted; the payload's further blocks (RFC 4733 §2.5.1.5 multiple events, or
 * RFC 2198 redundancy, which arrives under a different payload type) are not read.
 *
 * <p>Loop-confined: not thread-safe; call from the event loop that owns the call's media. No allocation per
 * packet. The listener is called synchronously from {@link #onPacket}.
 */
public final class DtmfReceiver {

    /** What one packet did. */
    public enum Result {
        /** The first packet of a press; the listener has been called. */
        NEW_DIGIT,
        /** An update, retransmission, end packet or long-event segment of the current press. */
        CONTINUATION,
        /** Reordered: older than the current press, or a non-end packet after the current press ended. */
        IGNORED_STALE,
        /** Shorter than one event block. */
        IGNORED_MALFORMED,
        /** Not a DTMF event (code above 15). */
        IGNORED_UNKNOWN_EVENT
    }

    /** Receives each key press once. */
    @FunctionalInterface
    public interface Listener {
        /** Called on the receiver's thread with '0'..'9', '*', '#' or 'A'..'D'. */
        void onDtmf(char digit);
    }

    private static final long TIMESTAMP_MASK = 0xFFFF_FFFFL;
    /** Gap (RTP ticks) above which a same-code timestamp jump is taken for a long-event segment. */
    private static final int MIN_LOST_SEGMENT_GAP = TelephoneEventCodec.MAX_DURATION / 2;

    private final Listener listener;

    private boolean active;
    private long timestamp;
    private int event;
    private int duration;
    private boolean ended;

    /** @param listener told of each new press; not null */
    public DtmfReceiver(Listener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Feeds one received telephone-event RTP payload.
     *
     * @param rtpTimestamp the packet's RTP timestamp (only the low 32 bits are used)
     * @param marker       the packet's marker bit; informational only, see the class comment
     * @param buf          holds the payload; not retained, indexes unchanged
     * @param index        absolute index of the payload in {@code buf}
     * @param length       payload length in bytes
     */
    public Result onPacket(long rtpTimestamp, boolean marker, ByteBuf buf, int index, int length) {
        if (length < TelephoneEventCodec.SIZE) {
            return Result.IGNORED_MALFORMED;
        }
        int code = TelephoneEventCodec.event(buf, index);
        if (code > DtmfDigit.MAX_EVENT) {
            return Result.IGNORED_UNKNOWN_EVENT;
        }
        boolean end = TelephoneEventCodec.end(buf, index);
        int packetDuration = TelephoneEventCodec.duration(buf, index);
        long ts = rtpTimestamp & TIMESTAMP_MASK;

        if (!active) {
            return startPress(ts, code, end, packetDuration);
        }
        int delta = (int) (ts - timestamp); // serial-number difference, wraps at 2^32
        if (delta < 0) {
            return Result.IGNORED_STALE;
        }
        if (code != event) {
            return startPress(ts, code, end, packetDuration);
        }
        if (delta == 0) {
            if (ended && !end) {
                return Result.IGNORED_STALE;
            }
            duration = Math.max(duration, packetDuration);
            ended |= end;
            return Result.CONTINUATION;
        }
        if (!ended && isNextSegment(delta)) {
            timestamp = ts;
            duration = packetDuration;
            ended = end;
            return Result.CONTINUATION;
        }
        return startPress(ts, code, end, packetDuration);
    }

    /** Whether a same-code packet {@code delta} ticks after the current press continues it (RFC 4733 §2.5.1.3). */
    private boolean isNextSegment(int delta) {
        return delta == duration
                || (delta > duration && delta <= TelephoneEventCodec.MAX_DURATION && delta > MIN_LOST_SEGMENT_GAP);
    }

    private Result startPress(long ts, int code, boolean end, int packetDuration) {
        active = true;
        timestamp = ts;
        event = code;
        duration = packetDuration;
        ended = end;
        listener.onDtmf(DtmfDigit.toChar(code));
        return Result.NEW_DIGIT;
    }

    /** Forgets the current press, e.g. when the sender's SSRC changes. */
    public void reset() {
        active = false;
        timestamp = 0;
        event = 0;
        duration = 0;
        ended = false;
    }
}
