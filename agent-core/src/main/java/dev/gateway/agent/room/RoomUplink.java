package dev.gateway.agent.room;

import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.LevelMeter;
import dev.gateway.media.audio.TapWriter;
import dev.gateway.media.g711.G711Writer;
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
 * The caller's voice into the room, built from media's stages once the room's answer picked the format:
 * {@code tap[level] -> g711(PCMU) -> rtp -> srtp} when the room takes G.711, else
 * {@code tap[level] -> opus(8k,cxN) -> rtp -> srtp}. Each 20 ms frame of 8 kHz PCM becomes one RTP packet from the
 * shared {@link RtpPacketizer}, with the RFC 6464 audio level, on the format's RTP clock (8000 for G.711, 48000 for
 * Opus); the packetiser's history answers the room's NACKs. The SSRC exists from the start (the offer carries it).
 *
 * <p>Why G.711 is re-encoded rather than forwarded: the uplink stays behind the phone's jitter play-out and the
 * taps, so the room gets the play-out's pacing and loss concealment and the taps see every frame. G.711 decode then
 * encode with the same law is the identity on all 256 codes but mu-law's negative zero (0x7F comes back as 0xFF,
 * the same silence), so the room gets the phone's bytes, for about 0.1 us a frame.
 *
 * <p>It is an {@link AudioWriter}, so a call's media can feed it directly once {@link #bind bound} to the publisher
 * transport. Threading: loop-confined. Owns a native encoder when Opus is sent: {@link #close()} it.
 */
final class RoomUplink implements AudioWriter {
    private static final int HISTORY = 64; // 1.28 s of 20 ms packets for NACKs
    private static final int MAX_FRAME_SAMPLES = 480; // 60 ms at 8 kHz

    private final ByteBufAllocator alloc;
    private final int bitrate;
    private final int complexity;
    private final RtpPacketizer packetizer;
    private final LevelMeter level = new LevelMeter(8000);
    private final Publisher output = new Publisher();
    private TapWriter chain;
    private UplinkFormat format;

    RoomUplink(ByteBufAllocator alloc, int bitrate, int complexity, String cname) {
        this.alloc = alloc;
        this.bitrate = bitrate;
        this.complexity = complexity;
        this.packetizer = new RtpPacketizer(cname, HISTORY);
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

    /** The format the room's answer picked, or null before it. */
    UplinkFormat format() {
        return format;
    }

    /**
     * Builds the encoding chain for {@code format} (once: the publisher offer is made once per call; a later call
     * with another format replaces the chain, the packetiser and so SSRC and sequence carry on).
     */
    void start(UplinkFormat format) {
        if (format.equals(this.format)) {
            return;
        }
        if (chain != null) {
            chain.close();
        }
        this.format = format;
        int clock = format.opus() ? 48000 : 8000;
        RtpPayloadWriter rtp = new RtpPayloadWriter(packetizer, format.payloadType(), clock, 8000, alloc, output,
                level, WebRtcSdpWriter.AUDIO_LEVEL_EXT_ID, System::currentTimeMillis);
        chain = new TapWriter(format.opus()
                ? new OpusWriter(new OpusEncoder(8000, bitrate, complexity, true, 5), complexity, rtp)
                : new G711Writer(format.law(), MAX_FRAME_SAMPLES, rtp));
        chain.add(level);
    }

    /** Where packets go from now on (the publisher transport). */
    void bind(PacketOutput transport) {
        output.target = transport;
    }

    @Override
    public int sampleRate() {
        return 8000;
    }

    /** One frame of the caller's audio; skipped (not even encoded) until the format is known and the link ready. */
    @Override
    public void write(short[] pcm, int off, int len) {
        if (chain != null && output.isReady()) {
            chain.write(pcm, off, len);
        }
    }

    /** RFC 4585 generic NACK for our SSRC: resend what the history still holds (same SSRC and sequence). */
    void onNack(long mediaSsrc, int pid, int blp, PeerTransport transport) {
        packetizer.onNack(mediaSsrc, pid, blp, alloc, transport);
    }

    @Override
    public void close() {
        if (chain != null) {
            chain.close();
        }
    }

    @Override
    public String toString() {
        return chain == null ? "uplink(awaiting the room's answer) -> srtp" : chain.toString();
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
