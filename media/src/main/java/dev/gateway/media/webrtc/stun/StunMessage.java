package dev.gateway.media.webrtc.stun;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A decoded or to-be-encoded STUN message (RFC 8489 §5) with the attributes ICE uses. Immutable; safe to share
 * between threads. Absent attributes are null, {@link OptionalLong#empty()}, false or 0 as noted per accessor.
 * MESSAGE-INTEGRITY and FINGERPRINT are not values of the message: the codec writes them from a key and a flag,
 * and {@link StunIntegrity} verifies them on the raw bytes; {@link #hasIntegrity()} and {@link #hasFingerprint()}
 * only say whether a decoded message carried them.
 */
public final class StunMessage {

    /** The Binding method (RFC 8489 §18.2), the only one ICE needs. */
    public static final int METHOD_BINDING = 0x001;
    /** Length of a transaction id in bytes. */
    public static final int TRANSACTION_ID_LENGTH = 12;

    private final StunClass messageClass;
    private final int method;
    private final byte[] transactionId;
    private final String username;
    private final InetSocketAddress mappedAddress;
    private final InetSocketAddress xorMappedAddress;
    private final OptionalLong priority;
    private final boolean useCandidate;
    private final OptionalLong iceControlling;
    private final OptionalLong iceControlled;
    private final int errorCode;
    private final String errorReason;
    private final String software;
    private final boolean hasIntegrity;
    private final boolean hasFingerprint;

    private StunMessage(Builder b) {
        this.messageClass = Objects.requireNonNull(b.messageClass, "messageClass");
        if (b.method < 0 || b.method > 0xFFF) {
            throw new IllegalArgumentException("method is 12 bits: " + b.method);
        }
        this.method = b.method;
        if (b.transactionId == null || b.transactionId.length != TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transaction id must be 12 bytes");
        }
        this.transactionId = b.transactionId.clone();
        if (b.errorCode != 0 && (b.errorCode < 300 || b.errorCode > 699)) {
            throw new IllegalArgumentException("error code must be 300..699: " + b.errorCode);
        }
        this.username = b.username;
        this.mappedAddress = b.mappedAddress;
        this.xorMappedAddress = b.xorMappedAddress;
        this.priority = b.priority;
        this.useCandidate = b.useCandidate;
        this.iceControlling = b.iceControlling;
        this.iceControlled = b.iceControlled;
        this.errorCode = b.errorCode;
        this.errorReason = b.errorReason;
        this.software = b.software;
        this.hasIntegrity = b.hasIntegrity;
        this.hasFingerprint = b.hasFingerprint;
    }

    /** A builder for a message of the given class and method; {@code transactionId} is copied. */
    public static Builder builder(StunClass messageClass, int method, byte[] transactionId) {
        return new Builder(messageClass, method, transactionId);
    }

    /** A Binding request builder. */
    public static Builder bindingRequest(byte[] transactionId) {
        return builder(StunClass.REQUEST, METHOD_BINDING, transactionId);
    }

    /** A Binding success response builder carrying XOR-MAPPED-ADDRESS {@code mapped}. */
    public static Builder bindingSuccess(byte[] transactionId, InetSocketAddress mapped) {
        return builder(StunClass.SUCCESS_RESPONSE, METHOD_BINDING, transactionId).xorMappedAddress(mapped);
    }

    /** A Binding error response builder carrying ERROR-CODE {@code code} and {@code reason}. */
    public static Builder bindingError(byte[] transactionId, int code, String reason) {
        return builder(StunClass.ERROR_RESPONSE, METHOD_BINDING, transactionId).errorCode(code, reason);
    }

    public StunClass messageClass() {
        return messageClass;
    }

    /** The 12-bit method, e.g. {@link #METHOD_BINDING}. */
    public int method() {
        return method;
    }

    /** A copy of the 12-byte transaction id. */
    public byte[] transactionId() {
        return transactionId.clone();
    }

    /** True if {@code id} equals this message's transaction id; does not copy. */
    public boolean hasTransactionId(byte[] id) {
        return Arrays.equals(transactionId, id);
    }

    /** USERNAME, or null. */
    public String username() {
        return username;
    }

    /** MAPPED-ADDRESS, or null. */
    public InetSocketAddress mappedAddress() {
        return mappedAddress;
    }

    /** XOR-MAPPED-ADDRESS (already un-XORed), or null. */
    public InetSocketAddress xorMappedAddress() {
        return xorMappedAddress;
    }

    /** PRIORITY as an unsigned 32-bit value. */
    public OptionalLong priority() {
        return priority;
    }

    /** True if USE-CANDIDATE is present. */
    public boolean useCandidate() {
        return useCandidate;
    }

    /** ICE-CONTROLLING tie-breaker (unsigned 64-bit, compare with {@link Long#compareUnsigned}). */
    public OptionalLong iceControlling() {
        return iceControlling;
    }

    /** ICE-CONTROLLED tie-breaker (unsigned 64-bit, compare with {@link Long#compareUnsigned}). */
    public OptionalLong iceControlled() {
        return iceControlled;
    }

    /** ERROR-CODE as class * 100 + number (e.g. 487), or 0 if absent. */
    public int errorCode() {
        return errorCode;
    }

    /** The ERROR-CODE reason phrase, or null. */
    public String errorReason() {
        return errorReason;
    }

    /** SOFTWARE, or null. */
    public String software() {
        return software;
    }

    /** True if a decoded message carried MESSAGE-INTEGRITY (not whether it verified). */
    public boolean hasIntegrity() {
        return hasIntegrity;
    }

    /** True if a decoded message carried FINGERPRINT (not whether it verified). */
    public boolean hasFingerprint() {
        return hasFingerprint;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Stun[").append(messageClass).append(" method=").append(method);
        if (username != null) {
            s.append(" user=").append(username);
        }
        if (xorMappedAddress != null) {
            s.append(" xor-mapped=").append(xorMappedAddress);
        }
        if (errorCode != 0) {
            s.append(" error=").append(errorCode).append(' ').append(errorReason);
        }
        if (useCandidate) {
            s.append(" use-candidate");
        }
        return s.append(']').toString();
    }

    /** Collects attribute values for a {@link StunMessage}. Not thread-safe; use once. */
    public static final class Builder {
        private final StunClass messageClass;
        private final int method;
        private final byte[] transactionId;
        private String username;
        private InetSocketAddress mappedAddress;
        private InetSocketAddress xorMappedAddress;
        private OptionalLong priority = OptionalLong.empty();
        private boolean useCandidate;
        private OptionalLong iceControlling = OptionalLong.empty();
        private OptionalLong iceControlled = OptionalLong.empty();
        private int errorCode;
        private String errorReason;
        private String software;
        private boolean hasIntegrity;
        private boolean hasFingerprint;

        private Builder(StunClass messageClass, int method, byte[] transactionId) {
            this.messageClass = messageClass;
            this.method = method;
            this.transactionId = transactionId;
        }

        public Builder username(String value) {
            this.username = value;
            return this;
        }

        public Builder mappedAddress(InetSocketAddress value) {
            this.mappedAddress = value;
            return this;
        }

        public Builder xorMappedAddress(InetSocketAddress value) {
            this.xorMappedAddress = value;
            return this;
        }

        /** PRIORITY; only the low 32 bits are kept. */
        public Builder priority(long value) {
            this.priority = OptionalLong.of(value & 0xFFFF_FFFFL);
            return this;
        }

        public Builder useCandidate(boolean value) {
            this.useCandidate = value;
            return this;
        }

        public Builder iceControlling(long tieBreaker) {
            this.iceControlling = OptionalLong.of(tieBreaker);
            return this;
        }

        public Builder iceControlled(long tieBreaker) {
            this.iceControlled = OptionalLong.of(tieBreaker);
            return this;
        }

        /** ERROR-CODE: {@code code} 300..699, {@code reason} UTF-8 (null means empty). */
        public Builder errorCode(int code, String reason) {
            this.errorCode = code;
            this.errorReason = reason == null ? "" : reason;
            return this;
        }

        public Builder software(String value) {
            this.software = value;
            return this;
        }

        Builder decodedIntegrity() {
            this.hasIntegrity = true;
            return this;
        }

        Builder decodedFingerprint() {
            this.hasFingerprint = true;
            return this;
        }

        /** Validates and builds. @throws IllegalArgumentException on an invalid method, id or error code */
        public StunMessage build() {
            return new StunMessage(this);
        }
    }
}
