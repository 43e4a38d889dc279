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
    private long octets;
    private long retransmitted;
    private int framesToReport = REPORT_EVERY_FRAMES;
    // A short send history (plaintext, before SRTP) to answer NACKs: 64 packets = 1.28 s of audio.
    private static final int HISTORY = 64;
    private static final int REPORT_EVERY_FRAMES = 250; // an SR every 5 s (RFC 3550 §6.2)
    private final byte[][] history = new byte[HISTORY][RtpCodec.HEADER_SIZE + EXTENSION_BYTES + 512];
    private final int[] historyLength = new int[HISTORY];
    private final int[] historySequence = new int[HISTORY];
    private final byte[] cname;

    OpusUplink(ByteBufAllocator alloc, int bitrate, int complexity, String cname) {
        this.alloc = alloc;
        this.cname = cname.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.util.Arrays.fill(historySequence, -1);
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
        int slot = sequence & (HISTORY - 1);
        historyLength[slot] = packet.readableBytes();
        historySequence[slot] = sequence;
        packet.getBytes(packet.readerIndex(), history[slot], 0, historyLength[slot]);
        transport.sendRtp(packet);
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        timestamp = (timestamp + RTP_TICKS_PER_FRAME) & 0xFFFF_FFFFL;
        packets++;
        octets += length;
        if (--framesToReport == 0) {
            framesToReport = REPORT_EVERY_FRAMES;
            sendReport(transport);
        }
    }

    /** RFC 4585 generic NACK for our SSRC: resend what the history still holds (same SSRC and sequence). */
    void onNack(long mediaSsrc, int pid, int blp, PeerTransport transport) {
        if (mediaSsrc != ssrc) {
            return;
        }
        resend(pid, transport);
        for (int bit = 0; bit < 16; bit++) {
            if ((blp & (1 << bit)) != 0) {
                resend((pid + bit + 1) & 0xFFFF, transport);
            }
        }
    }

    long retransmitted() {
        return retransmitted;
    }

    private void resend(int seq, PeerTransport transport) {
        int slot = seq & (HISTORY - 1);
        if (historySequence[slot] != seq) {
            return; // too old: the history has moved on
        }
        ByteBuf copy = alloc.directBuffer(historyLength[slot] + 16);
        copy.writeBytes(history[slot], 0, historyLength[slot]);
        transport.sendRtp(copy);
        retransmitted++;
    }

    /** Sender report + CNAME so the room can map our RTP clock to wall time (RFC 3550 §6.4.1). */
    private void sendReport(PeerTransport transport) {
        ByteBuf report = alloc.directBuffer(128);
        dev.gateway.media.rtcp.RtcpCodec.writeSenderReport(report, ssrc,
                dev.gateway.media.rtcp.RtcpCodec.toNtp(System.currentTimeMillis()), timestamp, packets, octets, null);
        dev.gateway.media.rtcp.RtcpCodec.writeSdesCname(report, ssrc, cname);
        transport.sendRtcp(report);
    }

    @Override
    public void close() {
        encoder.close();
    }
}
