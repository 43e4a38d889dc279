package dev.gateway.sip.call;

import dev.gateway.sip.signalling.SipContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.text.ParseException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.SipException;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * RFC 4028 session timers for one call, as {@link SessionTimer} describes the policy: echo the caller's
 * Session-Expires in our 2xx, send UPDATE refreshes when we are the refresher, and when the caller misses its
 * refresh keep the call while RTP still flows. Mutable; confined to the call's loop.
 */
final class SessionRefresh {
    /** What the call does when the session is over. */
    interface Expiry {
        void expired(String reason);

        void log(String event);
    }

    private final SipContext sip;
    private final EventLoop loop;
    private final String transport;
    private final LongSupplier packetsIn;
    private final Expiry expiry;
    private SessionTimer timer;
    private ScheduledFuture<?> future;
    private long packetsAtLastRefresh;

    SessionRefresh(SessionTimer timer, SipContext sip, EventLoop loop, String transport, LongSupplier packetsIn, Expiry expiry) {
        this.timer = timer;
        this.sip = sip;
        this.loop = loop;
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
    void arm(Dialog dialog, Object owner) {
        cancel();
        if (timer == null) {
            return;
        }
        packetsAtLastRefresh = packetsIn.getAsLong();
        if (timer.weRefresh()) {
            future = loop.schedule(() -> sendRefresh(dialog, owner), timer.refreshMillis(), TimeUnit.MILLISECONDS);
        } else {
            future = loop.schedule(() -> refreshMissed(dialog, owner), timer.expiryMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void cancel() {
        if (future != null) {
            future.cancel(false);
            future = null;
        }
    }

    private void sendRefresh(Dialog dialog, Object owner) {
        try {
            Request update = dialog.createRequest(Request.UPDATE);
            update.setHeader(sip.headers().createHeader("Session-Expires", timer.headerValue()));
            update.addHeader(sip.contact(transport));
            ClientTransaction ct = sip.provider().getNewClientTransaction(update);
            ct.setApplicationData(owner);
            dialog.sendRequest(ct);
        } catch (ParseException | SipException e) {
            expiry.log("session refresh could not be sent: " + e.getMessage());
        }
        arm(dialog, owner);
    }

    private void refreshMissed(Dialog dialog, Object owner) {
        if (packetsIn.getAsLong() > packetsAtLastRefresh) {
            expiry.log("caller missed its session refresh (" + timer.seconds() + " s) but RTP still flows: keeping the call");
            arm(dialog, owner);
        } else {
            expiry.expired("session expired (no refresh, no RTP)");
        }
    }
}
