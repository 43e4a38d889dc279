package dev.gateway.agent.room;

import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The caller's voice into the room: each 20 ms frame of 8 kHz PCM is Opus-encoded (libopus takes 8 kHz input
 * itself, no resampler) and sent as one RTP packet with the RFC 6464 audio level, on the Opus 48 kHz RTP clock.
 *
 * <p>Threading: loop-confined. Owns a native encoder: {@link #close()} it.
 */
final class OpusUplink implements AutoCloseable {
    private static final int FRAME_SAMPLES_8K = 160;
    private static final int RTP_TICKS_PER_FRAME = 960; // Opus RTP runs at 48 kHz whatever the audio bandwidth
    private static final int EXTENSION_BYTES = 8;       // 0xBEDE header + one 1-byte element + padding

    private final OpusEncoder encoder;
    private final byte[] encoded = new byte[512];
    private final ByteBufAllocator alloc;
    private final long ssrc = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL;
    private int sequence = ThreadLocalRandom.current().nextInt(0x10000);
    private long timestamp = ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL;
    private boolean first = true;
    private long packets;

    OpusUplink(ByteBufAllocator alloc, int bitrate, int complexity) {
        this.alloc = alloc;
        this.encoder = new OpusEncoder(8000, bitrate, complexity, true, 5);
    }

    long ssrc() {
        return ssrc;
    }

    long packets() {
        return packets;
    }

    /** Encodes and sends one 160-sample frame if the transport is ready. */
    void send(short[] pcm, int offset, PeerTransport transport) {
        if (!transport.isReady()) {
            return;
        }
        int length = encoder.encode(pcm, offset, FRAME_SAMPLES_8K, encoded, 0, encoded.length);
        int level = AudioLevel.of(pcm, offset, FRAME_SAMPLES_8K);
        ByteBuf packet = alloc.directBuffer(RtpCodec.HEADER_SIZE + EXTENSION_BYTES + length + 16);
        int start = packet.writerIndex();
        RtpCodec.writeHeader(packet, first, WebRtcSdpWriter.OPUS_PT, sequence, timestamp, ssrc);
        packet.setByte(start, packet.getByte(start) | 0x10);   // X: a header extension follows (RFC 3550 §5.3.1)
        packet.writeShort(0xBEDE);                             // RFC 8285 one-byte form
        packet.writeShort(1);                                  // one 32-bit word of elements
        packet.writeByte(WebRtcSdpWriter.AUDIO_LEVEL_EXT_ID << 4);    // id, length-1 = 0
        packet.writeByte((level < AudioLevel.VOICE_THRESHOLD ? 0x80 : 0) | level);
        packet.writeShort(0);                                  // padding to the word
        packet.writeBytes(encoded, 0, length);
        transport.sendRtp(packet);
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + RTP_TICKS_PER_FRAME) & 0xFFFF_FFFFL;
        packets++;
    }

    @Override
    public void close() {
        encoder.close();
    }
}
