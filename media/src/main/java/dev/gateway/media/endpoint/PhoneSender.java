package dev.gateway.media.endpoint;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.EncodedWriter;
import dev.gateway.media.dtmf.DtmfSender;
import dev.gateway.media.g711.G711;
import dev.gateway.media.g711.G711Writer;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpPacketizer;
import dev.gateway.media.webrtc.srtp.SrtpContext;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import dev.gateway.media.udp.DatagramEnvelopes;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;

/**
 * The sending half of an {@link RtpEndpoint}: the call's 20 ms frame for the phone -> one packet's worth of samples
 * -> {@link G711Writer} -> the shared {@link RtpPacketizer} -> the RTP socket, with RFC 4733 key presses in place
 * of the audio while a key is down. A packet leaves in the tick that completes it: ptime 20 sends one per frame,
 * 10 sends two, 30/40/60 every second or third frame. Between frames it holds at most the rest of one packet
 * (up to 60 ms, {@link #MAX_PACKET_SAMPLES}); nothing else is queued.
 *
 * <p>With SRTP keys every packet is protected in place after the packetizer has kept its plain copy (NACK
 * history) and before it is written; the buffer is allocated with room for the tag.
 *
 * <p>Each packet leaves in a pooled envelope ({@link DatagramEnvelopes}) and a pooled direct buffer: no Java
 * object per packet of its own (Netty's epoll {@code sendto} still copies the address, see bench/README.md).
 *
 * <p>Loop-confined with its endpoint.
 */
final class PhoneSender implements EncodedWriter {
    /** The longest packet: 60 ms at 8 kHz (the largest ptime {@link MediaParams} accepts). */
    static final int MAX_PACKET_SAMPLES = 60 * 8;

    private final RtpPacketizer packetizer;
    private final G711Writer encoder;
    /** The envelopes of RTP and RTCP to the phone (both sockets are on the endpoint's loop). */
    private final DatagramEnvelopes envelopes;
    /** The packet being filled: {@code packet[0, filled)} waits for the next frame. */
    private final short[] packet = new short[MAX_PACKET_SAMPLES];
    private int filled;
    private DtmfSender dtmfSender;
    /** Protects what we send; null for plain RTP. */
    private SrtpContext srtp;
    /** Bytes the SRTP trailer adds to each RTP packet (0 for plain RTP). */
    private int trailer;
    private long dtmfOut;
    private long suppressed;
    // set for the duration of send
    private Channel channel;
    private InetSocketAddress to;
    private int payloadType;

    PhoneSender(RtpPacketizer packetizer, G711 codec, EventExecutor loop) {
        this.packetizer = packetizer;
        this.encoder = new G711Writer(codec, MAX_PACKET_SAMPLES, this);
        this.envelopes = new DatagramEnvelopes(loop);
    }

    /** The envelopes this sender uses, also for the endpoint's RTCP. */
    DatagramEnvelopes envelopes() {
        return envelopes;
    }

    /** A new offer/answer outcome: a new ptime drops the part-filled packet (and restarts DTMF timing). */
    void update(MediaParams previous, MediaParams next) {
        if (previous == null || previous.ptimeMs() != next.ptimeMs()) {
            dtmfSender = new DtmfSender(100, 60, next.ptimeMs(), 8000);
            filled = 0;
        }
        encoder.codec(next.codec());
    }

    /** New SRTP keys for what we send, or null for plain RTP. */
    void srtp(SrtpContext context) {
        this.srtp = context;
        this.trailer = context == null ? 0 : context.rtpTrailerLength();
    }

    /** Protects an RTCP packet we are about to send, when SRTP is on. */
    void protectRtcp(ByteBuf rtcp) {
        if (srtp != null) {
            srtp.protectRtcp(rtcp);
        }
    }

    boolean enqueueDtmf(char digit) {
        return dtmfSender.enqueue(digit);
    }

    long dtmfOut() {
        return dtmfOut;
    }

    /** Packets that were due while no address was verified ({@code sendTo} null), so not sent. */
    long suppressed() {
        return suppressed;
    }

    /**
     * Adds one frame ({@link AudioFrames#SAMPLES_8K} samples, not kept) and sends every packet it completes. While
     * the peer holds us ({@code params.send()} false) or no address is verified ({@code sendTo} null: counted as
     * suppressed), due packets are skipped but their time still passes on the RTP clock.
     */
    void send(short[] pcm, int off, int count, MediaParams params, Channel rtp, InetSocketAddress sendTo) {
        int samples = params.samplesPerPacket();
        while (count > 0) {
            int n = Math.min(count, samples - filled);
            System.arraycopy(pcm, off, packet, filled, n);
            filled += n;
            off += n;
            count -= n;
            if (filled == samples) {
                filled = 0;
                sendPacket(params, rtp, sendTo, samples);
            }
        }
    }

    private void sendPacket(MediaParams params, Channel rtp, InetSocketAddress sendTo, int samples) {
        if (params.send() && sendTo != null) {
            channel = rtp;
            to = sendTo;
            payloadType = params.codec().payloadType();
            if (!sendDtmfPacket(params.telephoneEventPayloadType(), samples)) {
                encoder.write(packet, 0, samples); // -> writeEncoded: one packet
            }
        } else if (params.send()) {
            suppressed++;
        }
        packetizer.advance(samples);
    }

    private boolean sendDtmfPacket(int te, int samples) {
        if (te < 0 || !dtmfSender.isBusy()) {
            return false;
        }
        ByteBuf out = channel.alloc().directBuffer(RtpCodec.HEADER_SIZE + samples + trailer);
        int at = out.writerIndex();
        out.writerIndex(at + RtpCodec.HEADER_SIZE);
        if (!dtmfSender.nextPacket(packetizer.timestamp(), out)) {
            out.release();
            return false;
        }
        int end = out.writerIndex();
        out.writerIndex(at);
        packetizer.writeHeader(out, te, dtmfSender.marker(), dtmfSender.eventTimestamp());
        out.writerIndex(end);
        if (dtmfSender.marker()) {
            dtmfOut++;
        }
        packetizer.sent(out, at, end - at - RtpCodec.HEADER_SIZE);
        if (srtp != null) {
            srtp.protectRtp(out);
        }
        envelopes.send(channel, out, to);
        return true;
    }

    /** The G.711 writer's sink: one payload becomes one RTP packet to the phone's latched address. */
    @Override
    public void writeEncoded(byte[] payload, int off, int len, int mediaSamples) {
        ByteBuf out = channel.alloc().directBuffer(RtpCodec.HEADER_SIZE + len + trailer);
        int at = out.writerIndex();
        packetizer.writeHeader(out, payloadType, packetizer.timestamp());
        out.writeBytes(payload, off, len);
        packetizer.sent(out, at, len);
        if (srtp != null) {
            srtp.protectRtp(out);
        }
        envelopes.send(channel, out, to);
    }

    @Override
    public void close() {
    }

    /** The send chain, e.g. {@code g711(PCMU) -> rtp -> udp}. */
    String sendPath() {
        return encoder.toString();
    }

    /** Printed after the G.711 stage. */
    @Override
    public String toString() {
        return srtp == null ? "rtp -> udp" : "rtp -> srtp -> udp";
    }
}
