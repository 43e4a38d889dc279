package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import java.util.List;

/**
 * SACK (type 3, RFC 4960 §3.3.4).
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 3    |Chunk  Flags   |      Chunk Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                      Cumulative TSN Ack                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |          Advertised Receiver Window Credit (a_rwnd)           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Number of Gap Ack Blocks = N  |  Number of Duplicate TSNs = X |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Gap Ack Block #1 Start       |   Gap Ack Block #1 End        |   offsets from the cumulative TSN
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Duplicate TSN 1..X                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param cumulativeTsnAck  highest TSN received in sequence
 * @param advertisedWindow  a_rwnd in bytes (unsigned)
 * @param gapBlocks         TSNs received above a hole, as offsets (1..65535) from the cumulative TSN; immutable
 * @param duplicateTsns     TSNs received more than once since the last SACK; immutable
 */
public record SctpSackChunk(int cumulativeTsnAck, long advertisedWindow, List<GapBlock> gapBlocks,
        List<Integer> duplicateTsns) implements SctpChunk {

    private static final int FIXED_SIZE = 12;

    /**
     * Inclusive offsets from the cumulative TSN ack: TSNs {@code cum + start .. cum + end} were received.
     *
     * @param start 1..65535
     * @param end   start..65535
     */
    public record GapBlock(int start, int end) {
        public GapBlock {
            if (start < 1 || end < start || end > 0xFFFF) {
                throw new IllegalArgumentException("gap block " + start + ".." + end);
            }
        }
    }

    public SctpSackChunk {
        gapBlocks = List.copyOf(gapBlocks);
        duplicateTsns = List.copyOf(duplicateTsns);
        if (gapBlocks.size() > 0xFFFF || duplicateTsns.size() > 0xFFFF) {
            throw new IllegalArgumentException("too many gap blocks or duplicates");
        }
    }

    @Override
    public int typeCode() {
        return SctpChunkType.SACK.code();
    }

    @Override
    public int valueLength() {
        return FIXED_SIZE + 4 * gapBlocks.size() + 4 * duplicateTsns.size();
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeInt(cumulativeTsnAck);
        out.writeInt((int) advertisedWindow);
        out.writeShort(gapBlocks.size());
        out.writeShort(duplicateTsns.size());
        for (GapBlock b : gapBlocks) {
            out.writeShort(b.start());
            out.writeShort(b.end());
        }
        for (int d : duplicateTsns) {
            out.writeInt(d);
        }
    }

    static SctpSackChunk decode(ByteBuf value) {
        if (value.readableBytes() < FIXED_SIZE) {
            return null;
        }
        int cum = value.readInt();
        long rwnd = value.readUnsignedInt();
        int gaps = value.readUnsignedShort();
        int dups = value.readUnsignedShort();
        if (value.readableBytes() != 4 * gaps + 4 * dups) {
            return null;
        }
        GapBlock[] blocks = new GapBlock[gaps];
        for (int i = 0; i < gaps; i++) {
            int start = value.readUnsignedShort();
            int end = value.readUnsignedShort();
            if (start < 1 || end < start) {
                return null;
            }
            blocks[i] = new GapBlock(start, end);
        }
        Integer[] d = new Integer[dups];
        for (int i = 0; i < dups; i++) {
            d[i] = value.readInt();
        }
        return new SctpSackChunk(cum, rwnd, List.of(blocks), List.of(d));
    }
}
