package dev.gateway.sip.signalling;

import dev.gateway.sip.LogGate;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * In-dialog requests from an address that is not the dialog's peer (a forged BYE that names a live call's Call-ID
 * and tags): answered 403, counted, and logged at most once per {@value #LOG_INTERVAL_SECONDS} s with the count since
 * the last line, so a flood of them cannot flood the log.
 *
 * <p>Thread-safe (JAIN-SIP's threads call it concurrently); allocation only when a line is logged.
 */
final class ForeignRequests {
    static final long LOG_INTERVAL_SECONDS = 10;
    private static final System.Logger LOG = System.getLogger("sip");

    private final AtomicLong refused = new AtomicLong();
    private final LogGate lines;

    ForeignRequests(LongSupplier nanoClock) {
        this.lines = new LogGate(LOG_INTERVAL_SECONDS * 1_000_000_000L, 1, nanoClock);
    }

    void refuse(SipContext context, ServerTransaction tx, Request request, String source) {
        refused.incrementAndGet();
        context.reply(tx, Response.FORBIDDEN, "Not from this dialog's peer");
        long heldBack = lines.admit("foreign");
        if (heldBack >= 0) {
            LOG.log(System.Logger.Level.WARNING, "refused " + (heldBack + 1) + " in-dialog request(s) "
                    + "from addresses that are not their dialog's peer (latest: " + request.getMethod() + " from "
                    + source + " for Call-ID " + SipSignalling.callId(request) + "); answered 403");
        }
    }

    /** Requests refused since start. */
    long refused() {
        return refused.get();
    }
}
