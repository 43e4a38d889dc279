package dev.gateway.media.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;

/**
 * RIFF WAVE, PCM, 2 channels, 8000 Hz, 16 bits, little-endian samples interleaved left/right.
 *
 * <pre>
 *  0 "RIFF" | 4 riff size (u32) = 36 + data bytes | 8 "WAVE"
 * 12 "fmt " | 16 16 (u32) | 20 format 1 (u16) | 22 channels 2 | 24 rate 8000 (u32) | 28 bytes/s 32000 (u32)
 *    | 32 block align 4 (u16) | 34 bits 16 (u16)
 * 36 "data" | 40 data bytes (u32) | 44 samples...
 * </pre>
 *
 * The two sizes are written as 0 first and patched by {@link #finish()} (a file cut short by a crash still has
 * its audio; tools then read to the end). The data chunk is capped below 4 GiB: frames past the cap are refused
 * with an {@link IOException}, which ends the recording as incomplete.
 *
 * <p>Confined to one writer thread. Allocates its buffer once.
 */
final class WavFile implements RecordingFile {
    static final int HEADER_BYTES = 44;
    private static final int BYTES_PER_FRAME = 2 * 2 * FRAME_SAMPLES;
    private static final long MAX_DATA = 0xFFFF_FFFFL - 36 - BYTES_PER_FRAME;

    private final FileChannel out;
    /** Frames are gathered here and written about once a second (25 frames, 32,000 bytes). */
    private final ByteBuffer buffer = ByteBuffer.allocate(25 * BYTES_PER_FRAME).order(ByteOrder.LITTLE_ENDIAN);
    private long dataBytes;

    WavFile(FileChannel out) {
        this.out = out;
    }

    @Override
    public void begin() throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        h.put(ascii("RIFF")).putInt(0).put(ascii("WAVE"));
        h.put(ascii("fmt ")).putInt(16).putShort((short) 1).putShort((short) 2).putInt(8000).putInt(8000 * 4)
                .putShort((short) 4).putShort((short) 16);
        h.put(ascii("data")).putInt(0);
        writeFully(h.flip());
    }

    @Override
    public void write(short[] stereo) throws IOException {
        if (dataBytes > MAX_DATA) {
            throw new IOException("WAV file reached its 4 GiB limit");
        }
        if (buffer.remaining() < BYTES_PER_FRAME) {
            flush();
        }
        for (int i = 0; i < 2 * FRAME_SAMPLES; i++) {
            buffer.putShort(stereo[i]);
        }
        dataBytes += BYTES_PER_FRAME;
    }

    private void flush() throws IOException {
        writeFully(buffer.flip());
        buffer.clear();
    }

    @Override
    public void finish() throws IOException {
        flush();
        ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        out.write(size.putInt(0, (int) (36 + dataBytes)), 4);
        out.write(size.clear().putInt(0, (int) dataBytes), 40);
    }

    @Override
    public void release() {
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "wav(pcm16 stereo 8k)";
    }
}
