package dev.gateway.media.rtp;

/**
 * The fixed RTP header fields of one packet, plus where its payload lies in the buffer it was parsed from.
 *
 * <p><b>Mutable scratch object.</b> Loop-confined: one instance is owned by the event loop that receives a
 * stream and is refilled by {@link RtpCodec#parse} for every packet, so nothing is allocated per packet. Its
 * values are valid only until the next parse and only while the parsed buffer is unchanged; copy out what
 * must outlive the packet. Not thread-safe.
 *
 * <p>Units: {@link #timestamp()} in RTP ticks of the payload's clock; {@link #payloadIndex()} is an absolute
 * {@code ByteBuf} index; lengths in bytes.
 */
public final class RtpHeader {

    /** Largest CSRC count the 4-bit CC field can carry. */
    public static final int MAX_CSRC = 15;

    private int version;
    private boolean padding;
    private boolean extension;
    private int csrcCount;
    private boolean marker;
    private int payloadType;
    private int sequenceNumber;
    private long timestamp;
    private long ssrc;
    private final long[] csrcs = new long[MAX_CSRC];
    private int extensionProfile;
    private int extensionIndex;
    private int extensionLength;
    private int paddingLength;
    private int payloadIndex;
    private int payloadLength;

    /** Protocol version; 2 after a successful parse. */
    public int version() {
        return version;
    }

    /** P bit: the packet carries padding (already excluded from {@link #payloadLength()}). */
    public boolean padding() {
        return padding;
    }

    /** X bit: a header extension follows the CSRC list. */
    public boolean extension() {
        return extension;
    }

    /** CC field: number of CSRC identifiers, 0..15. */
    public int csrcCount() {
        return csrcCount;
    }

    /** The i-th contributing source, 0 <= i < {@link #csrcCount()}, as an unsigned 32-bit value. */
    public long csrc(int i) {
        if (i < 0 || i >= csrcCount) {
            throw new IndexOutOfBoundsException("csrc " + i + " of " + csrcCount);
        }
        return csrcs[i];
    }

    /** M bit. */
    public boolean marker() {
        return marker;
    }

    /** PT field, 0..127. */
    public int payloadType() {
        return payloadType;
    }

    /** Sequence number, 0..65535. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    /** Timestamp in RTP ticks, 0..2^32-1. */
    public long timestamp() {
        return timestamp;
    }

    /** Synchronisation source, 0..2^32-1. */
    public long ssrc() {
        return ssrc;
    }

    /** The 16-bit "defined by profile" word of the header extension; 0 when there is none. */
    public int extensionProfile() {
        return extensionProfile;
    }

    /** Absolute buffer index of the extension data (after its 4-byte header); -1 when there is none. */
    public int extensionIndex() {
        return extensionIndex;
    }

    /** Extension data length in bytes (the length field times 4); 0 when there is none. */
    public int extensionLength() {
        return extensionLength;
    }

    /** Padding bytes at the end of the packet, including the count byte; 0 without the P bit. */
    public int paddingLength() {
        return paddingLength;
    }

    /** Absolute buffer index of the first payload byte. */
    public int payloadIndex() {
        return payloadIndex;
    }

    /** Payload length in bytes, excluding header, CSRCs, header extension and padding. */
    public int payloadLength() {
        return payloadLength;
    }

    void setFirstOctet(int version, boolean padding, boolean extension, int csrcCount) {
        this.version = version;
        this.padding = padding;
        this.extension = extension;
        this.csrcCount = csrcCount;
    }

    void setSecondOctet(boolean marker, int payloadType) {
        this.marker = marker;
        this.payloadType = payloadType;
    }

    void setIds(int sequenceNumber, long timestamp, long ssrc) {
        this.sequenceNumber = sequenceNumber;
        this.timestamp = timestamp;
        this.ssrc = ssrc;
    }

    void setCsrc(int i, long csrc) {
        csrcs[i] = csrc;
    }

    void setExtension(int profile, int index, int length) {
        this.extensionProfile = profile;
        this.extensionIndex = index;
        this.extensionLength = length;
    }

    void setPayload(int index, int length, int paddingLength) {
        this.payloadIndex = index;
        this.payloadLength = length;
        this.paddingLength = paddingLength;
    }

    @Override
    public String toString() {
        return "RtpHeader[pt=" + payloadType + ", seq=" + sequenceNumber + ", ts=" + timestamp + ", ssrc="
                + ssrc + ", m=" + marker + ", cc=" + csrcCount + ", x=" + extension + ", payload="
                + payloadLength + "@" + payloadIndex + "]";
    }
}
