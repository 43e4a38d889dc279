package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * CRC32c (Castagnoli, reflected polynomial 0x82F63B78), the SCTP checksum of RFC 4960 §6.8 and Appendix B
 * (originally RFC 3309). Table-driven, one byte per step.
 *
 * <p>SCTP computes it over the whole packet with the checksum field set to zero and stores the result in
 * little-endian byte order (the "reflected" order of Appendix B), which is what {@link SctpPacketCodec} does.
 *
 * <p>Static and thread-safe; the table is built once.
 */
public final class Crc32c {

    private static final int POLYNOMIAL_REFLECTED = 0x82F63B78;
    private static final int[] TABLE = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int crc = i;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 1) != 0 ? (crc >>> 1) ^ POLYNOMIAL_REFLECTED : crc >>> 1;
            }
            TABLE[i] = crc;
        }
    }

    private Crc32c() {
    }

    /** CRC32c of {@code len} bytes of {@code data} from {@code off}. */
    public static int compute(byte[] data, int off, int len) {
        int crc = 0xFFFFFFFF;
        for (int i = off, end = off + len; i < end; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]) & 0xFF];
        }
        return ~crc;
    }

    /**
     * CRC32c of {@code len} bytes from {@code off} as if the four bytes at {@code zeroedAt} (absolute index) were
     * zero: how a received SCTP packet is checked without copying it.
     */
    public static int computeWithZeroedField(byte[] data, int off, int len, int zeroedAt) {
        int crc = 0xFFFFFFFF;
        for (int i = off, end = off + len; i < end; i++) {
            int b = i >= zeroedAt && i < zeroedAt + 4 ? 0 : data[i];
            crc = (crc >>> 8) ^ TABLE[(crc ^ b) & 0xFF];
        }
        return ~crc;
    }

    /** CRC32c of the readable bytes of {@code buf}; does not move its indexes. */
    public static int compute(ByteBuf buf) {
        int crc = 0xFFFFFFFF;
        for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
            crc = (crc >>> 8) ^ TABLE[(crc ^ buf.getByte(i)) & 0xFF];
        }
        return ~crc;
    }
}
