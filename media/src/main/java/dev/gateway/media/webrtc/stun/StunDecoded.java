package dev.gateway.media.webrtc.stun;

/**
 * What {@link StunCodec#decode} returns: a result and, only when it is {@link StunParseResult#OK}, the message.
 * Immutable.
 *
 * @param result  never null
 * @param message null unless {@code result} is OK
 */
public record StunDecoded(StunParseResult result, StunMessage message) {

    static StunDecoded failed(StunParseResult result) {
        return new StunDecoded(result, null);
    }

    /** True when a message was decoded. */
    public boolean ok() {
        return result == StunParseResult.OK;
    }
}
