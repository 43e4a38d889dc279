package dev.gateway.sip.call;

import dev.gateway.sip.signalling.SipContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.text.ParseException;
import java.util.function.LongSupplier;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * RFC 4028 session timers for one call, as {@link SessionTimer} describes the policy: echo the caller's
 * Session-Expires in our 2xx, send UPDATE refreshes when we are the refresher, and when the caller misses its
 * refresh keep the call while RTP still flows. Mutable; confined to the call's loop; the UPDATE itself is built and
 * sent on the SIP executor through {@link Owner#send}.
 */
final class SessionRefresh {
    /** The call this belongs to: what it does when the session is over, its timers and its SIP sends. */
    interface Owner {
        void expired(String reason);

        void log(String event);

        ScheduledFuture<?> schedule(String event, Runnable task, long millis);

        void send(String what, Runnable action);

        /** Set as the UPDATE transaction's application data, so its response comes back to the call. */
        Object transactionOwner();
    }

    private final SipContext sip;
    private final String transport;
    private final LongSupplier packetsIn;
    private final Owner expiry;
    private SessionTimer timer;
    private ScheduledFuture<?> future;
    private long packetsAtLastRefresh;

    SessionRefresh(SessionTimer timer, SipContext sip, String transport, LongSupplier packetsIn, Owner expiry) {
        this.timer = timer;
        this.sip = sip;
        this.transport = transport;
        this.packetsIn = packetsIn;
        this.expiry = expiry;
    }

    /** A refresh (re-INVITE/UPDATE) may bring a new interval. */
    void refreshedBy(Request request) {
        SessionTimer asked = SessionTimer.parse(SipContext.headerValue(request.getHeader("Session-Expires")));
        if (asked != null && !asked.tooSmall()) {
            timer = asked;
        }
    }

    /** Adds Session-Expires (and Require: timer when the peer supports it) to our 2xx. */
    void addTo(Response ok, Request request) throws ParseException {
        if (timer == null) {
            return;
        }
        ok.setHeader(sip.headers().createHeader("Session-Expires", timer.headerValue()));
        if (SipContext.supports(request, "timer")) {
            ok.setHeader(sip.headers().createRequireHeader("timer"));
        }
    }

    /** (Re)arms the timer after the answer or a refresh; {@code dialog} carries our UPDATEs. */
    void arm(Dialog dialog) {
        cancel();
        if (timer == null) {
            return;
        }
        packetsAtLastRefresh = packetsIn.getAsLong();
        if (timer.weRefresh()) {
            future = expiry.schedule("session refresh", () -> sendRefresh(dialog), timer.refreshMillis());
        } else {
            future = expiry.schedule("session expiry", () -> refreshMissed(dialog), timer.expiryMillis());
        }
    }

    void cancel() {
        if (future != null) {
            future.cancel(false);
            future = null;
        }
    }

    private void sendRefresh(Dialog dialog) {
        String expires = timer.headerValue();
        Object owner = expiry.transactionOwner();
        expiry.send("UPDATE", () -> {
            try {
                Request update = dialog.createRequest(Request.UPDATE);
                update.setHeader(sip.headers().createHeader("Session-Expires", expires));
                update.addHeader(sip.contact(transport));
                ClientTransaction ct = sip.provider().getNewClientTransaction(update);
                ct.setApplicationData(owner);
                dialog.sendRequest(ct);
            } catch (ParseException | SipException e) {
                expiry.log("session refresh could not be sent: " + e.getMessage());
            }
        });
        arm(dialog);
    }

    private void refreshMissed(Dialog dialog) {
        if (packetsIn.getAsLong() > packetsAtLastRefresh) {
            expiry.log("caller missed its session refresh (" + timer.seconds() + " s) but RTP still flows: keeping the call");
            arm(dialog);
        } else {
            expiry.expired("session expired (no refresh, no RTP)");
        }
    }
}
