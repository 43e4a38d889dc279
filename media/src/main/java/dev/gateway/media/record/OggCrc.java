package dev.gateway.media.record;

/**
 * The Ogg page checksum (RFC 3533 §6, "CRC_checksum"): CRC-32 with generator polynomial 0x04C11DB7, initial value
 * 0, no reflection of input or output, no final XOR, computed over the whole page with its checksum field set to
 * zero. (Not the zlib/Ethernet CRC-32, which reflects and XORs.) Check value of ASCII "123456789": 0x89A1897F.
 *
 * <p>Stateless and thread-safe; the table is built once.
 */
final class OggCrc {
    private static final int POLY = 0x04C11DB7;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int bit = 0; bit < 8; bit++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ POLY : r << 1;
            }
            TABLE[i] = r;
        }
    }

    private OggCrc() {
    }

    /** Continues {@code crc} over {@code data[off, off + len)}; start with 0. */
    static int update(int crc, byte[] data, int off, int len) {
        int c = crc;
        for (int i = off; i < off + len; i++) {
            c = (c << 8) ^ TABLE[((c >>> 24) ^ data[i]) & 0xFF];
        }
        return c;
    }

    static int of(byte[] data, int off, int len) {
        return update(0, data, off, len);
    }
}
