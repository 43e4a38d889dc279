package dev.gateway.media.endpoint;

import dev.gateway.media.audio.EncodedWriter;
import dev.gateway.media.audio.PcmRing;
import dev.gateway.media.dtmf.DtmfSender;
import dev.gateway.media.g711.G711;
import dev.gateway.media.g711.G711Writer;
import dev.gateway.media.rtp.RtpCodec;
import dev.gateway.media.rtp.RtpPacketizer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The sending half of an {@link RtpEndpoint}: audio for the phone -> {@link G711Writer} -> the shared
 * {@link RtpPacketizer} -> the RTP socket, one packet per ptime, with RFC 4733 key presses in place of the audio
 * while a key is down. The ring holds what is queued but not yet due: with a call's media sending each tick's
 * frame at once, that is at most the rest of one packet (ptime 30, 40 or 60 ms).
 *
 * <p>Loop-confined with its endpoint. Per packet it allocates only Netty's buffer and datagram envelope.
 */
final class PhoneSender implements EncodedWriter {
    private final RtpPacketizer packetizer;
    private final G711Writer encoder;
    private final PcmRing outbound = new PcmRing(16384);
    private final short[] scratch;
    private DtmfSender dtmfSender;
    private int accumulatedMs;
    private long dtmfOut;
    // set for the duration of sendDue
    private Channel channel;
    private InetSocketAddress to;
    private int payloadType;

    PhoneSender(RtpPacketizer packetizer, G711 codec, int maxPayload) {
        this.packetizer = packetizer;
        this.encoder = new G711Writer(codec, maxPayload, this);
        this.scratch = new short[maxPayload];
    }

    void update(MediaParams previous, MediaParams next) {
        if (previous == null || previous.ptimeMs() != next.ptimeMs()) {
            dtmfSender = new DtmfSender(100, 60, next.ptimeMs(), 8000);
        }
        encoder.codec(next.codec());
    }

    void queue(short[] pcm, int off, int count) {
        outbound.write(pcm, off, count);
    }

    boolean enqueueDtmf(char digit) {
        return dtmfSender.enqueue(digit);
    }

    long dtmfOut() {
        return dtmfOut;
    }

    /** One tick's worth (20 ms) of packets: ptime 20 sends one, 10 sends two, 30/40/60 every second or third tick. */
    void sendDue(MediaParams params, Channel rtp, InetSocketAddress sendTo) {
        int ptime = params.ptimeMs();
        int samples = params.samplesPerPacket();
        accumulatedMs += 20;
        while (accumulatedMs >= ptime) {
            accumulatedMs -= ptime;
            if (!params.send() || sendTo == null) {
                outbound.skip(samples);
                packetizer.advance(samples);
                continue;
            }
            channel = rtp;
            to = sendTo;
            payloadType = params.codec().payloadType();
            if (!sendDtmfPacket(params.telephoneEventPayloadType(), samples)) {
                outbound.read(scratch, 0, samples);
                encoder.write(scratch, 0, samples); // -> writeEncoded: one packet
            }
            packetizer.advance(samples);
        }
    }

    private boolean sendDtmfPacket(int te, int samples) {
        if (te < 0 || !dtmfSender.isBusy()) {
            return false;
        }
        ByteBuf out = channel.alloc().directBuffer(RtpCodec.HEADER_SIZE + samples);
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
        outbound.skip(samples);
        if (dtmfSender.marker()) {
            dtmfOut++;
        }
        packetizer.sent(out, at, end - at - RtpCodec.HEADER_SIZE);
        channel.writeAndFlush(new DatagramPacket(out, to), channel.voidPromise());
        return true;
    }

    /** The G.711 writer's sink: one payload becomes one RTP packet to the phone's latched address. */
    @Override
    public void writeEncoded(byte[] payload, int off, int len, int mediaSamples) {
        ByteBuf out = channel.alloc().directBuffer(RtpCodec.HEADER_SIZE + len);
        int at = out.writerIndex();
        packetizer.writeHeader(out, payloadType, packetizer.timestamp());
        out.writeBytes(payload, off, len);
        packetizer.sent(out, at, len);
        channel.writeAndFlush(new DatagramPacket(out, to), channel.voidPromise());
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
        return "rtp -> udp";
    }
}
