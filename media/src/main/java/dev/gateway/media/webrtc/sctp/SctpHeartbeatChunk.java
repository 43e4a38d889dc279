package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;

/**
 * HEARTBEAT (type 4) and HEARTBEAT ACK (type 5) (RFC 4960 §3.3.5, §3.3.6). The ACK echoes the info unchanged.
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   Type = 4/5  | Chunk  Flags  |      Heartbeat Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Heartbeat Info Type=1      |         HB Info Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                  Sender-Specific Heartbeat Info               /
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param ack  true for HEARTBEAT ACK
 * @param info the sender-specific info (opaque to the receiver), owned by this record
 */
public record SctpHeartbeatChunk(boolean ack, byte[] info) implements SctpChunk {

    private static final int PARAM_HEARTBEAT_INFO = 1;
    private static final int PARAM_HEADER = 4;

    @Override
    public int typeCode() {
        return ack ? SctpChunkType.HEARTBEAT_ACK.code() : SctpChunkType.HEARTBEAT.code();
    }

    @Override
    public int valueLength() {
        return PARAM_HEADER + info.length;
    }

    @Override
    public void encodeValue(ByteBuf out) {
        out.writeShort(PARAM_HEARTBEAT_INFO);
        out.writeShort(PARAM_HEADER + info.length);
        out.writeBytes(info);
    }

    static SctpHeartbeatChunk decode(boolean ack, ByteBuf value) {
        if (value.readableBytes() < PARAM_HEADER || value.readUnsignedShort() != PARAM_HEARTBEAT_INFO) {
            return null;
        }
        int len = value.readUnsignedShort();
        if (len < PARAM_HEADER || len - PARAM_HEADER > value.readableBytes()) {
            return null;
        }
        byte[] info = new byte[len - PARAM_HEADER];
        value.readBytes(info);
        return new SctpHeartbeatChunk(ack, info);
    }
}
