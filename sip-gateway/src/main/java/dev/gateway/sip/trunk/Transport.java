package dev.gateway.sip.trunk;

import java.util.Locale;
import java.util.Optional;

/** SIP transport of an outbound trunk; maps to and from LiveKit's {@code SIPTransport} enum. Immutable. */
public enum Transport {
    UDP(1), TCP(2), TLS(3);

    private final int protoNumber;

    Transport(int protoNumber) {
        this.protoNumber = protoNumber;
    }

    /** The number of the value in LiveKit's {@code SIPTransport} protobuf enum. */
    public int protoNumber() {
        return protoNumber;
    }

    /**
     * Parses {@code UDP}, {@code tcp}, {@code SIP_TRANSPORT_TLS} and friends. {@code SIP_TRANSPORT_AUTO} (and
     * {@code AUTO}) means UDP, as LiveKit's own service uses UDP when the transport is left on auto.
     */
    public static Optional<Transport> parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIP_TRANSPORT_")) {
            t = t.substring("SIP_TRANSPORT_".length());
        }
        if (t.equals("AUTO")) {
            return Optional.of(UDP);
        }
        for (Transport v : values()) {
            if (v.name().equals(t)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Maps a protobuf enum number (0 = AUTO = UDP). */
    public static Optional<Transport> fromProtoNumber(int n) {
        if (n == 0) {
            return Optional.of(UDP);
        }
        for (Transport v : values()) {
            if (v.protoNumber == n) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }
}
