package dev.gateway.agent.room;

import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.LevelMeter;
import dev.gateway.media.audio.TapWriter;
import dev.gateway.media.opus.OpusEncoder;
import dev.gateway.media.opus.OpusWriter;
import dev.gateway.media.rtp.PacketOutput;
import dev.gateway.media.rtp.RtpPacketizer;
import dev.gateway.media.rtp.RtpPayloadWriter;
import dev.gateway.media.webrtc.PeerTransport;
import dev.gateway.media.webrtc.WebRtcSdpWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The caller's voice into the room, built from media's stages:
 * {@code tap[level] -> opus(8k,cxN) -> rtp -> srtp}. Each 20 ms frame of 8 kHz PCM is Opus-encoded (libopus takes
 * 8 kHz itself, no resampler) and sent by the shared {@link RtpPacketizer} as one RTP packet with the RFC 6464
 * audio level, on the Opus 48 kHz RTP clock; the packetiser's history answers the room's NACKs.
 *
 * <p>It is an {@link AudioWriter}, so a call's media can feed it directly once {@link #bind bound} to the publisher
 * transport. Threading: loop-confined. Owns a native encoder: {@link #close()} it.
 */
final class OpusUplink implements AudioWriter {
    private static final int HISTORY = 64; // 1.28 s of 20 ms packets for NACKs

    private final ByteBufAllocator alloc;
    private final RtpPacketizer packetizer;
    private final TapWriter chain;
    private final Publisher output = new Publisher();

    OpusUplink(ByteBufAllocator alloc, int bitrate, int complexity, String cname) {
        this.alloc = alloc;
        this.packetizer = new RtpPacketizer(cname, HISTORY);
        LevelMeter level = new LevelMeter(8000);
        RtpPayloadWriter rtp = new RtpPayloadWriter(packetizer, WebRtcSdpWriter.OPUS_PT, 48000, 8000, alloc, output,
                level, WebRtcSdpWriter.AUDIO_LEVEL_EXT_ID, System::currentTimeMillis);
        this.chain = new TapWriter(new OpusWriter(new OpusEncoder(8000, bitrate, complexity, true, 5), complexity, rtp));
        chain.add(level);
    }

    long ssrc() {
        return packetizer.ssrc();
    }

    long packets() {
        return packetizer.packets();
    }

    long retransmitted() {
        return packetizer.retransmitted();
    }

    /** Where packets go from now on (the publisher transport). */
    void bind(PacketOutput transport) {
        output.target = transport;
    }

    @Override
    public int sampleRate() {
        return 8000;
    }

    /** One frame of the caller's audio; skipped (not even encoded) while the transport is not ready. */
    @Override
    public void write(short[] pcm, int off, int len) {
        if (output.isReady()) {
            chain.write(pcm, off, len);
        }
    }

    /** RFC 4585 generic NACK for our SSRC: resend what the history still holds (same SSRC and sequence). */
    void onNack(long mediaSsrc, int pid, int blp, PeerTransport transport) {
        packetizer.onNack(mediaSsrc, pid, blp, alloc, transport);
    }

    @Override
    public void close() {
        chain.close();
    }

    @Override
    public String toString() {
        return chain.toString();
    }

    /** Forwards to the transport bound now; not ready until one is. */
    private static final class Publisher implements PacketOutput {
        private PacketOutput target;

        @Override
        public boolean isReady() {
            return target != null && target.isReady();
        }

        @Override
        public void sendRtp(ByteBuf packet) {
            target.sendRtp(packet);
        }

        @Override
        public void sendRtcp(ByteBuf packet) {
            target.sendRtcp(packet);
        }

        @Override
        public String toString() {
            return "srtp";
        }
    }
}
