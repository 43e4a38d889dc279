package dev.gateway.media.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * One logical Ogg bitstream (RFC 3533): packets in, pages out to a channel. Packets are collected into the current
 * page until it is flushed (by the caller, e.g. once a second) or its segment table is full; a packet never spans
 * two pages here, so the "continued" flag is never set.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | capture_pattern: "OggS"                                       |  0
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | version = 0   | header_type   | granule_position (64, LE)     |  4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
 * |                                                               |  8
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | bitstream_serial_number (LE)  | 12
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | page_sequence_number (LE)     | 16
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | CRC_checksum (LE)             | 20
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                               | page_segments | segment_table | 24
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | ...   segment_table (page_segments lacing values), then the packets' bytes                             |
 * </pre>
 *
 * A packet of L bytes is laced as floor(L / 255) values of 255 and one of L mod 255 (0 when L is a multiple).
 * header_type: 0x01 continued packet, 0x02 first page (BOS), 0x04 last page (EOS). The granule position of a page
 * is that of the last packet completed on it (the codec's meaning; Opus: 48 kHz samples, RFC 7845 §4).
 *
 * <p>Confined to one thread (a recording's writer). Allocates its page buffer once; writing allocates nothing.
 */
final class OggStream {
    static final int HEADER_BYTES = 27;
    static final int MAX_SEGMENTS = 255;
    static final int MAX_BODY = MAX_SEGMENTS * 255;
    static final int FLAG_BOS = 0x02;
    static final int FLAG_EOS = 0x04;
    private static final int OFF_TYPE = 5;
    private static final int OFF_GRANULE = 6;
    private static final int OFF_SERIAL = 14;
    private static final int OFF_SEQUENCE = 18;
    private static final int OFF_CRC = 22;
    private static final int OFF_SEGMENTS = 26;

    private final WritableByteChannel out;
    private final int serial;
    /** Header, then the segment table, then the body; assembled in {@link #writePage}. */
    private final byte[] page = new byte[HEADER_BYTES + MAX_SEGMENTS + MAX_BODY];
    private final ByteBuffer pageBuffer = ByteBuffer.wrap(page);
    private final byte[] lacing = new byte[MAX_SEGMENTS];
    private final byte[] body = new byte[MAX_BODY];
    private int segments;
    private int bodyBytes;
    private int packets;
    private long granule;
    private int sequence;
    private boolean first = true;
    private boolean ended;
    private long bytesWritten;

    OggStream(WritableByteChannel out, int serial) {
        this.out = out;
        this.serial = serial;
    }

    /**
     * Adds one packet to the current page; the page is written first if the packet would not fit.
     *
     * @param granuleAfter the granule position once this packet is decoded
     * @throws IllegalArgumentException for a packet of 65,025 bytes or more (it would need a page of its own)
     */
    void packet(byte[] data, int off, int len, long granuleAfter) throws IOException {
        int need = len / 255 + 1;
        if (need > MAX_SEGMENTS) {
            throw new IllegalArgumentException("Ogg packet of " + len + " bytes is longer than one page");
        }
        if (ended) {
            throw new IllegalStateException("Ogg stream already ended");
        }
        if (segments + need > MAX_SEGMENTS) {
            writePage(0);
        }
        for (int i = 0; i < need - 1; i++) {
            lacing[segments++] = (byte) 255;
        }
        lacing[segments++] = (byte) (len % 255);
        System.arraycopy(data, off, body, bodyBytes, len);
        bodyBytes += len;
        packets++;
        granule = granuleAfter;
    }

    /** Packets waiting in the current page. */
    int pendingPackets() {
        return packets;
    }

    /** Writes the current page if it holds a packet. */
    void flush() throws IOException {
        if (packets > 0) {
            writePage(0);
        }
    }

    /**
     * Writes the current page as the stream's last (EOS), with {@code finalGranule} (RFC 7845 §4: the last page's
     * granule may be less than its packets decode to; the decoder trims the end). An empty page is written when no
     * packet is pending.
     */
    void end(long finalGranule) throws IOException {
        granule = finalGranule;
        writePage(FLAG_EOS);
        ended = true;
    }

    long bytesWritten() {
        return bytesWritten;
    }

    private void writePage(int flags) throws IOException {
        int type = flags | (first ? FLAG_BOS : 0);
        page[0] = 'O';
        page[1] = 'g';
        page[2] = 'g';
        page[3] = 'S';
        page[4] = 0;
        page[OFF_TYPE] = (byte) type;
        putLong(page, OFF_GRANULE, granule);
        putInt(page, OFF_SERIAL, serial);
        putInt(page, OFF_SEQUENCE, sequence);
        putInt(page, OFF_CRC, 0);
        page[OFF_SEGMENTS] = (byte) segments;
        System.arraycopy(lacing, 0, page, HEADER_BYTES, segments);
        System.arraycopy(body, 0, page, HEADER_BYTES + segments, bodyBytes);
        int length = HEADER_BYTES + segments + bodyBytes;
        putInt(page, OFF_CRC, OggCrc.of(page, 0, length));
        pageBuffer.clear().limit(length);
        while (pageBuffer.hasRemaining()) {
            out.write(pageBuffer);
        }
        bytesWritten += length;
        sequence++;
        first = false;
        segments = 0;
        bodyBytes = 0;
        packets = 0;
    }

    static void putInt(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    static void putLong(byte[] b, int off, long v) {
        putInt(b, off, (int) v);
        putInt(b, off + 4, (int) (v >>> 32));
    }
}
