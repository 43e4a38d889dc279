package dev.gateway.media.webrtc.ice;

import java.util.concurrent.atomic.LongAdder;

/** The counters behind {@link IceStats}; written on the agent's loop, read from any thread. */
final class IceCounters {

    final LongAdder requestsReceived = new LongAdder();
    final LongAdder responsesReceived = new LongAdder();
    final LongAdder checksSent = new LongAdder();
    final LongAdder malformed = new LongAdder();
    final LongAdder unauthenticated = new LongAdder();
    final LongAdder unknownTransaction = new LongAdder();
    final LongAdder roleConflicts = new LongAdder();

    IceStats snapshot(long retransmits) {
        return new IceStats(requestsReceived.sum(), responsesReceived.sum(), checksSent.sum(), retransmits,
                malformed.sum(), unauthenticated.sum(), unknownTransaction.sum(), roleConflicts.sum());
    }
}
