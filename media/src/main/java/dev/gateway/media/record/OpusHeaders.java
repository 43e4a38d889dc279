package dev.gateway.media.record;

import java.nio.charset.StandardCharsets;

/**
 * The two header packets of an Ogg Opus stream (RFC 7845 §5), each on a page of its own.
 *
 * <pre>
 * OpusHead (19 bytes, channel mapping family 0):
 *   "OpusHead" | version=1 | channels | pre-skip (u16 LE, 48 kHz samples) | input rate (u32 LE, Hz)
 *   | output gain (s16 LE, Q7.8 dB) = 0 | mapping family = 0
 * OpusTags:
 *   "OpusTags" | vendor length (u32 LE) | vendor (UTF-8) | comment count (u32 LE) | { length (u32 LE) | comment }
 * </pre>
 *
 * Stateless.
 */
final class OpusHeaders {
    private OpusHeaders() {
    }

    static byte[] head(int channels, int preSkip, int inputSampleRate) {
        if (channels < 1 || channels > 2) {
            throw new IllegalArgumentException("mapping family 0 carries 1 or 2 channels, got " + channels);
        }
        if (preSkip < 0 || preSkip > 0xFFFF) {
            throw new IllegalArgumentException("pre-skip must be 0..65535, got " + preSkip);
        }
        byte[] b = new byte[19];
        ascii(b, 0, "OpusHead");
        b[8] = 1;
        b[9] = (byte) channels;
        b[10] = (byte) preSkip;
        b[11] = (byte) (preSkip >>> 8);
        OggStream.putInt(b, 12, inputSampleRate);
        // 16-17 output gain 0, 18 mapping family 0
        return b;
    }

    /** OpusTags with the vendor string and the given {@code KEY=value} comments. */
    static byte[] tags(String vendor, String... comments) {
        byte[] v = vendor.getBytes(StandardCharsets.UTF_8);
        byte[][] c = new byte[comments.length][];
        int size = 8 + 4 + v.length + 4;
        for (int i = 0; i < comments.length; i++) {
            c[i] = comments[i].getBytes(StandardCharsets.UTF_8);
            size += 4 + c[i].length;
        }
        byte[] b = new byte[size];
        ascii(b, 0, "OpusTags");
        int p = 8;
        OggStream.putInt(b, p, v.length);
        System.arraycopy(v, 0, b, p + 4, v.length);
        p += 4 + v.length;
        OggStream.putInt(b, p, c.length);
        p += 4;
        for (byte[] comment : c) {
            OggStream.putInt(b, p, comment.length);
            System.arraycopy(comment, 0, b, p + 4, comment.length);
            p += 4 + comment.length;
        }
        return b;
    }

    private static void ascii(byte[] b, int off, String s) {
        for (int i = 0; i < s.length(); i++) {
            b[off + i] = (byte) s.charAt(i);
        }
    }
}
