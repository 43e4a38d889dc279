package dev.gateway.media.webrtc.sctp;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An error cause carried by ABORT and ERROR (RFC 4960 §3.3.10).
 *
 * <pre>
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Cause Code          |       Cause Length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                    Cause-Specific Information                 /   padded to 4
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * @param code cause code, e.g. {@link #UNRECOGNIZED_CHUNK_TYPE}
 * @param info cause-specific bytes, owned by this record
 */
public record SctpErrorCause(int code, byte[] info) {

    /** Info is the unrecognised chunk, header included (§3.3.10.6). */
    public static final int UNRECOGNIZED_CHUNK_TYPE = 6;
    /** Info is the upper layer's reason (§3.3.10.12). */
    public static final int USER_INITIATED_ABORT = 12;
    /** Info is free text (RFC 4460 §4.3 cause 13). */
    public static final int PROTOCOL_VIOLATION = 13;

    private static final int HEADER = 4;

    /** A cause whose info is UTF-8 text. */
    public static SctpErrorCause text(int code, String text) {
        return new SctpErrorCause(code, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The info as UTF-8 text (for user-initiated abort and protocol violation). */
    public String infoText() {
        return new String(info, StandardCharsets.UTF_8);
    }

    static int encodedSize(List<SctpErrorCause> causes) {
        int n = 0;
        for (int i = 0; i < causes.size(); i++) {
            int len = HEADER + causes.get(i).info.length;
            n += i == causes.size() - 1 ? len : SctpChunk.padded(len); // the chunk pads the last one
        }
        return n;
    }

    static void encode(List<SctpErrorCause> causes, ByteBuf out) {
        for (int i = 0; i < causes.size(); i++) {
            SctpErrorCause c = causes.get(i);
            out.writeShort(c.code);
            out.writeShort(HEADER + c.info.length);
            out.writeBytes(c.info);
            if (i < causes.size() - 1) {
                out.writeZero(SctpChunk.padded(c.info.length) - c.info.length);
            }
        }
    }

    /** Decodes a cause list; null when a length is inconsistent. */
    static List<SctpErrorCause> decode(ByteBuf value) {
        List<SctpErrorCause> causes = new ArrayList<>();
        while (value.readableBytes() >= HEADER) {
            int code = value.readUnsignedShort();
            int len = value.readUnsignedShort();
            if (len < HEADER || len - HEADER > value.readableBytes()) {
                return null;
            }
            byte[] info = new byte[len - HEADER];
            value.readBytes(info);
            value.skipBytes(Math.min(value.readableBytes(), SctpChunk.padded(len) - len));
            causes.add(new SctpErrorCause(code, info));
        }
        return List.copyOf(causes);
    }
}
