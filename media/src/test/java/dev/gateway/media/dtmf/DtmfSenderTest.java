package dev.gateway.media.dtmf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DtmfSenderTest {

    private static final int SAMPLES_PER_PACKET = 160;

    /** What one call of nextPacket produced; {@link #AUDIO} when it returned false (audio goes out). */
    record Sent(boolean marker, long timestamp, int event, boolean end, int duration) {
        static final Sent AUDIO = new Sent(false, -1, -1, false, -1);
    }

    static Sent dtmf(boolean marker, long timestamp, int event, boolean end, int duration) {
        return new Sent(marker, timestamp, event, end, duration);
    }

    /** Calls nextPacket {@code calls} times, the audio timestamp advancing by one packet each call. */
    private static List<Sent> run(DtmfSender sender, long start, int calls, DtmfReceiver receiver) {
        List<Sent> out = new ArrayList<>();
        ByteBuf buf = Unpooled.buffer(8);
        try {
            for (int i = 0; i < calls; i++) {
                buf.clear();
                long now = (start + (long) i * SAMPLES_PER_PACKET) & 0xFFFF_FFFFL;
                if (sender.nextPacket(now, buf)) {
                    assertEquals(TelephoneEventCodec.SIZE, buf.writerIndex());
                    assertEquals(10, TelephoneEventCodec.volume(buf, 0));
                    out.add(dtmf(sender.marker(), sender.eventTimestamp(), TelephoneEventCodec.event(buf, 0),
                            TelephoneEventCodec.end(buf, 0), TelephoneEventCodec.duration(buf, 0)));
                    if (receiver != null) {
                        receiver.onPacket(sender.eventTimestamp(), sender.marker(), buf, 0, buf.readableBytes());
                    }
                } else {
                    assertEquals(0, buf.writerIndex());
                    out.add(Sent.AUDIO);
                }
            }
        } finally {
            assertTrue(buf.release());
        }
        return out;
    }

    @Test
    void oneDigitFollowsRfc4733Timing() {
        DtmfSender sender = new DtmfSender(100, 60, 20, 8000);
        assertFalse(sender.isBusy());
        assertTrue(sender.enqueue('5'));
        assertTrue(sender.isBusy());
        long t = 1000;
        assertEquals(List.of(
                dtmf(true, t, 5, false, 160),
                dtmf(false, t, 5, false, 320),
                dtmf(false, t, 5, false, 480),
                dtmf(false, t, 5, false, 640),
                dtmf(false, t, 5, true, 800),
                dtmf(false, t, 5, true, 800),
                dtmf(false, t, 5, true, 800),
                Sent.AUDIO, Sent.AUDIO, Sent.AUDIO,
                Sent.AUDIO), run(sender, t, 11, null));
        assertFalse(sender.isBusy());
    }

    @Test
    void twoDigitsBackToBackKeepTheGap() {
        DtmfSender sender = new DtmfSender(100, 60, 20, 8000);
        assertTrue(sender.enqueue('1'));
        assertTrue(sender.enqueue('2'));
        long t = 0xFFFF_FE00L; // the second digit's timestamp wraps past 2^32
        long t2 = (t + 10 * SAMPLES_PER_PACKET) & 0xFFFF_FFFFL;
        assertEquals(List.of(
                dtmf(true, t, 1, false, 160),
                dtmf(false, t, 1, false, 320),
                dtmf(false, t, 1, false, 480),
                dtmf(false, t, 1, false, 640),
                dtmf(false, t, 1, true, 800),
                dtmf(false, t, 1, true, 800),
                dtmf(false, t, 1, true, 800),
                Sent.AUDIO, Sent.AUDIO, Sent.AUDIO,
                dtmf(true, t2, 2, false, 160),
                dtmf(false, t2, 2, false, 320),
                dtmf(false, t2, 2, false, 480),
                dtmf(false, t2, 2, false, 640),
                dtmf(false, t2, 2, true, 800),
                dtmf(false, t2, 2, true, 800),
                dtmf(false, t2, 2, true, 800),
                Sent.AUDIO, Sent.AUDIO, Sent.AUDIO,
                Sent.AUDIO), run(sender, t, 21, null));
        assertEquals(0x440L, t2); // 0xFFFFFE00 + 1600, wrapped
        assertFalse(sender.isBusy());
    }

    @Test
    void toneOfOnePacketAndNoGap() {
        DtmfSender sender = new DtmfSender(20, 0, 20, 8000);
        assertTrue(sender.enqueue('#'));
        assertTrue(sender.enqueue('#'));
        assertEquals(List.of(
                dtmf(true, 0, 11, true, 160), dtmf(false, 0, 11, true, 160), dtmf(false, 0, 11, true, 160),
                dtmf(true, 480, 11, true, 160), dtmf(false, 480, 11, true, 160), dtmf(false, 480, 11, true, 160),
                Sent.AUDIO), run(sender, 0, 7, null));
    }

    @Test
    void toneNotAMultipleOfThePacketIsCappedAtItsLength() {
        DtmfSender sender = new DtmfSender(50, 20, 20, 8000);
        assertTrue(sender.enqueue('0'));
        assertEquals(List.of(
                dtmf(true, 0, 0, false, 160), dtmf(false, 0, 0, false, 320),
                dtmf(false, 0, 0, true, 400), dtmf(false, 0, 0, true, 400), dtmf(false, 0, 0, true, 400),
                Sent.AUDIO, Sent.AUDIO), run(sender, 0, 7, null));
    }

    @Test
    void receiverFedTheSendersOutputHearsExactlyTheDigitsSent() {
        String digits = "0123456789*#ABCD11a";
        DtmfSender sender = new DtmfSender(100, 60, 20, 8000);
        for (char c : digits.toCharArray()) {
            assertTrue(sender.enqueue(c));
        }
        StringBuilder heard = new StringBuilder();
        run(sender, 0xFFFF_0000L, digits.length() * 10 + 5, new DtmfReceiver(heard::append));
        assertEquals("0123456789*#ABCD11A", heard.toString());
        assertFalse(sender.isBusy());
    }

    @Test
    void enqueueRejectsInvalidDigitsAndAFullQueue() {
        DtmfSender sender = new DtmfSender(100, 60, 20, 8000);
        assertFalse(sender.enqueue('x'));
        assertFalse(sender.isBusy());
        for (int i = 0; i < DtmfSender.QUEUE_CAPACITY; i++) {
            assertTrue(sender.enqueue('9'));
        }
        assertFalse(sender.enqueue('9'));
    }

    @Test
    void constructorRejectsUnusableTimings() {
        assertThrows(IllegalArgumentException.class, () -> new DtmfSender(10, 60, 20, 8000));
        assertThrows(IllegalArgumentException.class, () -> new DtmfSender(100, -1, 20, 8000));
        assertThrows(IllegalArgumentException.class, () -> new DtmfSender(100, 60, 0, 8000));
        assertThrows(IllegalArgumentException.class, () -> new DtmfSender(100, 60, 20, 0));
        assertThrows(IllegalArgumentException.class, () -> new DtmfSender(2000, 60, 20, 48000));
    }
}
