package dev.gateway.media.webrtc.sctp;

import dev.gateway.media.webrtc.sctp.SctpForwardTsnChunk.StreamSsn;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rebuilds user messages from DATA chunks (RFC 4960 §6.5, §6.9): ordered messages per stream by SSN and handed
 * over in SSN order; unordered ones as soon as a B..E run of consecutive TSNs is complete. Chunks arrive here once
 * each (the receive queue filters duplicates).
 *
 * <p>Not thread-safe: loop-confined to its association.
 */
final class SctpReassembly {

    /** Where complete messages go. {@code data} is a new array the receiver may keep. */
    interface Sink {
        void deliver(int streamId, int ppid, byte[] data);
    }

    /** Per ordered stream: the next SSN to hand over and fragments by SSN, each sorted by TSN. */
    private static final class OrderedStream {
        int nextSsn;
        final Map<Integer, TreeMap<Long, SctpDataChunk>> pending = new HashMap<>();
    }

    private final Map<Integer, OrderedStream> ordered = new HashMap<>();
    private final TreeMap<Long, SctpDataChunk> unordered = new TreeMap<>();
    private long bufferedBytes;

    /** Bytes held waiting for missing fragments or earlier SSNs. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    void add(long tsn, SctpDataChunk chunk, Sink sink) {
        if (chunk.unordered()) {
            addUnordered(tsn, chunk, sink);
            return;
        }
        OrderedStream stream = ordered.computeIfAbsent(chunk.streamId(), k -> new OrderedStream());
        if (ssnBefore(chunk.ssn(), stream.nextSsn)) {
            return; // a message already handed over or skipped by FORWARD TSN
        }
        stream.pending.computeIfAbsent(chunk.ssn(), k -> new TreeMap<>()).put(tsn, chunk);
        bufferedBytes += chunk.payload().length;
        drain(chunk.streamId(), stream, sink);
    }

    private void drain(int streamId, OrderedStream stream, Sink sink) {
        while (true) {
            TreeMap<Long, SctpDataChunk> fragments = stream.pending.get(stream.nextSsn);
            if (fragments == null || !complete(fragments)) {
                return;
            }
            stream.pending.remove(stream.nextSsn);
            stream.nextSsn = (stream.nextSsn + 1) & 0xFFFF;
            deliver(fragments, sink);
        }
    }

    private void addUnordered(long tsn, SctpDataChunk chunk, Sink sink) {
        if (chunk.beginning() && chunk.ending()) {
            sink.deliver(chunk.streamId(), chunk.ppid(), chunk.payload());
            return;
        }
        unordered.put(tsn, chunk);
        bufferedBytes += chunk.payload().length;
        long first = tsn;
        while (!unordered.get(first).beginning()) {
            if (!unordered.containsKey(first - 1)) {
                return;
            }
            first--;
        }
        long last = tsn;
        while (!unordered.get(last).ending()) {
            if (!unordered.containsKey(last + 1)) {
                return;
            }
            last++;
        }
        TreeMap<Long, SctpDataChunk> run = new TreeMap<>(unordered.subMap(first, true, last, true));
        unordered.subMap(first, true, last, true).clear();
        deliver(run, sink);
    }

    private static boolean complete(TreeMap<Long, SctpDataChunk> fragments) {
        return fragments.firstEntry().getValue().beginning() && fragments.lastEntry().getValue().ending()
                && fragments.lastKey() - fragments.firstKey() == fragments.size() - 1;
    }

    private void deliver(TreeMap<Long, SctpDataChunk> fragments, Sink sink) {
        int total = 0;
        for (SctpDataChunk c : fragments.values()) {
            total += c.payload().length;
        }
        byte[] data = new byte[total];
        int at = 0;
        for (SctpDataChunk c : fragments.values()) {
            System.arraycopy(c.payload(), 0, data, at, c.payload().length);
            at += c.payload().length;
        }
        bufferedBytes -= total;
        SctpDataChunk first = fragments.firstEntry().getValue();
        sink.deliver(first.streamId(), first.ppid(), data);
    }

    /**
     * FORWARD TSN (RFC 3758 §3.6): drops unordered fragments at or below the new cumulative TSN, skips the listed
     * SSNs on ordered streams and hands over what that unblocks.
     */
    void forward(long newCumulativeTsn, List<StreamSsn> streams, Sink sink) {
        for (SctpDataChunk c : unordered.headMap(newCumulativeTsn, true).values()) {
            bufferedBytes -= c.payload().length;
        }
        unordered.headMap(newCumulativeTsn, true).clear();
        for (StreamSsn s : streams) {
            OrderedStream stream = ordered.computeIfAbsent(s.streamId(), k -> new OrderedStream());
            for (Iterator<Map.Entry<Integer, TreeMap<Long, SctpDataChunk>>> it = stream.pending.entrySet().iterator();
                    it.hasNext();) {
                Map.Entry<Integer, TreeMap<Long, SctpDataChunk>> e = it.next();
                if (!ssnBefore(s.ssn(), e.getKey())) {
                    for (SctpDataChunk c : e.getValue().values()) {
                        bufferedBytes -= c.payload().length;
                    }
                    it.remove();
                }
            }
            if (!ssnBefore(s.ssn(), stream.nextSsn)) {
                stream.nextSsn = (s.ssn() + 1) & 0xFFFF;
            }
        }
        for (Map.Entry<Integer, OrderedStream> e : new ArrayList<>(ordered.entrySet())) {
            drain(e.getKey(), e.getValue(), sink);
        }
    }

    /** RFC 1982 serial comparison of 16-bit SSNs: a before b. */
    static boolean ssnBefore(int a, int b) {
        return a != b && (short) (a - b) < 0;
    }
}
