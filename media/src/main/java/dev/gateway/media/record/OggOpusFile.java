package dev.gateway.media.record;

import dev.gateway.media.opus.LibOpus;
import dev.gateway.media.opus.OpusEncoder;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Ogg Opus (RFC 7845): stereo Opus at 8 kHz input in an {@link OggStream}.
 *
 * <ul>
 *   <li>page 0: OpusHead (2 channels, input rate 8000, pre-skip = the encoder's lookahead at 48 kHz: 52 x 6 = 312
 *       with libopus 1.1), BOS; page 1: OpusTags;</li>
 *   <li>then one 20 ms packet per frame, a page per second ({@value #PACKETS_PER_PAGE} packets); a packet's
 *       granule position is the 48 kHz samples decoded so far (960 per packet, pre-skip included);</li>
 *   <li>at the end one more packet of silence pushes the last real samples out of the encoder's lookahead, and the
 *       last page (EOS) carries granule = pre-skip + 960 x frames, so a player trims the end to exactly the frames
 *       written (RFC 7845 §4.4).</li>
 * </ul>
 *
 * Encoder: CELT only ({@code OPUS_APPLICATION_RESTRICTED_LOWDELAY}), {@value #BITRATE} bit/s (6 KB/s), complexity
 * {@value #COMPLEXITY}, both channels always coded (the two sides of a call are unrelated signals). CELT is a
 * transform coder that keeps the waveform: a voiced speech-like signal comes back with correlation 0.995 to its
 * source (RecordingServiceTest, libopus 1.1.2), where SILK, Opus's speech coder, gave 0.82 at the same bitrate
 * (0.80 at 64 kbit/s: SILK at 8 kHz models speech, it does not follow the waveform). It costs about 51 us of a
 * writer's CPU per 20 ms frame (RecorderTapBenchmark, load average 2.8 on 2 cores), as SILK did at complexity 3:
 * one writer thread keeps up with about 350 recorded calls.
 *
 * <p>Confined to one writer thread. Allocates its buffers once.
 */
final class OggOpusFile implements RecordingFile {
    static final int BITRATE = 48_000;
    static final int COMPLEXITY = 3;
    static final int PACKETS_PER_PAGE = 50;
    private static final int GRANULE_PER_FRAME = 960;

    private final WritableByteChannel out;
    private final OggStream ogg;
    private final OpusEncoder encoder;
    private final byte[] packet = new byte[OpusEncoder.MAX_PACKET_BYTES];
    private final short[] silence = new short[2 * FRAME_SAMPLES];
    private final int preSkip;
    private long frames;

    OggOpusFile(WritableByteChannel out) {
        this(out, COMPLEXITY);
    }

    /** With another encoder complexity, 0..10 (the benchmark compares them). */
    OggOpusFile(WritableByteChannel out, int complexity) {
        this.out = out;
        this.ogg = new OggStream(out, ThreadLocalRandom.current().nextInt());
        this.encoder = new OpusEncoder(8000, 2, BITRATE, complexity, false, 0, true); // CELT: keeps the waveform
        this.preSkip = encoder.lookahead() * (48000 / 8000);
    }

    int preSkip() {
        return preSkip;
    }

    @Override
    public void begin() throws IOException {
        byte[] head = OpusHeaders.head(2, preSkip, 8000);
        ogg.packet(head, 0, head.length, 0);
        ogg.flush();
        byte[] tags = OpusHeaders.tags(LibOpus.versionString(), "ENCODER=gateway call recorder");
        ogg.packet(tags, 0, tags.length, 0);
        ogg.flush();
    }

    @Override
    public void write(short[] stereo) throws IOException {
        encode(stereo, (frames + 1) * GRANULE_PER_FRAME);
        frames++;
    }

    private void encode(short[] stereo, long granule) throws IOException {
        int n = encoder.encode(stereo, 0, FRAME_SAMPLES, packet, 0, packet.length);
        ogg.packet(packet, 0, n, granule);
        if (ogg.pendingPackets() >= PACKETS_PER_PAGE) {
            ogg.flush();
        }
    }

    @Override
    public void finish() throws IOException {
        encode(silence, (frames + 1) * GRANULE_PER_FRAME);
        ogg.end(preSkip + frames * GRANULE_PER_FRAME);
    }

    @Override
    public void release() {
        encoder.close();
    }

    @Override
    public String toString() {
        return "ogg(opus stereo 8k, " + BITRATE / 1000 + "kbit/s) -> " + out;
    }
}
