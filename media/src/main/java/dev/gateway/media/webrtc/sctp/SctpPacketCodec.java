package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes and encodes SCTP packets (RFC 4960 §3) with their CRC32c (§6.8). See {@link SctpPacket} for the header
 * and {@link SctpChunk} for the chunk framing.
 *
 * <p>Decoding verifies the checksum first, then frames every chunk: a chunk length below 4 or past the end of the
 * packet fails the whole packet ({@link SctpParseResult#CHUNK_OVERFLOW}). Unknown chunk types become
 * {@link SctpUnknownChunk}s in place; acting on their upper two bits is the association's job, since it must process
 * the chunks before them. Padding after the last chunk may be missing (some stacks omit it).
 *
 * <p>Static and thread-safe. Decoding copies what it keeps; no buffer is retained or released.
 */
public final class SctpPacketCodec {

    private static final int OFFSET_CHECKSUM = 8;

    private SctpPacketCodec() {
    }

    /** Decodes {@code len} bytes of {@code data} from {@code off}. */
    public static SctpDecoded decode(byte[] data, int off, int len) {
        if (len < SctpPacket.HEADER_SIZE) {
            return SctpDecoded.failed(SctpParseResult.TOO_SHORT);
        }
        ByteBuf buf = Unpooled.wrappedBuffer(data, off, len);
        int received = buf.getIntLE(OFFSET_CHECKSUM);
        if (Crc32c.computeWithZeroedField(data, off, len, off + OFFSET_CHECKSUM) != received) {
            return SctpDecoded.failed(SctpParseResult.BAD_CHECKSUM);
        }
        int srcPort = buf.readUnsignedShort();
        int dstPort = buf.readUnsignedShort();
        int tag = buf.readInt();
        buf.skipBytes(4);
        if (!buf.isReadable()) {
            return SctpDecoded.failed(SctpParseResult.NO_CHUNKS);
        }
        List<SctpChunk> chunks = new ArrayList<>();
        while (buf.readableBytes() >= SctpChunk.HEADER_SIZE) {
            int type = buf.readUnsignedByte();
            int flags = buf.readUnsignedByte();
            int length = buf.readUnsignedShort();
            if (length < SctpChunk.HEADER_SIZE || length - SctpChunk.HEADER_SIZE > buf.readableBytes()) {
                return SctpDecoded.failed(SctpParseResult.CHUNK_OVERFLOW);
            }
            ByteBuf value = buf.readSlice(length - SctpChunk.HEADER_SIZE);
            buf.skipBytes(Math.min(buf.readableBytes(), SctpChunk.padded(length) - length));
            SctpChunk chunk = decodeChunk(type, flags, value);
            if (chunk == null) {
                return SctpDecoded.failed(SctpParseResult.MALFORMED_CHUNK);
            }
            chunks.add(chunk);
        }
        if (buf.isReadable() || chunks.isEmpty()) {
            return SctpDecoded.failed(buf.isReadable() ? SctpParseResult.CHUNK_OVERFLOW : SctpParseResult.NO_CHUNKS);
        }
        return new SctpDecoded(SctpParseResult.OK, new SctpPacket(srcPort, dstPort, tag, chunks));
    }

    private static SctpChunk decodeChunk(int type, int flags, ByteBuf value) {
        SctpChunkType known = SctpChunkType.fromCode(type);
        if (known == null) {
            byte[] raw = new byte[value.readableBytes()];
            value.readBytes(raw);
            return new SctpUnknownChunk(type, flags, raw);
        }
        return switch (known) {
            case DATA -> SctpDataChunk.decode(flags, value);
            case INIT -> SctpInitChunk.decode(false, value);
            case INIT_ACK -> SctpInitChunk.decode(true, value);
            case SACK -> SctpSackChunk.decode(value);
            case HEARTBEAT -> SctpHeartbeatChunk.decode(false, value);
            case HEARTBEAT_ACK -> SctpHeartbeatChunk.decode(true, value);
            case ABORT -> SctpAbortChunk.decode(flags, value);
            case SHUTDOWN -> SctpShutdownChunk.decode(value);
            case SHUTDOWN_ACK -> value.isReadable() ? null : new SctpShutdownAckChunk();
            case ERROR -> SctpErrorChunk.decode(value);
            case COOKIE_ECHO -> SctpCookieEchoChunk.decode(value);
            case COOKIE_ACK -> value.isReadable() ? null : new SctpCookieAckChunk();
            case SHUTDOWN_COMPLETE -> value.isReadable() ? null : new SctpShutdownCompleteChunk((flags & 1) != 0);
            case FORWARD_TSN -> SctpForwardTsnChunk.decode(value);
        };
    }

    /** Appends the packet at the writer index of {@code out}, checksum included. */
    public static void encodeTo(SctpPacket packet, ByteBuf out) {
        int start = out.writerIndex();
        out.writeShort(packet.sourcePort());
        out.writeShort(packet.destinationPort());
        out.writeInt(packet.verificationTag());
        out.writeInt(0);
        for (SctpChunk c : packet.chunks()) {
            int len = SctpChunk.HEADER_SIZE + c.valueLength();
            out.writeByte(c.typeCode());
            out.writeByte(c.flags());
            out.writeShort(len);
            c.encodeValue(out);
            out.writeZero(SctpChunk.padded(len) - len);
        }
        int crc = Crc32c.compute(out.slice(start, out.writerIndex() - start));
        out.setIntLE(start + OFFSET_CHECKSUM, crc);
    }

    /** Encodes the packet into a new array of exactly {@link SctpPacket#encodedSize()} bytes. */
    public static byte[] encode(SctpPacket packet) {
        byte[] bytes = new byte[packet.encodedSize()];
        encodeTo(packet, Unpooled.wrappedBuffer(bytes).clear());
        return bytes;
    }
}
