package dev.gateway.media.webrtc.sctp;

/**
 * Chunk type codes (RFC 4960 §3.2, RFC 3758 §3.2). Immutable.
 */
public enum SctpChunkType {
    DATA(0),
    INIT(1),
    INIT_ACK(2),
    SACK(3),
    HEARTBEAT(4),
    HEARTBEAT_ACK(5),
    ABORT(6),
    SHUTDOWN(7),
    SHUTDOWN_ACK(8),
    ERROR(9),
    COOKIE_ECHO(10),
    COOKIE_ACK(11),
    SHUTDOWN_COMPLETE(14),
    FORWARD_TSN(192);

    private static final SctpChunkType[] BY_CODE = new SctpChunkType[256];

    static {
        for (SctpChunkType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;

    SctpChunkType(int code) {
        this.code = code;
    }

    /** The wire code, 0..255. */
    public int code() {
        return code;
    }

    /** The type for a wire code, or null when this implementation does not know it. */
    public static SctpChunkType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    /**
     * What RFC 4960 §3.2 says to do with an unrecognised chunk type, from its two upper bits.
     */
    public enum UnknownAction {
        /** 00: stop processing this packet and discard it. */
        STOP,
        /** 01: stop, discard, and report it in an ERROR chunk (Unrecognized Chunk Type). */
        STOP_AND_REPORT,
        /** 10: skip this chunk and continue. */
        SKIP,
        /** 11: skip, continue, and report it in an ERROR chunk. */
        SKIP_AND_REPORT;

        /** The action for a chunk type code. */
        public static UnknownAction of(int typeCode) {
            return values()[(typeCode >>> 6) & 0x3];
        }

        /** True when the rest of the packet must not be processed. */
        public boolean stops() {
            return this == STOP || this == STOP_AND_REPORT;
        }

        /** True when an ERROR chunk with cause 6 is owed to the peer. */
        public boolean reports() {
            return this == STOP_AND_REPORT || this == SKIP_AND_REPORT;
        }
    }
}
