package dev.gateway.media.dtmf;

import static dev.gateway.media.dtmf.DtmfReceiver.Result.CONTINUATION;
import static dev.gateway.media.dtmf.DtmfReceiver.Result.IGNORED_MALFORMED;
import static dev.gateway.media.dtmf.DtmfReceiver.Result.IGNORED_STALE;
import static dev.gateway.media.dtmf.DtmfReceiver.Result.IGNORED_UNKNOWN_EVENT;
import static dev.gateway.media.dtmf.DtmfReceiver.Result.NEW_DIGIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.dtmf.DtmfReceiver.Result;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DtmfReceiverTest {

    /** One received packet: RTP timestamp, marker, payload fields; {@code length} below 4 makes it malformed. */
    record Packet(long ts, boolean marker, int event, boolean end, int duration, int length, Result expected) {
    }

    static Packet p(long ts, boolean marker, int event, boolean end, int duration, Result expected) {
        return new Packet(ts, marker, event, end, duration, TelephoneEventCodec.SIZE, expected);
    }

    static Packet m(long ts, int event, int duration, Result expected) {
        return p(ts, true, event, false, duration, expected);
    }

    static Packet u(long ts, int event, int duration, Result expected) {
        return p(ts, false, event, false, duration, expected);
    }

    static Packet e(long ts, int event, int duration, Result expected) {
        return p(ts, false, event, true, duration, expected);
    }

    static Arguments sequence(String name, String digits, Packet... packets) {
        return Arguments.of(name, digits, List.of(packets));
    }

    static Stream<Arguments> sequences() {
        return Stream.of(
                sequence("normal press with marker", "1",
                        m(0, 1, 160, NEW_DIGIT), u(0, 1, 320, CONTINUATION), u(0, 1, 480, CONTINUATION),
                        e(0, 1, 640, CONTINUATION), e(0, 1, 640, CONTINUATION), e(0, 1, 640, CONTINUATION)),
                sequence("press without marker (Twilio)", "1",
                        u(0, 1, 160, NEW_DIGIT), u(0, 1, 320, CONTINUATION),
                        e(0, 1, 480, CONTINUATION), e(0, 1, 480, CONTINUATION), e(0, 1, 480, CONTINUATION)),
                sequence("triple end packets, then a late update", "5",
                        m(100, 5, 160, NEW_DIGIT), e(100, 5, 320, CONTINUATION), e(100, 5, 320, CONTINUATION),
                        e(100, 5, 320, CONTINUATION), u(100, 5, 160, IGNORED_STALE)),
                sequence("first packets lost, only end packets seen", "#",
                        e(4000, 11, 800, NEW_DIGIT), e(4000, 11, 800, CONTINUATION), e(4000, 11, 800, CONTINUATION)),
                sequence("duplicate retransmits", "2",
                        m(0, 2, 160, NEW_DIGIT), m(0, 2, 160, CONTINUATION), u(0, 2, 320, CONTINUATION),
                        u(0, 2, 320, CONTINUATION), e(0, 2, 480, CONTINUATION), e(0, 2, 480, CONTINUATION)),
                sequence("two same digits in a row", "11",
                        m(0, 1, 160, NEW_DIGIT), e(0, 1, 800, CONTINUATION), e(0, 1, 800, CONTINUATION),
                        e(0, 1, 800, CONTINUATION),
                        m(1280, 1, 160, NEW_DIGIT), e(1280, 1, 800, CONTINUATION)),
                sequence("two same digits, all end packets of the first lost", "11",
                        m(0, 1, 160, NEW_DIGIT), u(0, 1, 640, CONTINUATION),
                        u(1280, 1, 160, NEW_DIGIT), e(1280, 1, 800, CONTINUATION)),
                sequence("different digit before the end of the previous", "12",
                        m(0, 1, 160, NEW_DIGIT), u(0, 1, 320, CONTINUATION), m(800, 2, 160, NEW_DIGIT)),
                sequence("RFC 4733 Table 5: '9' then '1'", "91",
                        m(0, 9, 400, NEW_DIGIT), u(0, 9, 800, CONTINUATION), u(0, 9, 1200, CONTINUATION),
                        u(0, 9, 1600, CONTINUATION), e(0, 9, 1600, CONTINUATION), e(0, 9, 1600, CONTINUATION),
                        m(7040, 1, 400, NEW_DIGIT)),
                sequence("long press across a segment boundary", "7",
                        m(1000, 7, 160, NEW_DIGIT), u(1000, 7, 65000, CONTINUATION), u(1000, 7, 65535, CONTINUATION),
                        u(1000 + 65535, 7, 160, CONTINUATION), u(1000 + 65535, 7, 320, CONTINUATION),
                        e(1000 + 65535, 7, 480, CONTINUATION), e(1000 + 65535, 7, 480, CONTINUATION)),
                sequence("long press, last update of the first segment lost", "7",
                        u(1000, 7, 64000, NEW_DIGIT), u(1000 + 65535, 7, 160, CONTINUATION),
                        e(1000 + 65535, 7, 320, CONTINUATION)),
                sequence("long press segment crossing the 32-bit timestamp wrap", "D",
                        m(0xFFFF_F000L, 15, 65535, NEW_DIGIT), u(0xFFFF_F000L + 65535 - 0x1_0000_0000L, 15, 160, CONTINUATION),
                        e(0xFFFF_F000L + 65535 - 0x1_0000_0000L, 15, 320, CONTINUATION)),
                sequence("RTP timestamp wraparound between digits", "34",
                        m(0xFFFF_FF00L, 3, 160, NEW_DIGIT), e(0xFFFF_FF00L, 3, 320, CONTINUATION),
                        m(0x0000_0200L, 4, 160, NEW_DIGIT), e(0xFFFF_FF00L, 3, 320, IGNORED_STALE),
                        e(0x0000_0200L, 4, 320, CONTINUATION)),
                sequence("reordered older packet after a new digit", "12",
                        m(8000, 1, 160, NEW_DIGIT), e(8000, 1, 800, CONTINUATION),
                        m(16000, 2, 160, NEW_DIGIT), e(8000, 1, 800, IGNORED_STALE), u(8000, 1, 480, IGNORED_STALE)),
                sequence("malformed length", "",
                        new Packet(0, true, 1, false, 160, 3, IGNORED_MALFORMED),
                        new Packet(0, true, 1, false, 160, 0, IGNORED_MALFORMED)),
                sequence("unknown event 20", "",
                        m(0, 20, 160, IGNORED_UNKNOWN_EVENT), e(0, 20, 800, IGNORED_UNKNOWN_EVENT)),
                sequence("unknown event does not disturb a press", "6",
                        m(0, 6, 160, NEW_DIGIT), u(0, 20, 320, IGNORED_UNKNOWN_EVENT), e(0, 6, 800, CONTINUATION)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void reportsEachPressOnce(String name, String digits, List<Packet> packets) {
        StringBuilder heard = new StringBuilder();
        DtmfReceiver receiver = new DtmfReceiver(heard::append);
        ByteBuf buf = Unpooled.buffer(16);
        try {
            List<Result> results = new ArrayList<>();
            List<Result> expected = new ArrayList<>();
            for (Packet packet : packets) {
                buf.clear().writeZero(2); // payload at a non-zero index
                TelephoneEventCodec.write(buf, packet.event(), packet.end(), 10, packet.duration());
                results.add(receiver.onPacket(packet.ts(), packet.marker(), buf, 2, packet.length()));
                expected.add(packet.expected());
                assertEquals(0, buf.readerIndex());
            }
            assertEquals(expected, results);
            assertEquals(digits, heard.toString());
        } finally {
            assertTrue(buf.release());
        }
    }

    @Test
    void resetForgetsTheCurrentPress() {
        StringBuilder heard = new StringBuilder();
        DtmfReceiver receiver = new DtmfReceiver(heard::append);
        ByteBuf buf = Unpooled.buffer(4);
        try {
            TelephoneEventCodec.write(buf, 4, false, 10, 160);
            assertEquals(NEW_DIGIT, receiver.onPacket(500, true, buf, 0, 4));
            assertEquals(CONTINUATION, receiver.onPacket(500, true, buf, 0, 4));
            receiver.reset(); // new SSRC: its timestamps bear no relation to the old ones
            assertEquals(NEW_DIGIT, receiver.onPacket(500, true, buf, 0, 4));
            assertEquals("44", heard.toString());
        } finally {
            assertTrue(buf.release());
        }
    }
}
