package dev.gateway.media.call;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.audio.LevelMeter;
import dev.gateway.media.g711.G711;
import dev.gateway.media.g711.G711PayloadDecoder;
import dev.gateway.media.jitter.JitterPlayout;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.opus.OpusPayloadDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CallMedia driven tick by tick with a fake phone leg and a fake clock (no sockets, no sleeps): latency from a room
 * frame to the phone packet, the hold before the answer and the catch-up after it, a track that mutes, failure
 * containment.
 */
class CallMediaTest {
    private static final long MS = 1_000_000L;
    private static final long TICK = AudioFrames.FRAME_NANOS;
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final long T0 = 5_000 * MS;

    /** The phone: plays out a constant frame, records what is sent to it and when. */
    static final class FakeLeg implements RtpLeg {
        final List<short[]> sent = new ArrayList<>();
        final List<Long> sentAt = new ArrayList<>();
        long now;
        int housekeeping;

        @Override
        public boolean playOut(long nowNanos, short[] out, int off) {
            Arrays.fill(out, off, off + N, (short) 1000);
            return true;
        }

        @Override
        public void send(short[] pcm, int off, int count) {
            sent.add(Arrays.copyOfRange(pcm, off, off + count));
            sentAt.add(now);
        }

        @Override
        public void housekeeping(long nowNanos) {
            housekeeping++;
        }

        @Override
        public String receivePath() {
            return "phone PCMU/8000 -> jitter(20..100ms) -> g711(PCMU)";
        }

        @Override
        public String sendPath() {
            return "g711(PCMU) -> rtp -> udp";
        }
    }

    /** A source whose frame at each tick is given by a function of the tick index; 0 means silence. */
    static final class Script implements FrameSource {
        final java.util.function.IntUnaryOperator valueAtTick;
        int tick;

        Script(java.util.function.IntUnaryOperator valueAtTick) {
            this.valueAtTick = valueAtTick;
        }

        @Override
        public boolean read(long nowNanos, short[] out, int off) {
            int v = valueAtTick.applyAsInt(tick++);
            Arrays.fill(out, off, off + N, (short) (v * 128)); // 128 is -48 dBov: every non-zero value is voice
            return v != 0;
        }

        @Override
        public String toString() {
            return "script";
        }
    }

    private static void run(CallMedia media, FakeLeg leg, long from, int ticks) {
        for (int i = 0; i < ticks; i++) {
            long now = from + i * TICK;
            leg.now = now;
            media.pace(now);
            media.tick(now);
        }
    }

    private static CallMedia media(FakeLeg leg) {
        return new CallMedia("c1", null, leg, CallMedia.DEFAULT_HOLD_FRAMES, reason -> {
            throw new AssertionError(reason);
        });
    }

    @Test
    void aRoomFrameReachesThePhoneInTheTickItIsMixed() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = media(leg);
        media.answer();
        Script room = new Script(t -> 100 + t);
        media.attachDownlink(room);
        run(media, leg, T0, 10);
        assertEquals(10, leg.sent.size());
        for (int t = 0; t < 10; t++) {
            assertEquals(128 * (100 + t), leg.sent.get(t)[0], "tick " + t + " sends the frame mixed in tick " + t);
            assertEquals(T0 + t * TICK, leg.sentAt.get(t));
        }
        assertEquals(10, media.stats().downlinkAudio());
    }

    @Test
    void theCallersAudioGoesThroughTheTapsToTheUplinkSink() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = media(leg);
        LevelMeter level = new LevelMeter(8000);
        media.addTap(level);
        LevelMeter sink = new LevelMeter(8000);
        media.attachUplink(sink);
        run(media, leg, T0, 3);
        assertEquals(3, sink.stats().frames());
        assertEquals(30, level.level(), "1000/32768 is -30 dBov");
        assertEquals(3, leg.housekeeping);
        assertEquals(0, leg.sent.size(), "not answered: nothing to the phone");
        assertEquals("phone PCMU/8000 -> jitter(20..100ms) -> g711(PCMU) -> tap[level] -> level | mix(script) "
                + "-> hold(3000ms) -> g711(PCMU) -> rtp -> udp", withScript(media));
    }

    /** An observer that keeps a copy of every frame it sees, and in which phase (the leg's clock) it saw it. */
    static class Observer implements dev.gateway.media.audio.AudioWriter {
        final List<short[]> frames = new ArrayList<>();
        final String name;
        boolean closed;

        Observer(String name) {
            this.name = name;
        }

        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public void write(short[] pcm, int off, int len) {
            frames.add(Arrays.copyOfRange(pcm, off, off + len));
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @Test
    void theDownlinkTapSeesExactlyWhatIsSentToThePhoneAndNothingBefore() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = media(leg);
        Observer heard = new Observer("record");
        media.addDownlinkTap(heard);
        // room frames 1..: held while ringing (5 ticks), then played from the first one after the answer
        media.attachDownlink(new Script(t -> 1 + t));
        run(media, leg, T0, 5);
        assertEquals(0, heard.frames.size(), "nothing is sent before the answer, so nothing is observed");
        media.answer();
        run(media, leg, T0 + 5 * TICK, 10);
        assertEquals(10, leg.sent.size());
        assertEquals(leg.sent.size(), heard.frames.size());
        for (int i = 0; i < leg.sent.size(); i++) {
            assertArrayEquals(leg.sent.get(i), heard.frames.get(i), "frame " + i + " is the one sent");
        }
        assertEquals(128, heard.frames.get(0)[0], "after the hold: the first held frame");
        assertEquals("phone PCMU/8000 -> jitter(20..100ms) -> g711(PCMU) -> (no uplink) | mix(script) -> hold(3000ms) "
                + "-> tap[record] -> g711(PCMU) -> rtp -> udp", media.pipeline());

        assertTrue(media.removeDownlinkTap(heard));
        assertFalse(media.removeDownlinkTap(heard));
        run(media, leg, T0 + 15 * TICK, 3);
        assertEquals(10, heard.frames.size(), "a removed tap sees no more frames");
        assertEquals(13, leg.sent.size());
        assertFalse(heard.closed, "removing does not close");
    }

    @Test
    void theDownlinkTapRunsInThePacePhaseBeforeTheUplinkTaps() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = media(leg);
        List<String> order = new ArrayList<>();
        Observer down = new Observer("down") {
            @Override
            public void write(short[] pcm, int off, int len) {
                order.add("down");
            }
        };
        Observer up = new Observer("up") {
            @Override
            public void write(short[] pcm, int off, int len) {
                order.add("up");
            }
        };
        media.addDownlinkTap(down);
        media.addTap(up);
        media.answer();
        run(media, leg, T0, 2);
        assertEquals(List.of("down", "up", "down", "up"), order);
        assertTrue(media.removeTap(up));
        media.close();
        assertTrue(down.closed, "closing the media closes the downlink tap's observers");
        assertFalse(up.closed, "a removed uplink observer is not closed with the media");
    }

    private static String withScript(CallMedia media) {
        media.attachDownlink(new Script(t -> 0));
        return media.pipeline();
    }

    @Test
    void roomAudioBeforeTheAnswerIsHeldThenPlayedAndTheDelayMeltsInThePause() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = media(leg);
        // ticks 0..9 silence (the agent has not spoken), 10..59 the greeting (voice 1..50), 60..99 a pause,
        // 100..119 more words (voice 201..220), then silence
        Script room = new Script(t -> t >= 10 && t < 60 ? t - 9 : t >= 100 && t < 120 ? 101 + t : 0);
        media.attachDownlink(room);
        run(media, leg, T0, 40); // rings for 800 ms: 30 greeting frames arrive
        assertEquals(0, leg.sent.size(), "nothing is sent before the answer");
        assertEquals(30, media.stats().backlogFrames(), "leading silence is not held");
        media.answer();
        run(media, leg, T0 + 40 * TICK, 200);
        List<Integer> voiced = new ArrayList<>();
        for (short[] f : leg.sent) {
            if (f[0] != 0) {
                voiced.add(f[0] / 128);
            }
        }
        List<Integer> expected = new ArrayList<>();
        for (int v = 1; v <= 50; v++) {
            expected.add(v);
        }
        for (int v = 201; v <= 220; v++) {
            expected.add(v);
        }
        assertEquals(expected, voiced, "every word from the first syllable, in order");
        assertEquals(128, leg.sent.get(0)[0], "the answer starts with the greeting's first frame");
        // the second phrase (room tick 100) is live again: its first frame is sent in room tick 100
        int at = indexOf(leg.sent, 201 * 128);
        assertEquals(100, 40 + at, "back to live after the first pause");
        CallMediaStats s = media.stats();
        assertEquals(0, s.backlogFrames());
        assertEquals(30, s.maxBacklogFrames());
        assertTrue(s.droppedSilent() >= 30, "the pause absorbed the backlog: " + s.droppedSilent());
    }

    private static int indexOf(List<short[]> frames, int value) {
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i)[0] == value) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void theHoldIsBounded() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = new CallMedia("c1", null, leg, 50, r -> { });
        media.attachDownlink(new Script(t -> 1 + t));
        run(media, leg, T0, 80);
        assertEquals(50, media.stats().backlogFrames());
        assertEquals(30, media.stats().holdOverflow());
        media.answer();
        run(media, leg, T0 + 80 * TICK, 1);
        assertEquals(31 * 128, leg.sent.get(0)[0], "the oldest 600 ms went");
    }

    @Test
    void aFailingStageEndsThisCallsMediaNotTheTick() {
        FakeLeg leg = new FakeLeg();
        List<String> failures = new ArrayList<>();
        CallMedia media = new CallMedia("c1", null, leg, 150, failures::add);
        media.answer();
        media.attachDownlink((now, out, off) -> {
            throw new IllegalStateException("decoder closed");
        });
        run(media, leg, T0, 5);
        assertTrue(media.failed());
        assertEquals(List.of("downlink media failed: java.lang.IllegalStateException: decoder closed"), failures);
        assertEquals(0, leg.sent.size());
    }

    // ---- with a real jitter play-out behind the mix ----

    /** G.711 packets whose 160 bytes all carry one code, so each frame on the phone names its packet. */
    private static ByteBuf packetFor(int seq) {
        byte[] payload = new byte[N];
        Arrays.fill(payload, (byte) (0x80 + (seq & 0x3F))); // 64 distinct loud μ-law codes
        return Unpooled.wrappedBuffer(payload);
    }

    private static int seqOf(short sample) {
        for (int c = 0; c < 64; c++) {
            if (G711.PCMU.decode((byte) (0x80 + c)) == sample) {
                return c;
            }
        }
        return -1;
    }

    @Test
    void regularArrivalsAtAnyPhaseReachThePhoneWithin30MsAndNeverSlip() {
        for (long phaseMicros = 0; phaseMicros < 20_000; phaseMicros += 1_250) {
            FakeLeg leg = new FakeLeg();
            CallMedia media = media(leg);
            media.answer();
            JitterPlayout track = new JitterPlayout(new G711PayloadDecoder(G711.PCMU, 1500), 10, 100, 1500);
            media.attachDownlink(track);
            long firstArrival = T0 + phaseMicros * 1000;
            int packets = 500;
            long[] arrival = new long[packets];
            int next = 0;
            for (int tick = 0; tick < packets + 5; tick++) {
                long now = T0 + tick * TICK;
                while (next < packets && firstArrival + next * TICK <= now) {
                    arrival[next] = firstArrival + next * TICK;
                    ByteBuf p = packetFor(next);
                    track.push(next, next * 160L, p, 0, N, arrival[next]);
                    p.release();
                    next++;
                }
                leg.now = now;
                media.pace(now);
                media.tick(now);
                if (next == packets && !leg.sent.isEmpty()
                        && seqOf(leg.sent.get(leg.sent.size() - 1)[0]) == ((packets - 1) & 0x3F)) {
                    break; // the last packet is out; what follows is the end of the stream, concealed
                }
            }
            int expectedSeq = -1;
            long maxLatency = 0;
            int sentSeq = 0;
            for (int i = 0; i < leg.sent.size(); i++) {
                int code = seqOf(leg.sent.get(i)[0]);
                if (leg.sent.get(i)[0] == 0 || code < 0) {
                    assertTrue(expectedSeq < 0 || sentSeq == packets, "a gap after playing started: phase "
                            + phaseMicros + " us, frame " + i);
                    continue;
                }
                if (expectedSeq >= 0) {
                    assertEquals(expectedSeq & 0x3F, code, "slip at phase " + phaseMicros + " us, frame " + i);
                }
                maxLatency = Math.max(maxLatency, leg.sentAt.get(i) - arrival[sentSeq]);
                expectedSeq = code + 1;
                sentSeq++;
            }
            assertEquals(packets, sentSeq, "every packet played once, phase " + phaseMicros + " us");
            assertEquals(0, track.concealed(), "concealed at phase " + phaseMicros + " us, " + track.stats());
            assertTrue(maxLatency <= 30 * MS, "latency " + maxLatency / 1e6 + " ms at phase " + phaseMicros + " us");
        }
    }

    @Test
    void aRoomTrackThatMutesAndComesBackPlaysOnWithoutAnException() {
        FakeLeg leg = new FakeLeg();
        CallMedia media = media(leg); // the failure handler throws: any exception fails the test
        media.answer();
        JitterPlayout track = new JitterPlayout(new OpusPayloadDecoder(8000), 10, 100, 1500);
        media.attachDownlink(track);
        byte[] opus = new byte[400];
        short[] tone = new short[N];
        for (int i = 0; i < N; i++) {
            tone[i] = (short) (8000 * Math.sin(2 * Math.PI * 440 * i / 8000));
        }
        int length;
        try (OpusEncoder enc = new OpusEncoder(8000, 32_000, 3, false, 0)) {
            length = enc.encode(tone, 0, N, opus, 0, opus.length);
        }
        ByteBuf p = Unpooled.wrappedBuffer(opus, 0, length);
        long ts = 0;
        int seq = 0;
        int tick = 0;
        for (; tick < 300; tick++) {
            long now = T0 + tick * TICK;
            boolean muted = tick >= 100 && tick < 150;
            if (!muted) {
                track.push(seq & 0xFFFF, ts, p, 0, length, now + 3 * MS);
            }
            seq++;
            ts += tick == 149 ? 1116 : 960; // the SFU's timestamps around a mute are not whole frames
            leg.now = now;
            media.pace(now + 3 * MS + 20 * MS);
            media.tick(now);
        }
        p.release();
        assertFalse(media.failed());
        assertTrue(track.concealed() > 0, "the mute was concealed, then went idle");
        assertTrue(media.stats().downlinkAudio() >= 240, "audio before and after: " + media.stats().downlinkAudio());
        track.close();
    }
}
