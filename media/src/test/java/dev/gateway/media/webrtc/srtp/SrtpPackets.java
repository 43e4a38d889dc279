package dev.gateway.media.webrtc.srtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/** Packet builders and buffer kinds shared by the SRTP context tests. */
final class SrtpPackets {

    /** Room left after the packet: enough for the SRTCP trailer, the larger one. */
    static final int ROOM = SrtpContext.RTCP_TRAILER_LENGTH;

    /** The storage kinds SrtpContext must handle: backing array (with offsets) or not. */
    enum Kind {
        HEAP {
            @Override
            ByteBuf of(byte[] bytes) {
                return Unpooled.buffer(bytes.length + ROOM).writeBytes(bytes);
            }
        },
        DIRECT {
            @Override
            ByteBuf of(byte[] bytes) {
                return Unpooled.directBuffer(bytes.length + ROOM).writeBytes(bytes);
            }
        },
        /** A slice (array offset 5) whose reader index is 3: both offsets must be honoured. */
        HEAP_OFFSET {
            @Override
            ByteBuf of(byte[] bytes) {
                ByteBuf slice = Unpooled.buffer(bytes.length + ROOM + 16).slice(5, bytes.length + ROOM + 3);
                slice.clear().writeZero(3).writeBytes(bytes).readerIndex(3);
                return slice;
            }
        };

        abstract ByteBuf of(byte[] bytes);
    }

    private SrtpPackets() {
    }

    /** RTP, V=2, PT 0, timestamp seq*160, payload bytes counting up from {@code seq}. */
    static byte[] rtp(int seq, int ssrc, int payloadLength) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x80).writeByte(0).writeShort(seq).writeInt(seq * 160).writeInt(ssrc);
        for (int i = 0; i < payloadLength; i++) {
            b.writeByte(seq + i);
        }
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    /** RTCP receiver report with one report block's worth of bytes after the sender SSRC. */
    static byte[] rtcp(int ssrc) {
        ByteBuf b = Unpooled.buffer();
        b.writeByte(0x81).writeByte(201).writeShort(7).writeInt(ssrc);
        for (int i = 0; i < 24; i++) {
            b.writeByte(i * 7);
        }
        byte[] out = ByteBufUtil.getBytes(b);
        b.release();
        return out;
    }

    static byte[] readable(ByteBuf buf) {
        return ByteBufUtil.getBytes(buf);
    }
}
