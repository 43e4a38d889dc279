package dev.gateway.media.rtp;

import dev.gateway.media.audio.EncodedWriter;
import dev.gateway.media.audio.LevelMeter;
import dev.gateway.media.audio.AudioLevel;
import dev.gateway.media.rtcp.RtcpCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The end of an encoding chain: each payload becomes one RTP packet from an {@link RtpPacketizer} (optionally with
 * the RFC 6464 level a {@link LevelMeter} measured on the same frame) and goes to a {@link PacketOutput}; every
 * {@value #REPORT_EVERY_PACKETS} packets a sender report with CNAME follows (RFC 3550 §6.2: 5 s). Prints as
 * {@code rtp -> output}.
 *
 * <p>Loop-confined. Per payload it allocates the packet buffer from the pooled allocator, which the output
 * releases.
 */
public final class RtpPayloadWriter implements EncodedWriter {
    static final int REPORT_EVERY_PACKETS = 250;

    private final RtpPacketizer packetizer;
    private final int payloadType;
    private final int rtpClockRate;
    private final int mediaRate;
    private final ByteBufAllocator alloc;
    private final PacketOutput output;
    private final LevelMeter level;
    private final int levelExtensionId;
    private final LongClock wallClockMillis;
    private int packetsToReport = REPORT_EVERY_PACKETS;
    private long skipped;

    /** Wall-clock milliseconds for the NTP time in sender reports; injected so tests fix it. */
    @FunctionalInterface
    public interface LongClock {
        long millis();
    }

    /**
     * @param rtpClockRate     the payload's RTP clock (48000 for Opus, 8000 for G.711)
     * @param mediaRate        the encoder's input rate: a frame of n samples advances the timestamp by
     *                         n * rtpClockRate / mediaRate
     * @param levelOrNull      the meter whose last level goes into each packet, or null for no extension
     * @param levelExtensionId the RFC 8285 id negotiated for {@code urn:ietf:params:rtp-hdrext:ssrc-audio-level}
     */
    public RtpPayloadWriter(RtpPacketizer packetizer, int payloadType, int rtpClockRate, int mediaRate,
                            ByteBufAllocator alloc, PacketOutput output, LevelMeter levelOrNull, int levelExtensionId,
                            LongClock wallClockMillis) {
        this.packetizer = packetizer;
        this.payloadType = payloadType;
        this.rtpClockRate = rtpClockRate;
        this.mediaRate = mediaRate;
        this.alloc = alloc;
        this.output = output;
        this.level = levelOrNull;
        this.levelExtensionId = levelExtensionId;
        this.wallClockMillis = wallClockMillis;
    }

    @Override
    public void writeEncoded(byte[] payload, int off, int len, int mediaSamples) {
        if (!output.isReady()) {
            skipped++;
            return; // the room cannot hear us yet; the stream starts when it can (timestamps start there too)
        }
        int extension = level == null ? 0 : RtpPacketizer.AUDIO_LEVEL_EXTENSION_BYTES;
        ByteBuf packet = alloc.directBuffer(RtpCodec.HEADER_SIZE + extension + len + 16); // + SRTP tag room
        int start = packet.writerIndex();
        if (level == null) {
            packetizer.writeHeader(packet, payloadType, packetizer.timestamp());
        } else {
            int l = level.level();
            packetizer.writeHeaderWithLevel(packet, payloadType, levelExtensionId, l, AudioLevel.isVoice(l));
        }
        packet.writeBytes(payload, off, len);
        packetizer.sent(packet, start, len);
        output.sendRtp(packet);
        packetizer.advance((int) ((long) mediaSamples * rtpClockRate / mediaRate));
        if (--packetsToReport == 0) {
            packetsToReport = REPORT_EVERY_PACKETS;
            ByteBuf report = alloc.directBuffer(128);
            packetizer.writeReport(report, RtcpCodec.toNtp(wallClockMillis.millis()), null);
            output.sendRtcp(report);
        }
    }

    /** Frames dropped because the output was not ready. */
    public long skipped() {
        return skipped;
    }

    public RtpPacketizer packetizer() {
        return packetizer;
    }

    @Override
    public void close() {
    }

    @Override
    public String toString() {
        return "rtp -> " + output;
    }
}
