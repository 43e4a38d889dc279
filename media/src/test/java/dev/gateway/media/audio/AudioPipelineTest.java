package dev.gateway.media.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gateway.media.g711.G711;
import dev.gateway.media.g711.G711Writer;
import dev.gateway.media.resample.ResampleWriter;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The stages of media's audio pipeline: what they hand on, what they count, how they print. */
class AudioPipelineTest {

    /** Keeps the last payload it was given (copied: the writer's array is scratch). */
    static final class Payloads implements EncodedWriter {
        byte[] last = new byte[0];
        int lastSamples;
        int count;
        boolean closed;

        @Override
        public void writeEncoded(byte[] payload, int off, int len, int mediaSamples) {
            last = Arrays.copyOfRange(payload, off, off + len);
            lastSamples = mediaSamples;
            count++;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String toString() {
            return "sink";
        }
    }

    /** Keeps a copy of the last frame. */
    static final class Frames extends AudioStage {
        short[] last = new short[0];

        Frames(String name, int rate) {
            super(name, rate, null);
        }

        @Override
        protected void process(short[] pcm, int off, int len) {
            last = Arrays.copyOfRange(pcm, off, off + len);
        }
    }

    @Test
    void g711WriterEncodesWithTheItuCodesAndPrintsItsLaw() {
        Payloads sink = new Payloads();
        G711Writer writer = new G711Writer(G711.PCMU, 480, sink);
        // G.711 μ-law: full scale positive -> 0x80, negative -> 0x00, zero -> 0xFF (the values G711Test checks)
        writer.write(new short[] {5, Short.MAX_VALUE, Short.MIN_VALUE, 0, 7}, 1, 3);
        assertArrayEquals(new byte[] {(byte) 0x80, 0x00, (byte) 0xFF}, sink.last);
        assertEquals(3, sink.lastSamples);
        assertEquals("g711(PCMU) -> sink", writer.toString());
        writer.codec(G711.PCMA);
        writer.write(new short[] {Short.MAX_VALUE}, 0, 1);
        assertArrayEquals(new byte[] {(byte) 0xAA}, sink.last, "A-law full scale");
        assertEquals(new AudioStageStats("g711", 2, 4, writer.stats().nanos()), writer.stats());
        writer.close();
        assertEquals(true, sink.closed, "close reaches the next stage");
    }

    @Test
    void tapShowsEachFrameToItsObserversAndPassesItOnUnchanged() {
        Frames next = new Frames("next", 8000);
        TapWriter tap = new TapWriter(next);
        LevelMeter level = new LevelMeter(8000);
        Frames recorder = new Frames("rec", 8000);
        tap.add(level);
        tap.add(recorder);
        short[] square = new short[160];
        for (int i = 0; i < square.length; i++) {
            square[i] = (short) (i % 2 == 0 ? 3277 : -3277); // 0.1 of full scale: -20 dBov
        }
        tap.write(square, 0, 160);
        assertArrayEquals(square, next.last);
        assertArrayEquals(square, recorder.last);
        assertEquals(20, level.level());
        assertEquals(1, level.voicedFrames());
        tap.write(new short[160], 0, 160);
        assertEquals(AudioLevel.SILENCE, level.level());
        assertEquals("tap[level,rec] -> next", tap.toString());
        assertThrows(IllegalArgumentException.class, () -> tap.add(new LevelMeter(48000)));
    }

    @Test
    void audioLevelFollowsRfc6464() {
        short[] full = new short[160];
        Arrays.fill(full, Short.MAX_VALUE);
        assertEquals(0, AudioLevel.of(full, 0, 160), "full scale is 0 dBov");
        short[] quiet = new short[160];
        Arrays.fill(quiet, (short) 33); // ~ -60 dBov
        assertEquals(60, AudioLevel.of(quiet, 0, 160));
        assertEquals(false, AudioLevel.isVoice(60));
        assertEquals(true, AudioLevel.isVoice(49));
    }

    @Test
    void aResamplerIsInsertedOnlyWhereTwoRatesMeet() {
        Frames wide = new Frames("wide", 48000);
        Frames narrow = new Frames("narrow", 8000);
        assertSame(narrow, ResampleWriter.between(8000, narrow));
        AudioWriter up = ResampleWriter.between(8000, wide);
        assertEquals("resample(8000->48000) -> wide", up.toString());
        assertEquals(8000, up.sampleRate());
        up.write(new short[160], 0, 160);
        assertEquals(960, wide.last.length, "20 ms at 48 kHz");
    }
}
