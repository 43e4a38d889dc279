package dev.gateway.sip.call;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.TransferResult;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaListener;
import dev.gateway.media.endpoint.MediaParams;
import dev.gateway.media.endpoint.RtpEndpoint;
import dev.gateway.media.g711.G711;
import dev.gateway.media.sdp.MediaDirection;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SessionDescription;
import dev.gateway.sip.signalling.SipContext;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.text.ParseException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.SipException;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * One inbound call: the SIP dialog (UAS side), its phone-side media and its agent.
 *
 * <p>Threading: an actor confined to its media event loop. Every public method may be called from any thread
 * (JAIN-SIP, HTTP, the agent); each hands its work to the loop, so state changes are single-threaded and need no
 * locks. The loop is the same one that carries the call's RTP, so the agent's callbacks and the media share it.
 */
public final class Call {
    private static final System.Logger LOG = System.getLogger("call");

    private final String id;
    private final String sipCallId;
    private final CallInfo info;
    private final EventLoop loop;
    private final SipContext sip;
    private final MediaEngine media;
    private final AgentFactory agents;
    private final CallRegistry registry;
    private final CallSettings settings;
    private final long startedAtMillis = System.currentTimeMillis();
    private final long sdpSessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    private final String toTag = Long.toHexString(ThreadLocalRandom.current().nextLong());

    private final ServerTransaction invite;       // inbound: the INVITE we answer; null for outbound calls
    private final OutboundDial dial;              // outbound: what to dial; null for inbound calls
    private OutboundInvite outboundInvite;
    private final String transport;
    private SessionDescription offer;
    private OfferAnswer.Negotiation negotiation;
    private long sdpVersion = 1;
    private Dialog dialog;
    private RtpEndpoint endpoint;
    private CallAgent agent;
    private volatile CallState state = CallState.RINGING;
    private final StringBuilder dtmf = new StringBuilder();
    private final TransferInProgress transfer = new TransferInProgress();
    private ScheduledFuture<?> pendingTimer;
    private final Ringback ringback = new Ringback();
    private final SessionRefresh sessionRefresh;

    Call(String sipCallId, ServerTransaction invite, CallInfo info, SessionDescription offer,
         OfferAnswer.Negotiation negotiation, SessionTimer timer, EventLoop loop, CallServices services) {
        this.id = info.id();
        this.invite = invite;
        this.sipCallId = sipCallId;
        this.info = info;
        this.offer = offer;
        this.negotiation = negotiation;
        this.loop = loop;
        this.sip = services.sip();
        this.media = services.media();
        this.agents = services.agents();
        this.registry = services.registry();
        this.settings = services.settings();
        this.transport = ((ViaHeader) invite.getRequest().getHeader(ViaHeader.NAME)).getTransport();
        this.dial = null;
        this.sessionRefresh = newSessionRefresh(timer);
    }

    /** An outbound call (CreateSIPParticipant): the gateway is the UAC. */
    Call(String sipCallId, CallInfo info, OutboundDial dial, EventLoop loop, CallServices services) {
        this.id = info.id();
        this.invite = null;
        this.dial = dial;
        this.sipCallId = sipCallId;
        this.info = info;
        this.loop = loop;
        this.sip = services.sip();
        this.media = services.media();
        this.agents = services.agents();
        this.registry = services.registry();
        this.settings = services.settings();
        this.transport = dial.trunk().transport().name().toLowerCase(java.util.Locale.ROOT);
        this.state = CallState.DIALING;
        this.outboundInvite = new OutboundInvite(sip, dial, sipCallId, toTag, transport, this);
        this.sessionRefresh = newSessionRefresh(null);
    }

    public String id() { return id; }
    public CallInfo info() { return info; }
    public String sipCallId() { return sipCallId; }
    public CallState state() { return state; }
    EventLoop loop() { return loop; }

    // ---------------------------------------------------------------- set-up

    /** Opens media, rings, answers. Called once, from any thread, after the call was added to the registry. */
    public void begin() {
        if (dial != null) {
            beginOutbound();
            return;
        }
        log("incoming from=" + info.from() + " to=" + info.to() + " trunk=" + info.trunkId() + " codec="
                + negotiation.encodingName() + " ptime=" + negotiation.ptimeMs() + " transport=" + transport);
        media.open(loop).whenComplete((ep, error) -> loop.execute(() -> {
            if (error != null) {
                log("media unavailable: " + error.getMessage());
                rejectUnanswered(503, "No media ports available");
                return;
            }
            if (state != CallState.RINGING) {   // cancelled while the sockets were being bound
                ep.close();
                return;
            }
            endpoint = ep;
            sendProvisional();
            agent = agents.create(info);
            long readyBy = System.nanoTime() + settings.ringMillis() * 1_000_000L;
            CallLeg leg = new CallLeg(this);
            agent.prepare(leg).whenComplete((ok, failure) -> loop.execute(() -> {
                if (failure != null) {
                    log("agent not ready: " + rootMessage(failure));
                    rejectUnanswered(Response.TEMPORARILY_UNAVAILABLE, "Agent unavailable");
                    return;
                }
                long wait = Math.max(0, (readyBy - System.nanoTime()) / 1_000_000L);
                if (wait > 0) {
                    pendingTimer = loop.schedule(() -> answer(leg), wait, TimeUnit.MILLISECONDS);
                } else {
                    answer(leg);
                }
            }));
        }));
    }

    // ---------------------------------------------------------------- outbound set-up (UAC)

    private void beginOutbound() {
        log("dialing to=" + dial.to() + " from=" + dial.from() + " via trunk " + dial.trunk().name() + " ("
                + dial.trunk().address() + ", " + transport + ")");
        media.open(loop).whenComplete((ep, error) -> loop.execute(() -> {
            if (error != null) {
                failOutbound(503, "no media ports: " + error.getMessage());
                return;
            }
            if (state != CallState.DIALING) {
                ep.close();
                return;
            }
            endpoint = ep;
            agent = agents.create(info);
            agent.prepare(new CallLeg(this)).whenComplete((ok, failure) -> loop.execute(() -> {
                if (failure != null) {
                    failOutbound(480, "agent not ready: " + rootMessage(failure));
                } else if (state == CallState.DIALING) {
                    sendInvite(null, null);
                    pendingTimer = loop.schedule(() -> {
                        log("no answer within " + dial.ringingMillis() / 1000 + " s");
                        cancelOutbound(408, "no answer");
                    }, dial.ringingMillis(), TimeUnit.MILLISECONDS);
                }
            }));
        }));
    }

    private void sendInvite(String authName, String authValue) {
        try {
            outboundInvite.send(endpoint.localPort(), sdpSessionId, sdpVersion, authName, authValue);
        } catch (ParseException | javax.sip.InvalidArgumentException | SipException e) {
            failOutbound(500, "INVITE could not be sent: " + e.getMessage());
        }
    }

    /** A response to our INVITE (any thread). */
    public void onInviteResponse(Response response, ClientTransaction tx) {
        loop.execute(() -> handleInviteResponse(response, tx));
    }

    /** Our INVITE got no response at all (transaction timeout). */
    public void onInviteTimeout() {
        loop.execute(() -> failOutbound(408, "no response from " + dial.trunk().address()));
    }

    private void handleInviteResponse(Response response, ClientTransaction tx) {
        int status = response.getStatusCode();
        try {
            if (status < 200) {
                if (outboundInvite.provisional()) {
                    return; // the CANCEL we owed went out with this 1xx
                }
            } else if (status < 300 && (state == CallState.ENDED || state == CallState.ENDING)) {
                outboundInvite.hangUpLateAnswer(response, tx);
                return;
            }
        } catch (SipException | javax.sip.InvalidArgumentException e) {
            log("could not finish the abandoned INVITE: " + e.getMessage());
        }
        if (state == CallState.ENDED || state == CallState.ENDING) {
            return;
        }
        if (status < 200) {
            if ((status == 180 || status == 183) && state == CallState.DIALING) {
                state = CallState.RINGING;
                log("ringing (" + status + ")");
                agent.onRinging();
            }
            return;
        }
        try {
            String[] answer = outboundInvite.challengeAnswer(response, tx);
            if (answer != null) {
                log("challenged (" + status + "), retrying with the credentials of trunk " + dial.trunk().name());
                sendInvite(answer[0], answer[1]);
                return;
            }
        } catch (IllegalArgumentException e) {
            failOutbound(status, "cannot answer the challenge: " + e.getMessage());
            return;
        }
        if (status >= 300) {
            failOutbound(status, response.getReasonPhrase());
            return;
        }
        // 2xx: ACK, then media and the agent
        cancelTimer();
        dialog = tx.getDialog();
        try {
            long cseq = ((javax.sip.header.CSeqHeader) response.getHeader(javax.sip.header.CSeqHeader.NAME)).getSeqNumber();
            Request ack = dialog.createAck(cseq);
            dialog.sendAck(ack);
        } catch (javax.sip.InvalidArgumentException | SipException e) {
            log("ACK could not be sent: " + e.getMessage());
        }
        byte[] body = response.getRawContent();
        try {
            offer = dev.gateway.media.sdp.SdpCodec.parse(new String(body == null ? new byte[0] : body, java.nio.charset.StandardCharsets.UTF_8));
            negotiation = OfferAnswer.negotiate(offer, java.util.List.of("PCMU", "PCMA"));
        } catch (dev.gateway.media.sdp.SdpException e) {
            log("answer SDP unusable: " + e.getMessage());
            dial.outcome().complete(new OutboundDial.DialOutcome(false, 488, "answer SDP unusable: " + e.reason()));
            end("answer SDP unusable", true);
            return;
        }
        state = CallState.ACTIVE;
        log("answered by " + dial.to() + " codec=" + negotiation.encodingName() + " ptime=" + negotiation.ptimeMs());
        endpoint.start(mediaParams(negotiation), new Media());
        agent.onStart(new CallLeg(this));
        dial.outcome().complete(new OutboundDial.DialOutcome(true, status, response.getReasonPhrase()));
        if (!dial.dtmfAfterAnswer().isEmpty()) {
            sendDtmf(dial.dtmfAfterAnswer());
        }
        if (dial.maxDurationMillis() > 0) {
            pendingTimer = loop.schedule(() -> end("maximum call duration reached", true), dial.maxDurationMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Gives up dialing: CANCEL (now, or at the first 1xx) and report {@code status}. */
    private void cancelOutbound(int status, String reason) {
        if (state != CallState.DIALING && state != CallState.RINGING) {
            return;
        }
        try {
            outboundInvite.cancel();
        } catch (SipException e) {
            log("CANCEL could not be sent: " + e.getMessage());
        }
        failOutbound(status, reason);
    }

    private void failOutbound(int status, String reason) {
        if (state == CallState.ENDED) {
            return;
        }
        log("dial failed: " + status + " " + reason);
        dial.outcome().complete(new OutboundDial.DialOutcome(false, status, reason));
        finish("dial failed " + status + " " + reason);
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null && (t instanceof java.util.concurrent.CompletionException || t instanceof java.util.concurrent.ExecutionException)) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private void sendProvisional() {
        try {
            Response ringing = sip.response(Response.RINGING, invite.getRequest());
            ((ToHeader) ringing.getHeader(ToHeader.NAME)).setTag(toTag);
            ringing.addHeader(sip.contact(transport));
            sip.send(invite, ringing);
            dialog = invite.getDialog();
        } catch (ParseException e) {
            log("could not build 180: " + e.getMessage());
        }
    }

    private void answer(CallLeg leg) {
        if (state != CallState.RINGING) {
            return;
        }
        try {
            Response ok = sip.response(Response.OK, invite.getRequest());
            ((ToHeader) ok.getHeader(ToHeader.NAME)).setTag(toTag);
            ok.addHeader(sip.contact(transport));
            sip.addAllow(ok);
            sessionRefresh.addTo(ok, invite.getRequest());
            setSdp(ok, OfferAnswer.answer(negotiation, offer, sip.advertisedHost(), endpoint.localPort(), sdpSessionId, sdpVersion));
            sip.send(invite, ok);
            dialog = invite.getDialog();
        } catch (ParseException e) {
            log("could not build 200: " + e.getMessage());
            rejectUnanswered(500, "Internal error building answer");
            return;
        }
        state = CallState.ANSWERED;
        log("answered rtp=" + sip.advertisedHost() + ":" + endpoint.localPort());
        endpoint.start(mediaParams(negotiation), new Media());
        agent.onStart(leg);
        sessionRefresh.arm(dialog, this);
        pendingTimer = loop.schedule(() -> {
            if (state == CallState.ANSWERED) {
                log("no ACK for our 200 OK");
                end("no ACK", true);
            }
        }, settings.noAckMillis(), TimeUnit.MILLISECONDS);
    }

    private MediaParams mediaParams(OfferAnswer.Negotiation n) {
        boolean send = n.localDirection() == MediaDirection.SENDRECV || n.localDirection() == MediaDirection.SENDONLY;
        boolean expect = n.remoteDirection() == MediaDirection.SENDRECV || n.remoteDirection() == MediaDirection.SENDONLY;
        return new MediaParams(G711.ofEncodingName(n.encodingName()), n.telephoneEventPayloadType(), n.ptimeMs(),
                new InetSocketAddress(n.remoteAddress(), n.remotePort()), send && !n.hold(), expect);
    }

    private void setSdp(Response response, String sdp) throws ParseException {
        ContentTypeHeader type = sip.headers().createContentTypeHeader("application", "sdp");
        response.setContent(sdp, type);
    }

    // ---------------------------------------------------------------- SIP events (from JAIN-SIP threads)

    /** The ACK for our 200 OK. */
    public void onAck() {
        loop.execute(() -> {
            if (state == CallState.ANSWERED) {
                state = CallState.ACTIVE;
                cancelTimer();
                log("active");
            }
        });
    }

    /** BYE from the phone: answer 200 and end. */
    public void onBye(ServerTransaction bye) {
        sip.reply(bye, Response.OK, null);
        loop.execute(() -> end("caller hung up", false));
    }

    /** CANCEL of our INVITE: 200 for the CANCEL was sent by the caller of this method; 487 the INVITE if still ringing. */
    public void onCancel() {
        loop.execute(() -> {
            if (state == CallState.RINGING) {
                log("cancelled by caller");
                rejectUnanswered(Response.REQUEST_TERMINATED, null);
            }
        });
    }

    /** A re-INVITE or UPDATE: new offer (hold, unhold, refresh) or none (answer with our current SDP). */
    public void onReoffer(ServerTransaction tx, SessionDescription newOffer, OfferAnswer.Negotiation next) {
        loop.execute(() -> {
            if (state == CallState.ENDING || state == CallState.ENDED || endpoint == null) {
                sip.reply(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null);
                return;
            }
            try {
                Response ok = sip.response(Response.OK, tx.getRequest());
                ok.addHeader(sip.contact(transport));
                if (newOffer != null) {
                    boolean holdChanged = next.hold() != negotiation.hold()
                            || next.localDirection() != negotiation.localDirection();
                    offer = newOffer;
                    negotiation = next;
                    sdpVersion++;
                    endpoint.update(mediaParams(next));
                    if (holdChanged) {
                        log((next.hold() ? "held" : "resumed") + " by caller (" + next.remoteDirection().attribute() + ")");
                    }
                }
                sessionRefresh.refreshedBy(tx.getRequest());
                sessionRefresh.addTo(ok, tx.getRequest());
                sessionRefresh.arm(dialog, this);
                if (tx.getRequest().getMethod().equals(Request.INVITE) || newOffer != null) {
                    setSdp(ok, OfferAnswer.answer(negotiation, offer, sip.advertisedHost(), endpoint.localPort(), sdpSessionId, sdpVersion));
                }
                sip.send(tx, ok);
            } catch (ParseException e) {
                sip.reply(tx, Response.SERVER_INTERNAL_ERROR, null);
            }
        });
    }

    /** A NOTIFY in this dialog: REFER progress (RFC 3515 §2.4.5) as a message/sipfrag body. */
    public void onNotify(ServerTransaction tx) {
        sip.reply(tx, Response.OK, null);
        Request notify = tx.getRequest();
        String body = notify.getRawContent() == null ? "" : new String(notify.getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
        loop.execute(() -> onTransferProgress(SipFrag.statusCode(body)));
    }

    /** Response to a REFER we sent. */
    public void onReferResponse(Response response) {
        loop.execute(() -> {
            int status = response.getStatusCode();
            if (status >= 200 && status < 300) {
                log("transfer accepted (" + status + "), waiting for NOTIFY");
            } else if (status >= 300) {
                transferDone(false, status, "REFER rejected: " + status + " " + response.getReasonPhrase());
            }
        });
    }

    /** Response (or timeout, status 408) to the session refresh UPDATE we sent. */
    public void onRefreshResponse(int status) {
        loop.execute(() -> {
            if (status == 481 || status == 408) {
                log("session refresh failed with " + status);
                end("session refresh failed (" + status + ")", status != 481);
            }
        });
    }

    /** The REFER got no answer at all. */
    public void onReferTimeout() {
        loop.execute(() -> transferDone(false, 408, "REFER timed out"));
    }

    /** JAIN-SIP ended the dialog (for example an ACK that never came). */
    public void onDialogTerminated() {
        loop.execute(() -> end("dialog terminated", false));
    }

    // ---------------------------------------------------------------- control (HTTP API, agent)

    /** Hangs up: BYE when answered, 480 while ringing. Any thread. */
    public void hangup(String reason) {
        loop.execute(() -> end(reason, true));
    }

    /** Blind transfer via REFER. Any thread. */
    public CompletionStage<TransferResult> transfer(String target) {
        return transfer(target, java.util.Map.of(), false);
    }

    /**
     * Blind transfer via REFER with extra headers on the REFER; {@code ringback} plays ringing to the caller while
     * the transfer is in progress (LiveKit's play_dialtone). Any thread.
     */
    public CompletableFuture<TransferResult> transfer(String target, java.util.Map<String, String> headers, boolean ringback) {
        CompletableFuture<TransferResult> result = new CompletableFuture<>();
        loop.execute(() -> startTransfer(target, headers, ringback, result));
        return result;
    }

    /** Sends DTMF digits to the phone (RFC 4733). Any thread. */
    public void sendDtmf(String digits) {
        loop.execute(() -> {
            if (endpoint == null) {
                return;
            }
            for (int i = 0; i < digits.length(); i++) {
                if (!endpoint.sendDtmf(digits.charAt(i))) {
                    log("dtmf " + digits.charAt(i) + " not sent (no telephone-event negotiated or queue full)");
                    return;
                }
            }
            log("dtmf out " + digits);
        });
    }

    /** A consistent snapshot, taken on the loop. Any thread. */
    public CompletableFuture<CallSnapshot> snapshot() {
        CompletableFuture<CallSnapshot> f = new CompletableFuture<>();
        loop.execute(() -> f.complete(new CallSnapshot(id, sipCallId, info.from(), info.to(), info.trunkId(),
                state.wireName(), negotiation == null ? "" : negotiation.encodingName(),
                negotiation == null ? 0 : negotiation.ptimeMs(), dtmf.toString(), startedAtMillis,
                transfer.snapshot(), endpoint == null ? null : endpoint.stats())));
        return f;
    }

    // ---------------------------------------------------------------- loop-confined internals

    void sendAudioOnLoop(short[] pcm, int offset, int count) {
        if (endpoint == null || state == CallState.ENDED) {
            return;
        }
        if (ringback.playing() && transfer.pending()) {
            ringback.playTo(endpoint, count); // the caller hears ringing, not the agent, while the target rings
            return;
        }
        endpoint.sendAudio(pcm, offset, count);
    }

    private void startTransfer(String target, java.util.Map<String, String> headers, boolean ringback,
                               CompletableFuture<TransferResult> result) {
        if (state != CallState.ACTIVE && state != CallState.ANSWERED) {
            result.complete(new TransferResult(false, 0, "call is " + state.wireName()));
            return;
        }
        if (transfer.pending()) {
            result.complete(new TransferResult(false, 0, "a transfer is already in progress"));
            return;
        }
        try {
            Request refer = dialog.createRequest(Request.REFER);
            refer.setHeader(sip.headers().createReferToHeader(sip.addresses().createAddress(target)));
            refer.setHeader(sip.headers().createHeader("Referred-By", "<sip:gateway@" + sip.advertisedHost() + ">"));
            refer.addHeader(sip.contact(transport));
            for (var h : headers.entrySet()) {
                refer.setHeader(sip.headers().createHeader(h.getKey(), h.getValue()));
            }
            ClientTransaction ct = sip.provider().getNewClientTransaction(refer);
            ct.setApplicationData(this);
            dialog.sendRequest(ct);
            transfer.begin(target, result);
            if (ringback) {
                this.ringback.start();
            }
            log("transfer to " + target + " (REFER sent)");
        } catch (ParseException e) {
            result.complete(new TransferResult(false, 0, "bad transfer target '" + target + "': " + e.getMessage()));
        } catch (SipException e) {
            result.complete(new TransferResult(false, 0, "REFER could not be sent: " + e.getMessage()));
        }
    }

    private void onTransferProgress(int status) {
        if (!transfer.pending()) {
            return;
        }
        if (status < 0) {
            log("NOTIFY without a readable sipfrag ignored");
        } else if (status < 200) {
            log("transfer progress " + status);
        } else if (status < 300) {
            transferDone(true, status, "transferee reported " + status);
            end("transferred to " + transfer.target(), true);   // Twilio needs our BYE at once, or audio overlaps
        } else {
            transferDone(false, status, "transfer failed with " + status);
        }
    }

    private void transferDone(boolean ok, int status, String reason) {
        if (transfer.complete(ok, status, reason)) {
            log("transfer " + (ok ? "succeeded" : "failed") + " status=" + status);
        }
    }

    private void onDigit(char digit) {
        if (dtmf.length() < 256) {
            dtmf.append(digit);
        }
        log("dtmf in " + digit);
        if (agent != null) {
            agent.onDtmf(digit);
        }
    }

    private void rejectUnanswered(int status, String reason) {
        if (state != CallState.RINGING) {
            return;
        }
        try {
            Response response = sip.response(status, invite.getRequest());
            ((ToHeader) response.getHeader(ToHeader.NAME)).setTag(toTag);
            if (reason != null) {
                response.setReasonPhrase(reason);
            }
            sip.send(invite, response);
        } catch (ParseException e) {
            log("could not build " + status + ": " + e.getMessage());
        }
        finish("rejected " + status + (reason == null ? "" : " " + reason));
    }

    private void end(String reason, boolean sendBye) {
        if (state == CallState.ENDING || state == CallState.ENDED) {
            return;
        }
        if (dial != null && (state == CallState.DIALING || state == CallState.RINGING)) {
            cancelOutbound(487, reason);
            return;
        }
        if (state == CallState.RINGING) {
            rejectUnanswered(Response.TEMPORARILY_UNAVAILABLE, reason);
            return;
        }
        state = CallState.ENDING;
        if (sendBye && dialog != null) {
            try {
                Request bye = dialog.createRequest(Request.BYE);
                ClientTransaction ct = sip.provider().getNewClientTransaction(bye);
                dialog.sendRequest(ct);
            } catch (SipException e) {
                log("BYE could not be sent: " + e.getMessage());
            }
        }
        finish(reason);
    }

    private void finish(String reason) {
        state = CallState.ENDED;
        if (dial != null) {
            dial.outcome().complete(new OutboundDial.DialOutcome(false, 0, "call ended: " + reason));
        }
        cancelTimer();
        sessionRefresh.cancel();
        transferDone(false, 0, "call ended: " + reason);
        if (endpoint != null) {
            endpoint.close();
        }
        if (agent != null) {
            agent.onEnd(reason);
            agent = null;
        }
        registry.remove(this);
        log("ended reason=\"" + reason + "\" duration=" + (System.currentTimeMillis() - startedAtMillis) / 1000.0 + "s dtmf=" + dtmf);
    }

    private SessionRefresh newSessionRefresh(SessionTimer timer) {
        return new SessionRefresh(timer, sip, loop, transport,
                () -> endpoint == null ? 0 : endpoint.stats().packetsIn(), new SessionRefresh.Expiry() {
                    @Override
                    public void expired(String reason) {
                        end(reason, true);
                    }

                    @Override
                    public void log(String event) {
                        Call.this.log(event);
                    }
                });
    }

    private void cancelTimer() {
        if (pendingTimer != null) {
            pendingTimer.cancel(false);
            pendingTimer = null;
        }
    }

    private void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + id + "] " + event);
    }

    /** Media events, on the loop. */
    private final class Media implements MediaListener {
        @Override
        public void onAudio(short[] pcm, int offset, int count) {
            if (agent != null) {
                agent.onAudio(pcm, offset, count);
            }
        }

        @Override
        public void onDtmf(char digit) {
            onDigit(digit);
        }

        @Override
        public void onMediaTimeout(long silentMillis) {
            log("no RTP from the phone for " + silentMillis / 1000 + " s");
            end("media timeout", true);
        }
    }
}
