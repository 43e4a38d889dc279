package dev.gateway.media.dtmf;

import io.netty.buffer.ByteBuf;

/**
 * Reads and writes one RFC 4733 §2.3 telephone-event payload block.
 * <pre>
 *     0                   1                   2                   3
 *     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *    |     event     |E|R| volume    |          duration             |
 *    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * event: event code (§3.2 for DTMF); E: end of event; R: reserved, written 0 and ignored on read;
 * volume: power level in -dBm0 (0..63), meaningful for DTMF; duration: in RTP timestamp units (samples at the
 * payload's clock rate), counted from the event's RTP timestamp.
 *
 * <p>Pure and static: the read methods take an absolute index and leave the buffer's indexes unchanged; none
 * allocates. The caller checks that {@link #SIZE} bytes are readable. Thread-safe: stateless.
 */
public final class TelephoneEventCodec {
    /** Size of one event block in bytes. */
    public static final int SIZE = 4;

    public static final int MAX_EVENT = 0xFF;
    public static final int MAX_VOLUME = 0x3F;
    public static final int MAX_DURATION = 0xFFFF;

    private static final int OFFSET_EVENT = 0;
    private static final int OFFSET_FLAGS_VOLUME = 1;
    private static final int OFFSET_DURATION = 2;
    private static final int MASK_END = 0x80;
    private static final int MASK_VOLUME = 0x3F;

    private TelephoneEventCodec() {
    }

    /** The event code (0..255) of the block at absolute {@code index}. */
    public static int event(ByteBuf b, int index) {
        return b.getUnsignedByte(index + OFFSET_EVENT);
    }

    /** The E (end) bit of the block at absolute {@code index}. */
    public static boolean end(ByteBuf b, int index) {
        return (b.getByte(index + OFFSET_FLAGS_VOLUME) & MASK_END) != 0;
    }

    /** The volume (0..63, in -dBm0) of the block at absolute {@code index}. */
    public static int volume(ByteBuf b, int index) {
        return b.getByte(index + OFFSET_FLAGS_VOLUME) & MASK_VOLUME;
    }

    /** The duration (0..65535, RTP timestamp units) of the block at absolute {@code index}. */
    public static int duration(ByteBuf b, int index) {
        return b.getUnsignedShort(index + OFFSET_DURATION);
    }

    /**
     * Writes one block at {@code dst}'s writer index and advances it by {@link #SIZE}.
     *
     * @throws IllegalArgumentException naming the field and value when event is outside 0..255, volume outside
     *                                  0..63 or duration outside 0..65535; nothing is written then
     */
    public static void write(ByteBuf dst, int event, boolean end, int volume, int duration) {
        checkRange("event", event, MAX_EVENT);
        checkRange("volume", volume, MAX_VOLUME);
        checkRange("duration", duration, MAX_DURATION);
        dst.writeByte(event);
        dst.writeByte((end ? MASK_END : 0) | volume);
        dst.writeShort(duration);
    }

    private static void checkRange(String field, int value, int max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(field + " " + value + " outside 0.." + max);
        }
    }
}
