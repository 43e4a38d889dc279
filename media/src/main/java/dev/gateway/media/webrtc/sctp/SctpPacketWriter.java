package dev.gateway.media.webrtc.sctp;

import java.util.ArrayList;
import java.util.List;

/**
 * Bundles chunks into packets of at most {@link #MAX_PACKET} bytes and hands each to the output (RFC 4960 §6.10).
 * Mutable; loop-confined to its association.
 */
final class SctpPacketWriter {

    /** Largest SCTP packet: one DATA chunk of {@link SctpSendQueue#MAX_FRAGMENT} plus headers. */
    static final int MAX_PACKET = SctpPacket.HEADER_SIZE + SctpChunk.HEADER_SIZE + SctpDataChunk.FIXED_SIZE
            + SctpSendQueue.MAX_FRAGMENT;

    private final int localPort;
    private final int remotePort;
    private final SctpAssociation.Output out;
    private final SctpCounters counters;
    private final List<SctpChunk> chunks = new ArrayList<>();
    private int size = SctpPacket.HEADER_SIZE;
    private int tag;

    SctpPacketWriter(int localPort, int remotePort, SctpAssociation.Output out, SctpCounters counters) {
        this.localPort = localPort;
        this.remotePort = remotePort;
        this.out = out;
        this.counters = counters;
    }

    /** Starts bundling for the given verification tag (flushing anything pending under another). */
    void begin(int verificationTag) {
        if (verificationTag != tag) {
            finish();
        }
        tag = verificationTag;
    }

    /** Bytes still free in the current packet. */
    int room() {
        return MAX_PACKET - size;
    }

    /** Adds a chunk, first sending the current packet when the chunk does not fit. */
    void add(SctpChunk chunk) {
        if (chunk.encodedSize() > room() && !chunks.isEmpty()) {
            finish();
        }
        chunks.add(chunk);
        size += chunk.encodedSize();
    }

    /** Sends the packet in progress, if any. */
    void finish() {
        if (chunks.isEmpty()) {
            return;
        }
        byte[] bytes = SctpPacketCodec.encode(new SctpPacket(localPort, remotePort, tag, chunks));
        chunks.clear();
        size = SctpPacket.HEADER_SIZE;
        counters.packetsSent.increment();
        out.send(bytes, 0, bytes.length);
    }
}
