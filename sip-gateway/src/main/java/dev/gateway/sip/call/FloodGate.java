package dev.gateway.sip.call;

import dev.gateway.sip.signalling.SipContext;
import dev.gateway.sip.trunk.InboundTrunkMatcher;
import dev.gateway.sip.trunk.SourceBlocker;
import dev.gateway.sip.trunk.TokenBucket;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import javax.sip.ObjectInUseException;
import javax.sip.ServerTransaction;
import javax.sip.header.CallIdHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.UserAgentHeader;
import javax.sip.message.Request;

/**
 * What is decided before a SIP transaction exists, for every request but ACK and CANCEL. A request dropped here gets
 * no answer at all (no {@code 100 Trying}, no retransmitted final response): a flood costs us a parse and a few
 * lookups and gets nothing back. In order:
 * <ol>
 *   <li>a request of a live call (its Call-ID is registered) passes, uncounted;</li>
 *   <li>scanner User-Agents are dropped;</li>
 *   <li>a source that no trunk's {@code allowed_addresses} lists spends its per-source budget
 *       ({@code limits.requestsPerSecondPerSource}); the request that overspends it blocks the source for
 *       {@code limits.blockSeconds}, and everything it sends meanwhile is dropped (pike-like). Trunk sources are never
 *       blocked: Twilio sends every call from a few addresses;</li>
 *   <li>a new INVITE (no To tag) is dropped when it comes from a source no trunk lists while every trunk lists its
 *       sources (it could never place a call), at the unconfirmed-dialog cap ({@code limits.maxUnconfirmed} in all, the
 *       last fifth of it kept for trunk sources and sources that ACKed a call before; {@code
 *       limits.maxUnconfirmedPerSource} for an unlisted source), or over {@code limits.invitesPerSecond} from
 *       all sources together. A caller's own retransmissions (0.5, 1, 2, 4 s ...) bring it back once there is room.</li>
 * </ol>
 * Logs: one line when a block starts, one when it ends (with the requests it refused), at most
 * {@value #BLOCK_LINES} of each per summary interval (a flood from many sources would otherwise write one line per
 * source: the rest are counted in the summary), and a summary of the drops by reason at most every
 * {@value #SUMMARY_NANOS} ns.
 *
 * <p>Threading: thread-safe; runs on JAIN-SIP threads and never blocks (short locks in its parts).
 */
final class FloodGate {
    private static final System.Logger LOG = System.getLogger("sip");
    private static final List<String> SCANNERS = List.of("friendly-scanner", "sipvicious", "sipcli", "sip-scan",
            "vaxsipuseragent", "pplsip", "iwar", "sundayddr", "sipsak");
    static final long SUMMARY_NANOS = 10_000_000_000L;
    static final int BLOCK_LINES = 20;
    private static final long SWEEP_NANOS = 1_000_000_000L;

    /** Why a request was dropped. */
    enum Reason { SCANNER, SOURCE_BLOCKED, SOURCE_UNLISTED, UNCONFIRMED_CAP, INVITE_RATE }

    private final CallRegistry registry;
    private final Supplier<InboundTrunkMatcher> trunks;
    private final SourceBlocker blocker;
    private final TokenBucket invites;
    private final LongAdder[] dropped = new LongAdder[Reason.values().length];
    private final long[] reported = new long[Reason.values().length];
    private final AtomicLong nextSummary = new AtomicLong();
    private final AtomicLong nextSweep = new AtomicLong();
    private final AtomicInteger blockStartLinesLeft = new AtomicInteger(BLOCK_LINES);
    private final AtomicInteger blockEndLinesLeft = new AtomicInteger(BLOCK_LINES);
    private final LongAdder blockLinesSkipped = new LongAdder();

    /**
     * @param blocker the per-source budget, or null for none
     * @param invites the INVITE rate of all sources together, or null for none
     * @param startNanos now, on the clock later calls give
     */
    FloodGate(CallRegistry registry, Supplier<InboundTrunkMatcher> trunks, SourceBlocker blocker, TokenBucket invites,
              long startNanos) {
        nextSummary.set(startNanos);
        nextSweep.set(startNanos);
        this.registry = registry;
        this.trunks = trunks;
        this.blocker = blocker;
        this.invites = invites;
        for (int i = 0; i < dropped.length; i++) {
            dropped[i] = new LongAdder();
        }
    }

    /** True when {@code request} from {@code source} is to be dropped without any answer. */
    boolean drop(Request request, InetAddress source, long nowNanos) {
        sweepBlocks(nowNanos);
        CallIdHeader callId = (CallIdHeader) request.getHeader(CallIdHeader.NAME);
        if (callId != null && registry.bySipCallId(callId.getCallId()) != null) {
            return false;
        }
        if (isScanner(request)) {
            return count(Reason.SCANNER, nowNanos);
        }
        InboundTrunkMatcher matcher = trunks.get();
        boolean listed = matcher.lists(source);
        if (!listed && blocker != null) {
            SourceBlocker.Verdict verdict = blocker.admit(source, nowNanos);
            if (verdict == SourceBlocker.Verdict.BLOCK_STARTED) {
                if (blockStartLinesLeft.getAndDecrement() > 0) {
                    LOG.log(System.Logger.Level.WARNING, "source " + source.getHostAddress() + " blocked: over limits."
                            + "requestsPerSecondPerSource; its requests are dropped unanswered while the block lasts");
                } else {
                    blockLinesSkipped.increment();
                }
            }
            if (verdict.dropped()) {
                return count(Reason.SOURCE_BLOCKED, nowNanos);
            }
        }
        ToHeader to = (ToHeader) request.getHeader(ToHeader.NAME);
        if (!request.getMethod().equals(Request.INVITE) || to == null || to.getTag() != null) {
            return false;
        }
        if (!listed && matcher.closed()) {
            return count(Reason.SOURCE_UNLISTED, nowNanos);
        }
        if (registry.unconfirmedFull(source, listed)) {
            return count(Reason.UNCONFIRMED_CAP, nowNanos);
        }
        if (invites != null && !invites.tryTake(nowNanos)) {
            return count(Reason.INVITE_RATE, nowNanos);
        }
        return false;
    }

    /**
     * An INVITE that passed {@link #drop} found the unconfirmed cap full when it came to take its slot: its transaction
     * is ended without any answer, so it counts as dropped at the cap and the caller's retransmission is a new request.
     */
    void dropAdmitted(ServerTransaction tx, long nowNanos) {
        try {
            tx.terminate();
        } catch (ObjectInUseException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not end an unanswered INVITE transaction: " + e.getMessage());
        }
        count(Reason.UNCONFIRMED_CAP, nowNanos);
    }

    /** Block start/end lines not written since the last summary (over {@value #BLOCK_LINES} per interval). */
    long blockLinesSkipped() {
        return blockLinesSkipped.sum();
    }

    /** Requests dropped for {@code reason} since start. */
    long dropped(Reason reason) {
        return dropped[reason.ordinal()].sum();
    }

    /** Requests dropped since start, all reasons. */
    long dropped() {
        long n = 0;
        for (LongAdder a : dropped) {
            n += a.sum();
        }
        return n;
    }

    private boolean count(Reason reason, long nowNanos) {
        dropped[reason.ordinal()].increment();
        long next = nextSummary.get();
        if (nowNanos - next >= 0 && nextSummary.compareAndSet(next, nowNanos + SUMMARY_NANOS)) {
            logSummary();
        }
        return true;
    }

    /** One line: what was dropped, by reason, since the last such line. Only the thread that won the CAS gets here. */
    private synchronized void logSummary() {
        StringBuilder line = new StringBuilder("dropped unanswered since the last report:");
        for (Reason r : Reason.values()) {
            long now = dropped[r.ordinal()].sum();
            line.append(' ').append(r.name().toLowerCase(Locale.ROOT)).append('=').append(now - reported[r.ordinal()]);
            reported[r.ordinal()] = now;
        }
        line.append(" (unconfirmed dialogs: ").append(registry.unconfirmed());
        long skipped = blockLinesSkipped.sumThenReset();
        if (skipped > 0) {
            line.append("; ").append(skipped).append(" block start/end line(s) not written");
        }
        line.append(')');
        blockStartLinesLeft.set(BLOCK_LINES);
        blockEndLinesLeft.set(BLOCK_LINES);
        LOG.log(System.Logger.Level.WARNING, line.toString());
    }

    private void sweepBlocks(long nowNanos) {
        long next = nextSweep.get();
        if (blocker == null || nowNanos - next < 0 || !nextSweep.compareAndSet(next, nowNanos + SWEEP_NANOS)) {
            return;
        }
        for (SourceBlocker.EndedBlock b : blocker.sweep(nowNanos)) {
            if (blockEndLinesLeft.getAndDecrement() > 0) {
                LOG.log(System.Logger.Level.INFO, "source " + b.source().getHostAddress() + " unblocked after "
                        + b.blockedNanos() / 1_000_000_000L + " s; " + b.refused() + " request(s) dropped during the block");
            } else {
                blockLinesSkipped.increment();
            }
        }
    }

    private static boolean isScanner(Request request) {
        UserAgentHeader ua = (UserAgentHeader) request.getHeader(UserAgentHeader.NAME);
        if (ua == null) {
            return false;
        }
        String agent = SipContext.headerValue(ua).toLowerCase(Locale.ROOT);
        for (String s : SCANNERS) {
            if (agent.contains(s)) {
                return true;
            }
        }
        return false;
    }
}
