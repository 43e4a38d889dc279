package dev.gateway.media.webrtc.ice;

import dev.gateway.media.webrtc.stun.StunCodec;
import dev.gateway.media.webrtc.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.InetSocketAddress;

/**
 * Encodes the STUN messages an {@link IceAgent} sends (RFC 8445 §7.2.2, §7.3.1). Every message ends with
 * FINGERPRINT; requests and authenticated responses carry MESSAGE-INTEGRITY. Returned buffers belong to the
 * caller. Stateless apart from the allocator; safe from any thread.
 */
final class IceMessages {

    /** Initial buffer size; a check is about 100 bytes. */
    private static final int INITIAL_CAPACITY = 128;

    static final int BAD_REQUEST = 400;
    static final int UNAUTHENTICATED = 401;
    static final int ROLE_CONFLICT = 487;

    private final ByteBufAllocator alloc;

    IceMessages(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    /**
     * A connectivity or consent check: USERNAME "remoteUfrag:localUfrag", PRIORITY (of the peer-reflexive
     * candidate it would create), ICE-CONTROLLING or ICE-CONTROLLED with our tie-breaker, USE-CANDIDATE if
     * nominating, MESSAGE-INTEGRITY keyed with the remote password.
     */
    ByteBuf request(byte[] transactionId, String username, long priority, IceRole role, long tieBreaker,
                    boolean useCandidate, byte[] remoteKey) {
        StunMessage.Builder b = StunMessage.bindingRequest(transactionId).username(username).priority(priority)
                .useCandidate(useCandidate);
        if (role == IceRole.CONTROLLING) {
            b.iceControlling(tieBreaker);
        } else {
            b.iceControlled(tieBreaker);
        }
        return encode(b.build(), remoteKey);
    }

    /** A success response with XOR-MAPPED-ADDRESS {@code from}, authenticated with the local password. */
    ByteBuf success(byte[] transactionId, InetSocketAddress from, byte[] localKey) {
        return encode(StunMessage.bindingSuccess(transactionId, from).build(), localKey);
    }

    /** An error response; {@code localKey} null for 400/401, where the request could not be authenticated. */
    ByteBuf error(byte[] transactionId, int code, String reason, byte[] localKey) {
        return encode(StunMessage.bindingError(transactionId, code, reason).build(), localKey);
    }

    private ByteBuf encode(StunMessage m, byte[] key) {
        ByteBuf buf = alloc.buffer(INITIAL_CAPACITY);
        try {
            StunCodec.encode(m, key, true, buf);
            return buf;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }
}
