package dev.gateway.media.record;

import java.util.ArrayList;
import java.util.List;

/** A test-side Ogg reader (RFC 3533): splits a file into pages and their packets, checking only the framing. */
final class OggPages {

    record Page(int offset, int length, int headerType, long granule, int serial, int sequence, int storedCrc,
                List<byte[]> packets) {
        boolean bos() {
            return (headerType & 0x02) != 0;
        }

        boolean eos() {
            return (headerType & 0x04) != 0;
        }
    }

    private OggPages() {
    }

    static List<Page> parse(byte[] file) {
        List<Page> pages = new ArrayList<>();
        int p = 0;
        while (p < file.length) {
            if (file[p] != 'O' || file[p + 1] != 'g' || file[p + 2] != 'g' || file[p + 3] != 'S') {
                throw new IllegalArgumentException("no capture pattern at " + p);
            }
            int segments = file[p + 26] & 0xFF;
            int body = p + 27 + segments;
            List<byte[]> packets = new ArrayList<>();
            int start = body;
            int len = 0;
            for (int i = 0; i < segments; i++) {
                int lace = file[p + 27 + i] & 0xFF;
                len += lace;
                if (lace < 255) {
                    packets.add(java.util.Arrays.copyOfRange(file, start, start + len));
                    start += len;
                    len = 0;
                }
            }
            int end = start + len;
            pages.add(new Page(p, end - p, file[p + 5] & 0xFF, le64(file, p + 6), le32(file, p + 14),
                    le32(file, p + 18), le32(file, p + 22), packets));
            p = end;
        }
        return pages;
    }

    /** The CRC of a page computed with its checksum field zeroed. */
    static int crcOf(byte[] file, Page page) {
        byte[] copy = java.util.Arrays.copyOfRange(file, page.offset(), page.offset() + page.length());
        copy[22] = copy[23] = copy[24] = copy[25] = 0;
        return OggCrc.of(copy, 0, copy.length);
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }

    static int le16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static long le64(byte[] b, int off) {
        return (le32(b, off) & 0xFFFFFFFFL) | ((long) le32(b, off + 4)) << 32;
    }
}
