package dev.gateway.media.webrtc.srtp;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.atomic.LongAdder;

/**
 * SRTP and SRTCP with AES_CM_128_HMAC_SHA1_80 or _32 (RFC 3711; {@link SrtpProfile}, RFC 4568 §6.2, RFC 5764
 * §4.1.2): protects outgoing and unprotects incoming packets in place in their {@link ByteBuf}, allocating nothing
 * per packet. The diagram shows the 80-bit tag; with _32 the SRTP tag is 4 bytes and SRTCP keeps 10.
 *
 * <pre>
 * SRTP (RFC 3711 §3.1)                          SRTCP (RFC 3711 §3.4)
 * +----------------------------------+          +----------------------------------+
 * | RTP header, CSRCs, extension     | clear    | V P RC PT length | SSRC of sender | clear
 * +----------------------------------+  ^       +----------------------------------+  ^
 * | payload (incl. RTP padding)      | enc auth | rest of the compound packet      | enc auth
 * +----------------------------------+  v       +----------------------------------+  |
 * | authentication tag, 10 bytes     |          |E|      SRTCP index (31 bits)     |  v
 * +----------------------------------+          +----------------------------------+
 *   tag = HMAC-SHA1(k_a, header||payload||ROC)    | authentication tag, 10 bytes     |
 *         truncated to 80 bits (§4.2)             +----------------------------------+
 * </pre>
 *
 * The SRTP packet index is ROC||SEQ (48 bits). Senders count the rollover counter per SSRC, incrementing it when
 * the sequence number wraps; receivers estimate it from SEQ per RFC 3711 §3.3.1 and Appendix A and drop
 * replays with a 64-packet window per SSRC (§3.3.2). A receiver starts every new SSRC at ROC 0. SRTCP
 * indexes start at 0 for each SSRC and increment per packet, modulo 2^31; this context always encrypts (E=1)
 * and accepts E=0 packets unencrypted. Key derivation rate 0 (§4.3.1); re-keying before 2^48 SRTP or 2^31
 * SRTCP packets is the owner's job (a new DTLS handshake).
 *
 * <p>Use one context per direction: the remote side's keys for unprotect, the local side's for protect. SRTP
 * and SRTCP state, sending and receiving, are kept apart, each for up to 16
 * SSRCs. Buffers: indexes other than the writer index are not moved; buffers are neither retained nor released.
 * Heap buffers are processed in their backing array, others through one copy into a scratch array that grows
 * to the largest packet seen.
 *
 * <p>Threading: loop-confined. All methods but {@link #stats()} must be called from one thread (the transport's
 * event loop); {@link #stats()} may be called from any thread.
 */
public final class SrtpContext {

    /** Bytes protectRtp appends with the _80 profile: the authentication tag; see {@link #rtpTrailerLength}. */
    public static final int RTP_TRAILER_LENGTH = SrtpTransform.TAG_LENGTH;
    /** Bytes protectRtcp appends: E||SRTCP index, then the authentication tag. */
    public static final int RTCP_TRAILER_LENGTH = Integer.BYTES + SrtpTransform.TAG_LENGTH;

    private static final int TAG = SrtpTransform.TAG_LENGTH;
    /** SRTP tag length of this context's profile: 10 or 4 bytes. */
    private final int rtpTag;
    private static final int RTP_HEADER = 12;
    private static final int RTP_OFFSET_SEQ = 2;
    private static final int RTP_OFFSET_SSRC = 8;
    private static final int CC_MASK = 0x0F;
    private static final int X_MASK = 0x10;
    private static final int CSRC_SIZE = 4;
    private static final int EXTENSION_HEADER = 4;
    private static final int EXTENSION_LENGTH_OFFSET = 2;
    private static final int WORD = 4;
    private static final int SEQ_BITS = 16;
    private static final int RTCP_HEADER = 8;
    private static final int RTCP_OFFSET_SSRC = 4;
    private static final int E_BIT = 0x8000_0000;
    private static final int SRTCP_INDEX_MASK = 0x7FFF_FFFF;
    private static final int INITIAL_WORK = 1500;

    private final SrtpTransform rtp;
    private final SrtpTransform rtcp;
    private final SrtpStreamTable sentRtp = new SrtpStreamTable();
    private final SrtpStreamTable receivedRtp = new SrtpStreamTable();
    private final SrtpStreamTable sentRtcp = new SrtpStreamTable();
    private final SrtpStreamTable receivedRtcp = new SrtpStreamTable();
    /** Scratch copy of non-array buffers; grows, never shrinks. */
    private byte[] work = new byte[INITIAL_WORK];

    private final LongAdder protectedPackets = new LongAdder();
    private final LongAdder unprotectedPackets = new LongAdder();
    private final LongAdder authFailures = new LongAdder();
    private final LongAdder replays = new LongAdder();
    private final LongAdder tooShort = new LongAdder();

    /**
     * AES_CM_128_HMAC_SHA1_80 from a master key and salt, e.g. one half of the DTLS-SRTP keying material.
     *
     * @param masterKey  16 bytes; not retained
     * @param masterSalt 14 bytes; not retained
     * @throws IllegalArgumentException if a length is wrong
     */
    public SrtpContext(byte[] masterKey, byte[] masterSalt) {
        this(SrtpKeys.derive(masterKey, masterSalt));
    }

    /** AES_CM_128_HMAC_SHA1_80 from already derived session keys. */
    public SrtpContext(SrtpKeys keys) {
        this(keys, SrtpProfile.AES_CM_128_HMAC_SHA1_80);
    }

    /**
     * The given profile from a master key and salt, e.g. an SDES {@code a=crypto} key (RFC 4568 §6.1).
     *
     * @param masterKey  16 bytes; not retained
     * @param masterSalt 14 bytes; not retained
     * @throws IllegalArgumentException if a length is wrong
     */
    public SrtpContext(SrtpProfile profile, byte[] masterKey, byte[] masterSalt) {
        this(SrtpKeys.derive(masterKey, masterSalt), profile);
    }

    /** The given profile from already derived session keys. */
    public SrtpContext(SrtpKeys keys, SrtpProfile profile) {
        this.rtpTag = profile.rtpTagLength();
        this.rtp = new SrtpTransform(keys.rtpCipherKey(), keys.rtpSalt(), keys.rtpAuthKey(), rtpTag);
        this.rtcp = new SrtpTransform(keys.rtcpCipherKey(), keys.rtcpSalt(), keys.rtcpAuthKey(), TAG);
    }

    /** Bytes {@link #protectRtp} appends and {@link #unprotectRtp} removes: the profile's SRTP tag. */
    public int rtpTrailerLength() {
        return rtpTag;
    }

    /**
     * Encrypts the RTP payload in place (everything after the header, its CSRCs and extension) and appends the
     * tag, moving the writer index by {@link #rtpTrailerLength()}. Makes room with
     * {@code ensureWritable}, which may reallocate the buffer's storage. Counts the ROC per SSRC.
     *
     * @throws IllegalArgumentException if the readable bytes do not hold the RTP header they declare
     */
    public void protectRtp(ByteBuf packet) {
        final int start = packet.readerIndex();
        final int length = packet.readableBytes();
        final int header = rtpHeaderLength(packet, start, length);
        if (header < 0) {
            throw new IllegalArgumentException("not an RTP packet: header runs past its " + length + " bytes");
        }
        packet.ensureWritable(rtpTag);
        final int seq = packet.getUnsignedShort(start + RTP_OFFSET_SEQ);
        final int ssrc = packet.getInt(start + RTP_OFFSET_SSRC);
        final int slot = sentRtp.findOrInsert(ssrc);
        long index = sentRtp.estimateRtpIndex(slot, seq);
        if (index < 0) {
            index = seq; // resent from before the first packet sent: that was ROC 0
        }
        sentRtp.accept(slot, index);

        final byte[] a = arrayFor(packet, start, length, length + rtpTag);
        final int base = baseFor(packet, start);
        rtp.crypt(a, base + header, length - header, ssrc, index);
        rtp.writeTag(a, base, length, true, (int) (index >>> SEQ_BITS));
        if (a == work) {
            packet.setBytes(start, a, 0, length + rtpTag);
        }
        packet.writerIndex(packet.writerIndex() + rtpTag);
        protectedPackets.increment();
    }

    /**
     * Authenticates, checks for replay, decrypts in place and removes the tag (writer index moves back by
     * {@link #rtpTrailerLength()}). Only an authenticated packet moves the ROC and the replay window.
     */
    public SrtpResult unprotectRtp(ByteBuf packet) {
        final int start = packet.readerIndex();
        final int length = packet.readableBytes();
        final int authenticated = length - rtpTag;
        final int header = rtpHeaderLength(packet, start, authenticated);
        if (header < 0) {
            tooShort.increment();
            return SrtpResult.TOO_SHORT;
        }
        final int seq = packet.getUnsignedShort(start + RTP_OFFSET_SEQ);
        final int ssrc = packet.getInt(start + RTP_OFFSET_SSRC);
        int slot = receivedRtp.find(ssrc);
        final long index = receivedRtp.estimateRtpIndex(slot, seq);
        if (receivedRtp.isReplayed(slot, index)) {
            replays.increment();
            return SrtpResult.REPLAYED;
        }
        final byte[] a = arrayFor(packet, start, length, length);
        final int base = baseFor(packet, start);
        if (!rtp.verifyTag(a, base, authenticated, true, (int) (index >>> SEQ_BITS))) {
            authFailures.increment();
            return SrtpResult.AUTH_FAILED;
        }
        if (slot < 0) {
            slot = receivedRtp.findOrInsert(ssrc);
        }
        receivedRtp.accept(slot, index);
        rtp.crypt(a, base + header, authenticated - header, ssrc, index);
        if (a == work) {
            packet.setBytes(start, a, 0, authenticated);
        }
        packet.writerIndex(packet.writerIndex() - rtpTag);
        unprotectedPackets.increment();
        return SrtpResult.OK;
    }

    /**
     * Encrypts a (compound) RTCP packet after its first 8 bytes, appends E=1 with the next SRTCP index of the
     * sender SSRC, then the tag; the writer index moves by {@link #RTCP_TRAILER_LENGTH}. May reallocate like
     * {@link #protectRtp}.
     *
     * @throws IllegalArgumentException if fewer than 8 bytes are readable
     */
    public void protectRtcp(ByteBuf packet) {
        final int start = packet.readerIndex();
        final int length = packet.readableBytes();
        if (length < RTCP_HEADER) {
            throw new IllegalArgumentException("not an RTCP packet: " + length + " bytes");
        }
        packet.ensureWritable(RTCP_TRAILER_LENGTH);
        final int ssrc = packet.getInt(start + RTCP_OFFSET_SSRC);
        final int slot = sentRtcp.findOrInsert(ssrc);
        final long last = sentRtcp.highest(slot);
        final int index = last == SrtpStreamTable.NONE ? 0 : (int) (last + 1) & SRTCP_INDEX_MASK;
        sentRtcp.set(slot, index);

        final byte[] a = arrayFor(packet, start, length, length + RTCP_TRAILER_LENGTH);
        final int base = baseFor(packet, start);
        rtcp.crypt(a, base + RTCP_HEADER, length - RTCP_HEADER, ssrc, index);
        writeInt(a, base + length, E_BIT | index);
        rtcp.writeTag(a, base, length + Integer.BYTES, false, 0);
        if (a == work) {
            packet.setBytes(start, a, 0, length + RTCP_TRAILER_LENGTH);
        }
        packet.writerIndex(packet.writerIndex() + RTCP_TRAILER_LENGTH);
        protectedPackets.increment();
    }

    /**
     * Authenticates, checks the SRTCP index for replay, decrypts in place when E=1 and removes E||index and the
     * tag (writer index moves back by {@link #RTCP_TRAILER_LENGTH}).
     */
    public SrtpResult unprotectRtcp(ByteBuf packet) {
        final int start = packet.readerIndex();
        final int length = packet.readableBytes();
        if (length < RTCP_HEADER + RTCP_TRAILER_LENGTH) {
            tooShort.increment();
            return SrtpResult.TOO_SHORT;
        }
        final int authenticated = length - TAG;
        final int plain = authenticated - Integer.BYTES;
        final int eAndIndex = packet.getInt(start + plain);
        final long index = eAndIndex & SRTCP_INDEX_MASK;
        final int ssrc = packet.getInt(start + RTCP_OFFSET_SSRC);
        int slot = receivedRtcp.find(ssrc);
        if (receivedRtcp.isReplayed(slot, index)) {
            replays.increment();
            return SrtpResult.REPLAYED;
        }
        final byte[] a = arrayFor(packet, start, length, length);
        final int base = baseFor(packet, start);
        if (!rtcp.verifyTag(a, base, authenticated, false, 0)) {
            authFailures.increment();
            return SrtpResult.AUTH_FAILED;
        }
        if (slot < 0) {
            slot = receivedRtcp.findOrInsert(ssrc);
        }
        receivedRtcp.accept(slot, index);
        if ((eAndIndex & E_BIT) != 0) {
            rtcp.crypt(a, base + RTCP_HEADER, plain - RTCP_HEADER, ssrc, index);
        }
        if (a == work) {
            packet.setBytes(start, a, 0, plain);
        }
        packet.writerIndex(packet.writerIndex() - RTCP_TRAILER_LENGTH);
        unprotectedPackets.increment();
        return SrtpResult.OK;
    }

    /** Snapshot of the counters; callable from any thread. */
    public SrtpStats stats() {
        return new SrtpStats(protectedPackets.sum(), unprotectedPackets.sum(), authFailures.sum(), replays.sum(),
                tooShort.sum());
    }

    /**
     * Bytes of the RTP header with CSRCs and extension (RFC 3550 §5.1, §5.3.1), or -1 if they do not fit in
     * {@code limit} bytes.
     */
    private static int rtpHeaderLength(ByteBuf packet, int start, int limit) {
        if (limit < RTP_HEADER) {
            return -1;
        }
        final int b0 = packet.getUnsignedByte(start);
        int header = RTP_HEADER + CSRC_SIZE * (b0 & CC_MASK);
        if ((b0 & X_MASK) != 0) {
            if (header + EXTENSION_HEADER > limit) {
                return -1;
            }
            header += EXTENSION_HEADER + WORD * packet.getUnsignedShort(start + header + EXTENSION_LENGTH_OFFSET);
        }
        return header <= limit ? header : -1;
    }

    /**
     * The array to work in: the buffer's own backing array, or {@link #work} holding a copy of its first
     * {@code length} bytes from {@code start}, with {@code room} bytes available.
     */
    private byte[] arrayFor(ByteBuf packet, int start, int length, int room) {
        if (packet.hasArray()) {
            return packet.array();
        }
        if (work.length < room) {
            work = new byte[Math.max(room, 2 * work.length)];
        }
        packet.getBytes(start, work, 0, length);
        return work;
    }

    /** Offset of the packet's first byte in the array {@link #arrayFor} returns. */
    private static int baseFor(ByteBuf packet, int start) {
        return packet.hasArray() ? packet.arrayOffset() + start : 0;
    }

    private static void writeInt(byte[] a, int at, int value) {
        a[at] = (byte) (value >>> 24);
        a[at + 1] = (byte) (value >>> 16);
        a[at + 2] = (byte) (value >>> 8);
        a[at + 3] = (byte) value;
    }
}
