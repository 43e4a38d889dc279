package dev.gateway.media.webrtc.sctp;

/**
 * What {@link SctpPacketCodec#decode} returns. Immutable.
 *
 * @param result never null
 * @param packet null unless {@code result} is OK
 */
public record SctpDecoded(SctpParseResult result, SctpPacket packet) {

    static SctpDecoded failed(SctpParseResult result) {
        return new SctpDecoded(result, null);
    }

    /** True when a packet was decoded. */
    public boolean ok() {
        return result == SctpParseResult.OK;
    }
}
