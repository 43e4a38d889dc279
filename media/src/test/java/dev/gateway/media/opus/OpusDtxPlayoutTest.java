package dev.gateway.media.opus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.jitter.JitterPlayout;
import dev.gateway.media.jitter.PayloadDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Speech, a second of silence, speech, encoded by our {@link OpusEncoder} with DTX on and sent as a WebRTC sender
 * does (the first DTX packet of a run, none after it until the encoder's next real frame), played out by a
 * {@link JitterPlayout} on a 20 ms tick: once with {@link OpusPayloadDecoder}, once with a decoder that runs libopus
 * for everything (the old behaviour), and compared.
 */
class OpusDtxPlayoutTest {
    private static final int RATE = 8000;
    private static final int FRAME = 160;
    private static final long TICK = 20_000_000L;

    /** A voiced, speech-like 8 kHz signal: a 140 Hz harmonic series under a 4 Hz syllable envelope. */
    private static short[] speech(int frames, int phase) {
        short[] s = new short[frames * FRAME];
        for (int i = 0; i < s.length; i++) {
            double t = (i + phase) / (double) RATE;
            double v = 0;
            for (int h = 1; h <= 12; h++) {
                v += Math.sin(2 * Math.PI * 140 * h * t + h) / h;
            }
            double envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
            s[i] = (short) (6000 * envelope * v);
        }
        return s;
    }

    /** One sent packet: its RTP sequence number, timestamp (48 kHz), the frame slot it was sent in, its bytes. */
    private record Sent(int seq, long ts, int slot, byte[] payload) {
    }

    private static final int SPEECH_FRAMES = 50;
    private static final int SILENCE_FRAMES = 50;

    /** 1 s speech, 1 s digital silence, 1 s speech, DTX on, as a WebRTC sender transmits it. */
    private static List<Sent> send(List<Integer> sizes) {
        short[] pcm = new short[(2 * SPEECH_FRAMES + SILENCE_FRAMES) * FRAME];
        System.arraycopy(speech(SPEECH_FRAMES, 0), 0, pcm, 0, SPEECH_FRAMES * FRAME);
        System.arraycopy(speech(SPEECH_FRAMES, 777), 0, pcm, (SPEECH_FRAMES + SILENCE_FRAMES) * FRAME,
                SPEECH_FRAMES * FRAME);
        List<Sent> sent = new ArrayList<>();
        try (OpusEncoder encoder = new OpusEncoder(RATE, 24000, 5, false, 0)) {
            encoder.set(LibOpus.OPUS_SET_DTX_REQUEST, 1);
            byte[] out = new byte[1500];
            boolean inDtx = false;
            int seq = 1000;
            for (int slot = 0; slot < pcm.length / FRAME; slot++) {
                int n = encoder.encode(pcm, slot * FRAME, FRAME, out, 0, out.length);
                sizes.add(n);
                boolean dtx = OpusToc.carriesNoAudio(n);
                if (dtx && inDtx) {
                    continue; // WebRTC sends only the first DTX packet of a run
                }
                inDtx = dtx;
                sent.add(new Sent(seq++, slot * 960L, slot, Arrays.copyOf(out, n)));
            }
        }
        return sent;
    }

    /** Plays {@code sent} out on the tick: one read per 20 ms slot, packets pushed as their slot begins. */
    private static short[] play(List<Sent> sent, PayloadDecoder decoder, int slots) {
        short[] heard = new short[slots * FRAME];
        try (JitterPlayout playout = new JitterPlayout(decoder, 10, 200, 1500)) {
            int next = 0;
            for (int slot = 0; slot < slots; slot++) {
                long now = slot * TICK;
                while (next < sent.size() && sent.get(next).slot() == slot) {
                    Sent p = sent.get(next++);
                    ByteBuf buf = Unpooled.wrappedBuffer(p.payload());
                    playout.push(p.seq(), p.ts(), buf, 0, p.payload().length, now);
                    buf.release();
                }
                playout.read(now + TICK / 2, heard, slot * FRAME);
            }
        }
        return heard;
    }

    /** The old play-out: libopus for every packet and every concealment. */
    private static final class LibopusOnly implements PayloadDecoder {
        private final OpusDecoder decoder = new OpusDecoder(RATE);
        int calls;

        @Override
        public int clockRate() {
            return 48000;
        }

        @Override
        public int sampleRate() {
            return RATE;
        }

        @Override
        public int maxSamples() {
            return 960;
        }

        @Override
        public int decode(byte[] payload, int length, short[] out, int off) {
            calls++;
            return decoder.decode(payload, 0, length, out, off, 960);
        }

        @Override
        public int conceal(int samples, short[] out, int off) {
            calls++;
            return decoder.conceal(null, 0, 0, out, off, OpusPayloadDecoder.concealable(samples, 20, 960));
        }

        @Override
        public void close() {
            decoder.close();
        }
    }

    private static double rms(short[] s, int from, int to) {
        double e = 0;
        for (int i = from; i < to; i++) {
            e += (double) s[i] * s[i];
        }
        return Math.sqrt(e / Math.max(1, to - from));
    }

    @Test
    void dtxSilenceCostsNoDecodeAndSpeechResumesWhole() {
        List<Integer> sizes = new ArrayList<>();
        List<Sent> sent = send(sizes);
        int slots = 2 * SPEECH_FRAMES + SILENCE_FRAMES; // to the last packet: no losses after it
        long dtxPackets = sizes.stream().filter(OpusToc::carriesNoAudio).count();
        assertTrue(dtxPackets >= 20, "DTX on: most of the silent second is 1-2 byte packets, sizes " + sizes);

        OpusPayloadDecoder gated = new OpusPayloadDecoder(RATE);
        short[] heard = play(sent, gated, slots);
        LibopusOnly old = new LibopusOnly();
        short[] reference = play(sent, old, slots);

        long audioPackets = sent.stream().filter(p -> !OpusToc.carriesNoAudio(p.payload().length)).count();
        assertEquals(audioPackets, gated.decodedFrames(), "libopus runs for the packets that carry audio only");
        assertTrue(gated.skippedFrames() >= 10, "DTX packets and the pause after them: " + gated.skippedFrames());
        assertEquals(0, gated.concealedFrames(), "no loss, so no libopus concealment; sizes " + sizes);
        assertTrue(old.calls > gated.decodedFrames() + gated.skippedFrames() / 2,
                "the old play-out ran libopus " + old.calls + " times, ours " + gated.decodedFrames());

        // the silence after the first DTX packet is exact zeros (no comfort noise, no burst)
        int firstDtxSlot = sent.stream().filter(p -> OpusToc.carriesNoAudio(p.payload().length))
                .mapToInt(Sent::slot).min().orElseThrow();
        int resumeSlot = SPEECH_FRAMES + SILENCE_FRAMES;
        short[] pause = Arrays.copyOfRange(heard, (firstDtxSlot + 2) * FRAME, (resumeSlot - 1) * FRAME);
        short[] zeros = new short[pause.length];
        // comfort-noise updates (a real frame every 400 ms) are decoded: allow their slots, nothing else
        for (Sent p : sent) {
            if (p.slot() > firstDtxSlot && p.slot() < resumeSlot && !OpusToc.carriesNoAudio(p.payload().length)) {
                for (int s = p.slot(); s <= p.slot() + 1; s++) {
                    int from = (s - firstDtxSlot - 2) * FRAME;
                    if (from >= 0 && from < pause.length) {
                        Arrays.fill(pause, from, Math.min(pause.length, from + FRAME), (short) 0);
                    }
                }
            }
        }
        assertArrayEquals(zeros, pause, "DTX silence plays as zeros");
        assertTrue(rms(heard, (firstDtxSlot + 2) * FRAME, (resumeSlot - 1) * FRAME) < 50, "no noise burst");

        // the first 20 ms of the resumed speech are not clipped: as loud as the old play-out's, and as the input
        short[] input = speech(SPEECH_FRAMES, 777);
        for (int k = 0; k < 3; k++) {
            int slot = resumeSlot + k + 1; // the play-out runs one slot behind the sender (10 ms start delay)
            double ours = rms(heard, slot * FRAME, (slot + 1) * FRAME);
            double theirs = rms(reference, slot * FRAME, (slot + 1) * FRAME);
            double original = rms(input, k * FRAME, (k + 1) * FRAME);
            assertTrue(ours > 0.6 * theirs && ours < 1.5 * theirs + 50, "resumed frame " + k + ": rms " + ours
                    + ", old play-out " + theirs);
            assertTrue(ours > 0.5 * original, "resumed frame " + k + ": rms " + ours + ", input " + original);
        }
    }

    @Test
    void emptyAndTocOnlyPacketsAreSilenceOfTheirDuration() {
        try (OpusPayloadDecoder decoder = new OpusPayloadDecoder(RATE)) {
            short[] out = new short[960];
            Arrays.fill(out, (short) 7);
            assertEquals(160, decoder.decode(new byte[] {(byte) (9 << 3)}, 1, out, 0), "SILK NB 20 ms, code 0");
            assertEquals(0, out[159]);
            assertEquals(7, out[160]);
            assertEquals(960, decoder.decode(new byte[] {(byte) (11 << 3 | 1), 0}, 2, out, 0), "code 1: 2 x 60 ms");
            assertEquals(160, decoder.decode(new byte[0], 0, out, 0), "empty: one 20 ms frame");
            assertEquals(0, decoder.decodedFrames());
            assertEquals(3, decoder.skippedFrames());
            assertEquals(180, decoder.conceal(186, out, 0), "concealment after DTX: silence, rounded as libopus");
            assertEquals(4, decoder.skippedFrames());
        }
    }

    @Test
    void aPacketLibopusRefusesIsCountedSilenceAndTheTrackPlaysOn() {
        byte[] speech = new byte[400];
        int length;
        try (OpusEncoder encoder = new OpusEncoder(RATE, 24000, 5, false, 0)) {
            length = encoder.encode(speech(1, 0), 0, FRAME, speech, 0, speech.length);
        }
        try (OpusPayloadDecoder decoder = new OpusPayloadDecoder(RATE)) {
            short[] out = new short[960];
            Arrays.fill(out, (short) 7);
            // code 3 (RFC 6716 §3.2.5) announcing M = 0 frames: invalid, libopus answers OPUS_INVALID_PACKET
            byte[] corrupt = {(byte) (1 << 3 | 3), 0, 0};
            assertEquals(160, decoder.decode(corrupt, corrupt.length, out, 0));
            assertArrayEquals(new short[160], Arrays.copyOf(out, 160));
            assertEquals(1, decoder.invalidFrames());
            assertEquals(0, decoder.skippedFrames());
            assertEquals(160, decoder.decode(speech, length, out, 0), "the next packet decodes");
            assertEquals(1, decoder.decodedFrames());
        }
    }
}
