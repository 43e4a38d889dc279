package dev.gateway.media.rtp;

import dev.gateway.media.rtcp.ReportBlock;
import dev.gateway.media.rtcp.RtcpCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The sending side of one RTP stream, for both legs (the phone's G.711 and the room's Opus): SSRC, sequence
 * number and timestamp (random starts, RFC 3550 §5.1), the marker on the first packet, the RFC 6464 audio-level
 * extension when asked, sender/receiver reports with SDES CNAME, and a send history that answers RFC 4585
 * generic NACKs.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * |                           timestamp                           |
 * |                             SSRC                              |
 * |      0xBE     |      0xDE     |           length = 1          |  (X = 1 only: RFC 8285 one-byte form)
 * |  ID   | len=0 |V|   level     |            padding            |  (RFC 6464)
 * </pre>
 *
 * <p>Use: {@link #writeHeader} (or {@link #writeHeaderWithLevel}) into the packet, the payload after it, then
 * {@link #sent} once the packet is handed to the socket; {@link #advance} moves the media clock by one packet,
 * also for packets not sent (hold) so the timestamp keeps wall-clock pace.
 *
 * <p>Threading: loop-confined. Allocation: the history is made at construction; a NACK answer allocates the
 * resent packet's buffer.
 */
public final class RtpPacketizer {
    /** Bytes of the audio-level extension block: 0xBEDE header + one element + padding to the word. */
    public static final int AUDIO_LEVEL_EXTENSION_BYTES = 8;
    private static final int MAX_PACKET = 1500;
    private static final int X_BIT = 0x10;

    private final long ssrc;
    private final byte[] cname;
    private int sequence;
    private long timestamp;
    private boolean first = true;
    private long packets;
    private long octets;
    private long retransmitted;
    private final byte[][] history;
    private final int[] historyLength;
    private final int[] historySequence;

    /** Random SSRC, sequence and timestamp starts; {@code historyPackets} 0 (no NACKs) or a power of two. */
    public RtpPacketizer(String cname, int historyPackets) {
        this(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL, ThreadLocalRandom.current().nextInt(0x10000),
                ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL, cname, historyPackets);
    }

    /** Fixed starts, for tests and benchmarks. */
    public RtpPacketizer(long ssrc, int sequence, long timestamp, String cname, int historyPackets) {
        if (historyPackets < 0 || (historyPackets & (historyPackets - 1)) != 0) {
            throw new IllegalArgumentException("historyPackets must be 0 or a power of two, got " + historyPackets);
        }
        this.ssrc = ssrc & 0xFFFF_FFFFL;
        this.sequence = sequence & 0xFFFF;
        this.timestamp = timestamp & 0xFFFF_FFFFL;
        this.cname = cname.getBytes(StandardCharsets.UTF_8);
        this.history = new byte[historyPackets][MAX_PACKET];
        this.historyLength = new int[historyPackets];
        this.historySequence = new int[historyPackets];
        Arrays.fill(historySequence, -1);
    }

    public long ssrc() {
        return ssrc;
    }

    /** The next packet's sequence number. */
    public int sequence() {
        return sequence;
    }

    /** The media clock now: the next packet's timestamp, RTP ticks. */
    public long timestamp() {
        return timestamp;
    }

    /** True until the first packet is sent: it carries the marker (RFC 3551 §4.1, start of a talkspurt). */
    public boolean first() {
        return first;
    }

    /** Writes the 12-byte header for the next packet at {@code ts}; the first packet gets the marker. */
    public void writeHeader(ByteBuf out, int payloadType, long ts) {
        writeHeader(out, payloadType, first, ts);
    }

    /** Writes the 12-byte header for the next packet with an explicit marker (RFC 4733 events set their own). */
    public void writeHeader(ByteBuf out, int payloadType, boolean marker, long ts) {
        RtpCodec.writeHeader(out, marker, payloadType, sequence, ts, ssrc);
    }

    /** The header at {@link #timestamp()} plus the RFC 6464 audio level of the frame (V set when voiced). */
    public void writeHeaderWithLevel(ByteBuf out, int payloadType, int extensionId, int level, boolean voice) {
        int start = out.writerIndex();
        RtpCodec.writeHeader(out, first, payloadType, sequence, timestamp, ssrc);
        out.setByte(start, out.getByte(start) | X_BIT);
        out.writeShort(0xBEDE);
        out.writeShort(1);
        out.writeByte(extensionId << 4);
        out.writeByte((voice ? 0x80 : 0) | (level & 0x7F));
        out.writeShort(0);
    }

    /**
     * Records a packet as sent: {@code packet[start, writerIndex)} goes into the NACK history, the sequence number
     * moves on, the counters for the sender report grow. Call before handing the packet to the socket.
     */
    public void sent(ByteBuf packet, int start, int payloadBytes) {
        if (history.length > 0) {
            int slot = sequence & (history.length - 1);
            int length = Math.min(MAX_PACKET, packet.writerIndex() - start);
            packet.getBytes(start, history[slot], 0, length);
            historyLength[slot] = length;
            historySequence[slot] = sequence;
        }
        first = false;
        sequence = (sequence + 1) & 0xFFFF;
        packets++;
        octets += payloadBytes;
    }

    /** Moves the media clock on by {@code ticks} (one packet's duration). */
    public void advance(int ticks) {
        timestamp = (timestamp + ticks) & 0xFFFF_FFFFL;
    }

    /**
     * An RFC 4585 generic NACK for this stream: resends what the history still holds (same SSRC and sequence,
     * RFC 4588 "retransmission in the original stream" as the SFU expects without rtx).
     *
     * @return packets resent
     */
    public int onNack(long mediaSsrc, int pid, int blp, ByteBufAllocator alloc, PacketOutput out) {
        if (mediaSsrc != ssrc || history.length == 0) {
            return 0;
        }
        int n = resend(pid, alloc, out);
        for (int bit = 0; bit < 16; bit++) {
            if ((blp & (1 << bit)) != 0) {
                n += resend((pid + bit + 1) & 0xFFFF, alloc, out);
            }
        }
        return n;
    }

    private int resend(int seq, ByteBufAllocator alloc, PacketOutput out) {
        int slot = seq & (history.length - 1);
        if (historySequence[slot] != seq) {
            return 0; // too old: the history has moved on
        }
        ByteBuf copy = alloc.directBuffer(historyLength[slot] + 16);
        copy.writeBytes(history[slot], 0, historyLength[slot]);
        out.sendRtp(copy);
        retransmitted++;
        return 1;
    }

    /**
     * Writes a sender report (once a packet was sent) or a receiver report (when {@code blockOrNull} has
     * something to say), each followed by SDES CNAME (RFC 3550 §6.1: every compound packet carries it).
     *
     * @return false, writing nothing, when there is neither
     */
    public boolean writeReport(ByteBuf out, long ntpTimestamp64, ReportBlock blockOrNull) {
        if (packets > 0) {
            RtcpCodec.writeSenderReport(out, ssrc, ntpTimestamp64, timestamp, packets, octets, blockOrNull);
        } else if (blockOrNull != null) {
            RtcpCodec.writeReceiverReport(out, ssrc, blockOrNull);
        } else {
            return false;
        }
        RtcpCodec.writeSdesCname(out, ssrc, cname);
        return true;
    }

    public long packets() {
        return packets;
    }

    public long octets() {
        return octets;
    }

    public long retransmitted() {
        return retransmitted;
    }
}
