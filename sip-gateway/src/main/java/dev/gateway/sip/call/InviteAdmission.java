package dev.gateway.sip.call;

import dev.gateway.agent.CallInfo;
import dev.gateway.agent.RoomTarget;
import dev.gateway.sip.dispatch.DispatchResolver;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.SdpException;
import dev.gateway.media.sdp.SessionDescription;
import dev.gateway.sip.signalling.SipContext;
import dev.gateway.sip.signalling.SipCallEvents;
import dev.gateway.sip.signalling.SipCalls;
import dev.gateway.sip.signalling.SipSignalling;
import dev.gateway.sip.trunk.AuthFailures;
import dev.gateway.sip.trunk.DigestAuthenticator;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.InboundTrunkMatcher;
import dev.gateway.sip.trunk.SourceBlocker;
import dev.gateway.sip.trunk.TokenBucket;
import gov.nist.javax.sip.RequestEventExt;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.text.ParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import javax.sip.ServerTransaction;
import javax.sip.address.SipURI;
import javax.sip.address.TelURL;
import javax.sip.address.URI;
import javax.sip.header.FromHeader;
import javax.sip.header.Header;
import javax.sip.header.RetryAfterHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Decides what happens to a new INVITE, in this order, each rejection saying why: {@link FloodGate} drops scanners,
 * blocked sources, unlisted sources of a closed configuration and INVITEs at the unconfirmed-dialog cap or over the
 * global rate silently, before any transaction; 400 for a Contact that is not one SIP/SIPS URI with a host (see
 * {@link ContactCheck}); 503 + Retry-After while draining or at {@code limits.maxCalls}; 404 when no
 * trunk serves the called number; 403 for a source or caller the trunk does not allow; 401 challenge / 403 on bad
 * credentials when the trunk has them; 400 for a malformed SDP offer; 488 when no codec is common. Otherwise the
 * call is created and handed to its event loop.
 *
 * <p>Threading: thread-safe; runs on JAIN-SIP threads and never blocks (no DNS: SDP addresses must be literals).
 */
public final class InviteAdmission implements SipCalls {
    private static final System.Logger LOG = System.getLogger("sip");

    private final SipContext sip;
    private final CallRegistry registry;
    private final java.util.function.Supplier<Routing> routing;
    private final DigestAuthenticator digest = new DigestAuthenticator();
    private final AuthFailures failures = new AuthFailures();
    private final FloodGate gate;
    private final BooleanSupplier draining;
    private final MediaEngine media;
    private final CallServices services;

    /**
     * Which trunks and rules apply now: swapped as a whole when the SIP API changes them.
     *
     * @param dispatch room selection when calls go to LiveKit rooms, or null for the local agent
     */
    public record Routing(InboundTrunkMatcher trunks, DispatchResolver dispatch) {
    }

    /**
     * @param blocker the per-source budget of unlisted sources, or null for none
     * @param invites the INVITE rate of all sources together, or null for none
     */
    public InviteAdmission(CallServices services, java.util.function.Supplier<Routing> routing, SourceBlocker blocker,
                           TokenBucket invites, BooleanSupplier draining) {
        this.routing = routing;
        this.sip = services.sip();
        this.registry = services.registry();
        this.media = services.media();
        this.services = services;
        this.gate = new FloodGate(services.registry(), () -> routing.get().trunks(), blocker, invites, System.nanoTime());
        this.draining = draining;
    }

    @Override
    public SipCallEvents bySipCallId(String callId) {
        return registry.bySipCallId(callId);
    }

    @Override
    public String unavailableReason() {
        return draining.getAsBoolean() ? "Draining, try another node" : registry.full() ? "Too many calls" : null;
    }

    @Override
    public boolean dropSilently(RequestEventExt event) {
        // no answer at all: scanners learn nothing, floods get no amplification
        return gate.drop(event.getRequest(), address(event.getRemoteIpAddress()), System.nanoTime());
    }

    /** A new INVITE (no To tag) that {@link #dropSilently} let through. */
    @Override
    public void admit(RequestEventExt event, ServerTransaction tx) {
        Request request = tx.getRequest();
        InetAddress source = address(event.getRemoteIpAddress());
        String callId = SipSignalling.callId(request);
        String called = user(request.getRequestURI());
        String caller = user(((FromHeader) request.getHeader(FromHeader.NAME)).getAddress().getURI());
        String where = "INVITE " + callId + " from " + event.getRemoteIpAddress() + " (" + caller + " -> " + called + ")";
        String contactProblem = ContactCheck.problem(request);
        if (contactProblem != null) {
            reject(tx, Response.BAD_REQUEST, contactProblem, where); // a call we could never send a BYE to
            return;
        }
        if (draining.getAsBoolean()) {
            unavailable(tx, "Draining, try another node", where);
            return;
        }
        Routing now = routing.get();
        InboundTrunkMatcher.Match match = now.trunks().match(source, called, caller);
        InboundTrunk trunk;
        if (match instanceof InboundTrunkMatcher.Matched m) {
            trunk = m.trunk();
        } else if (match instanceof InboundTrunkMatcher.NoTrunk) {
            reject(tx, Response.NOT_FOUND, "No trunk serves " + called, where);
            return;
        } else if (match instanceof InboundTrunkMatcher.SourceNotAllowed s) {
            reject(tx, Response.FORBIDDEN, "Source address not allowed by trunk " + s.trunkName(), where);
            return;
        } else {
            reject(tx, Response.FORBIDDEN, "Caller not allowed by trunk", where);
            return;
        }
        if (trunk.requiresAuth() && !authenticated(tx, trunk, event.getRemoteIpAddress(), where)) {
            return;
        }
        RoomTarget room = null;
        if (now.dispatch() != null) {
            room = now.dispatch().resolve(trunk.id(), caller, called);
            if (room == null) {
                reject(tx, Response.NOT_FOUND, "No dispatch rule for trunk " + trunk.displayName(), where);
                return;
            }
        }
        SessionDescription offer;
        SdpNegotiation negotiation;
        try {
            offer = SdpOffers.offer(request);
            negotiation = SdpOffers.negotiate(offer, trunk.mediaEncryption());
        } catch (SdpException e) {
            SdpOffers.reject(sip, tx, e, where);
            return;
        }
        SessionTimer timer = SessionTimer.parse(SipContext.headerValue(request.getHeader("Session-Expires")));
        if (timer != null && timer.tooSmall()) {
            try {
                Response r = sip.response(422, request);
                r.setHeader(sip.headers().createHeader("Min-SE", String.valueOf(SessionTimer.MIN_SECONDS)));
                sip.send(tx, r);
            } catch (ParseException e) {
                sip.reply(tx, 422, null);
            }
            LOG.log(System.Logger.Level.INFO, where + " rejected 422: Session-Expires below " + SessionTimer.MIN_SECONDS + " s");
            return;
        }
        if (!registry.reserve()) {
            unavailable(tx, "Too many calls", where);
            return;
        }
        boolean listed = now.trunks().lists(source);
        if (!registry.reserveUnconfirmed(source, listed)) {
            // Taken since the gate looked (the same caller's previous INVITE, typically): drop it as the gate would,
            // by ending the transaction unanswered; the caller's retransmission comes back as a new request.
            registry.unreserve();
            gate.dropAdmitted(tx, System.nanoTime());
            return;
        }
        sip.reply100(tx);
        String id = "c-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 12);
        Call call;
        try {
            CallInfo info = new CallInfo(id, caller, called, trunk.id(), mappedHeaders(request, trunk), room);
            call = new InboundDialog(callId, tx, info, offer, negotiation, timer, media.nextLoop(), services,
                    trunk.mediaEncryption());
        } catch (RuntimeException e) { // a request we could not make a call of: the slot goes back, the caller hears why
            registry.unreserve();
            registry.unreserveUnconfirmed(source);
            reject(tx, Response.SERVER_INTERNAL_ERROR, "Call could not be created", where + " [" + CallGuard.describe(e) + "]");
            return;
        }
        call.holdUnconfirmed(source);
        call.peers(new PeerAddresses(source, trunk.allowedAddresses()));
        registry.add(call);
        call.begin();
    }

    /** Requests dropped without an answer (see {@link FloodGate}) since start. */
    public long dropped() {
        return gate.dropped();
    }

    /** Requests dropped without an answer since start, per cause ({@code scanner}, {@code source_blocked}, ...). */
    public void forEachDropped(java.util.function.ObjLongConsumer<String> visitor) {
        for (FloodGate.Reason r : FloodGate.Reason.values()) {
            visitor.accept(r.name().toLowerCase(Locale.ROOT), gate.dropped(r));
        }
    }

    private boolean authenticated(ServerTransaction tx, InboundTrunk trunk, String source, String where) {
        long now = System.currentTimeMillis();
        Header authorization = tx.getRequest().getHeader("Authorization");
        String value = authorization == null ? null : SipContext.headerValue(authorization);
        String blocked = failures.blocked(source, trunk.authUsername(), now);
        if (blocked != null) {
            sip.reply(tx, Response.FORBIDDEN, "Too many failed authentications, try later");
            return false; // logged once, when the block started
        }
        String realm = trunk.displayName();
        DigestAuthenticator.Verdict verdict = digest.verify(Request.INVITE, tx.getRequest().getRequestURI().toString(),
                value, trunk.authUsername(), trunk.authPassword(), source, now);
        switch (verdict) {
            case OK:
                return true;
            case MISSING:
            case STALE_NONCE:
                try {
                    Response challenge = sip.response(Response.UNAUTHORIZED, tx.getRequest());
                    challenge.setHeader(sip.headers().createHeader("WWW-Authenticate", digest.challenge(realm, source,
                            verdict == DigestAuthenticator.Verdict.STALE_NONCE, now)));
                    sip.send(tx, challenge);
                } catch (ParseException e) {
                    sip.reply(tx, Response.SERVER_INTERNAL_ERROR, null);
                }
                return false;
            default:
                String user = DigestAuthenticator.username(value);
                if (failures.recordFailure(source, user, now)) {
                    LOG.log(System.Logger.Level.WARNING, where + ": " + failures.blocked(source, user, now) + " within "
                            + "a minute; its INVITEs get 403 for the next 5 minutes");
                }
                reject(tx, Response.FORBIDDEN, "Authentication failed", where + " [" + verdict.name().toLowerCase(Locale.ROOT) + "]");
                return false;
        }
    }

    private void reject(ServerTransaction tx, int status, String reason, String where) {
        sip.reply(tx, status, reason);
        LOG.log(System.Logger.Level.INFO, where + " rejected " + status + ": " + reason);
    }

    private void unavailable(ServerTransaction tx, String reason, String where) {
        try {
            Response r = sip.response(Response.SERVICE_UNAVAILABLE, tx.getRequest());
            r.setReasonPhrase(reason);
            RetryAfterHeader retry = sip.headers().createRetryAfterHeader(30);
            r.setHeader(retry);
            sip.send(tx, r);
        } catch (ParseException | javax.sip.InvalidArgumentException e) {
            sip.reply(tx, Response.SERVICE_UNAVAILABLE, reason);
        }
        LOG.log(System.Logger.Level.INFO, where + " rejected 503: " + reason);
    }

    private static Map<String, String> mappedHeaders(Request request, InboundTrunk trunk) {
        Map<String, String> out = new HashMap<>();
        for (String name : List.of("X-Twilio-CallSid", "X-Twilio-AccountSid")) {
            Header h = request.getHeader(name);
            if (h != null) {
                out.put(name, SipContext.headerValue(h));
            }
        }
        for (String name : trunk.headersToAttributes().keySet()) {
            Header h = request.getHeader(name);
            if (h != null) {
                out.put(name, SipContext.headerValue(h));
            }
        }
        return out;
    }


    static String user(URI uri) {
        if (uri instanceof SipURI s) {
            return s.getUser() == null ? "" : s.getUser();
        }
        if (uri instanceof TelURL t) {
            return (t.isGlobal() ? "+" : "") + t.getPhoneNumber();
        }
        return uri.toString();
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByAddress(NetUtil.createByteArrayFromIpAddressString(literal));
        } catch (UnknownHostException | RuntimeException e) {
            return InetAddress.getLoopbackAddress();
        }
    }
}
