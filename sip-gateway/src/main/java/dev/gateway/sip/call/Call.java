package dev.gateway.sip.call;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.TransferResult;
import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SessionDescription;
import dev.gateway.sip.signalling.SipCallEvents;
import dev.gateway.sip.signalling.SipContext;
import dev.gateway.sip.trunk.OutboundTrunk;
import io.netty.channel.EventLoop;
import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * What every call has, whichever side placed it: identity, its {@link CallStateMachine}, its media
 * ({@link CallMediaBinding}), its agent, its transfer ({@link CallTransfer}), and the one way it ends. The two
 * directions are {@link InboundDialog} (UAS) and {@link OutboundDialog} (UAC).
 *
 * <p>Failures are contained per call: every task on the loop runs through {@link CallGuard}, every SIP send through
 * {@link SipQueue} on the SIP side's executor (never the media loop); any RuntimeException ends this call locally:
 * a final response or BYE is attempted, and even when that throws the call leaves the registry at once, its RTP
 * ports and {@code maxCalls} slot are freed and the agent hears {@code onEnd}.
 *
 * <p>Threading: an actor confined to its media event loop. Public methods may be called from any thread (JAIN-SIP,
 * HTTP, the agent, the sweeper); each hands its work to the loop.
 */
public abstract class Call implements SipCallEvents {
    private static final System.Logger LOG = System.getLogger("call");

    private final String id;
    private final String sipCallId;
    private final CallInfo info;
    final EventLoop loop;
    final SipContext sip;
    final CallSettings settings;
    final String transport;
    final String localTag = Long.toHexString(ThreadLocalRandom.current().nextLong());
    final long sdpSessionId = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    final CallStateMachine machine;
    final CallGuard guard;
    final CallTimers timers;
    final CallMediaBinding media;
    final CallTransfer transfer;
    private final CallEnding ending;
    final SessionRefresh sessionRefresh;
    final VoicemailDetection voicemail;
    final RecordingControl recording;
    /** The trunk's SDES-SRTP policy; re-offers are negotiated under it too. */
    final MediaEncryption encryption;
    private final AgentFactory agents;
    final CallRegistry registry;
    private final SipQueue sipQueue;
    final LongSupplier clock;
    private final TransferPolicy transferPolicy;
    final long startedAtMillis;
    final CompletableFuture<String> ended = new CompletableFuture<>();
    final StringBuilder dtmf = new StringBuilder();
    private volatile long expiredAtMillis;
    private volatile PeerAddresses peers = PeerAddresses.ANY;
    /** The source whose unconfirmed-dialog slot this call holds until its ACK or end; null when none. */
    private final AtomicReference<InetAddress> unconfirmedSlot = new AtomicReference<>();
    CallAgent agent;
    Dialog dialog;
    SdpNegotiation negotiation;
    SessionDescription remoteSdp;
    long sdpVersion = 1;

    Call(String sipCallId, CallInfo info, CallState initial, String transport, SessionTimer timer, EventLoop loop,
         CallServices services, MediaEncryption encryption) {
        this.id = info.id();
        this.sipCallId = sipCallId;
        this.info = info;
        this.loop = loop;
        this.sip = services.sip();
        this.settings = services.settings();
        this.agents = services.agents();
        this.registry = services.registry();
        this.clock = services.clockMillis();
        this.transferPolicy = services.transfers();
        this.transport = transport;
        this.encryption = encryption;
        this.startedAtMillis = clock.getAsLong();
        this.machine = new CallStateMachine(initial, clock);
        this.guard = new CallGuard(id, this::endLocally);
        this.timers = new CallTimers(loop, guard);
        CallHooks hooks = new CallHooks(this);
        this.sipQueue = new SipQueue(services.sipExecutor(), hooks);
        this.media = new CallMediaBinding(id, services.media(), loop, hooks, this::transferPending);
        this.transfer = new CallTransfer(this);
        this.ending = new CallEnding(this);
        this.sessionRefresh = new SessionRefresh(timer, sip, transport, media::packetsIn, hooks);
        this.voicemail = new VoicemailDetection(this, services.features().voicemail());
        this.recording = new RecordingControl(this, services.features(), outbound());
    }

    public String id() { return id; }
    public CallInfo info() { return info; }
    public String sipCallId() { return sipCallId; }
    public CallState state() { return machine.state(); }
    EventLoop loop() { return loop; }
    /** Where in-dialog requests may come from (set before {@link #begin}); the rest get 403. */
    public void peers(PeerAddresses p) { peers = p; }
    @Override public boolean acceptsFrom(String sourceIp) { return peers.accepts(sourceIp); }

    /** This call holds an unconfirmed-dialog slot of {@code source} (see {@link CallRegistry#reserveUnconfirmed}). */
    void holdUnconfirmed(InetAddress source) {
        unconfirmedSlot.set(source);
    }

    /** The source of the slot this call held, now given up (once); null when it held none. Any thread. */
    InetAddress releaseUnconfirmed() {
        return unconfirmedSlot.getAndSet(null);
    }

    /** The dialog is confirmed (the ACK came): the unconfirmed slot goes back. On the loop. */
    final void confirmed() {
        registry.confirmed(this);
    }

    /** Opens media, rings or dials. Called once, from any thread, after the call was added to the registry. */
    public abstract void begin();

    /** Completes with the end reason once the call has left the registry. */
    public CompletionStage<String> ended() {
        return ended;
    }

    // ---------------------------------------------------------------- control (HTTP API, agent, sweeper)

    /** Hangs up: BYE when answered, a final response or CANCEL before. Any thread. */
    public void hangup(String reason) {
        onLoop("hangup", () -> end(reason, true));
    }

    /** Blind transfer via REFER. Any thread. */
    public CompletionStage<TransferResult> transfer(String target) {
        return transfer(target, Map.of(), false);
    }

    /**
     * Blind transfer via REFER with extra headers on the REFER; {@code ringback} plays ringing to the caller while
     * the transfer is in progress (LiveKit's play_dialtone). Any thread.
     */
    public CompletableFuture<TransferResult> transfer(String target, Map<String, String> headers, boolean ringback) {
        String refused = transferRefusal(target);
        if (refused != null) {
            return CompletableFuture.completedFuture(new TransferResult(false, 0, "transfer refused: " + refused));
        }
        CompletableFuture<TransferResult> result = new CompletableFuture<>();
        onLoop("transfer", () -> transfer.start(target, headers, ringback, result));
        return result;
    }

    /**
     * Why this call may not be transferred to {@code target} (its trunk's destination allow-list), or null when it
     * may. A refusal is logged here, once per request (WARNING, with the trunk and the target; at most 10 lines per
     * 10 s). Any thread.
     */
    public String transferRefusal(String target) {
        String refused = transferPolicy.refusal(info.trunkId(), outboundTrunk(), target);
        if (refused != null) {
            transferPolicy.logRefusal("[" + id + "] transfer refused: trunk=" + info.trunkId() + " to=" + target + ": "
                    + refused);
        }
        return refused;
    }

    /** The trunk an outbound call was placed on; null for an inbound call. */
    OutboundTrunk outboundTrunk() {
        return null;
    }

    /** Sends DTMF digits to the phone (RFC 4733). Any thread. */
    public void sendDtmf(String digits) {
        onLoop("dtmf out", () -> {
            for (int i = 0; i < digits.length(); i++) {
                if (!media.sendDtmf(digits.charAt(i))) {
                    log("dtmf " + digits.charAt(i) + " not sent (no media, no telephone-event negotiated or queue full)");
                    return;
                }
            }
            log("dtmf out " + digits);
        });
    }

    /**
     * Starts, stops, pauses or resumes the call's recording; completes with its state afterwards, or fails with a
     * message for the requester (IllegalArgumentException: a bad action; IllegalStateException: not possible now).
     * Any thread.
     */
    public CompletableFuture<String> recording(String action) {
        CompletableFuture<String> f = new CompletableFuture<>();
        onLoop("recording " + action, () -> {
            try {
                f.complete(recording.control(action));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** A consistent snapshot, taken on the loop. Any thread. */
    public CompletableFuture<CallSnapshot> snapshot() {
        CompletableFuture<CallSnapshot> f = new CompletableFuture<>();
        onLoop("snapshot", () -> f.complete(new CallSnapshot(id, sipCallId, info.from(), info.to(), info.trunkId(),
                machine.state().wireName(), negotiation == null ? "" : negotiation.encodingName(),
                negotiation == null ? 0 : negotiation.ptimeMs(), dtmf.toString(), startedAtMillis,
                transfer.snapshot(), media.stats(), media.pipeline(), voicemail.result(), recording.state())));
        return f;
    }

    // ---------------------------------------------------------------- the sweeper's view (any thread)

    /** When the current state was entered (clock milliseconds). */
    long stateSinceMillis() {
        return machine.sinceMillis();
    }

    /** How long this call may ring (inbound: waiting for its agent; outbound: for the callee). */
    abstract long ringingLimitMillis();

    /** The longest an answered call may last, 0 = no limit. */
    long maxActiveMillis() {
        return settings.maxCallMillis();
    }

    /** The sweeper ends this call: like a hangup, and remembered so a call whose loop never ends it is removed. */
    void expire(String reason, long nowMillis) {
        if (expiredAtMillis == 0) {
            expiredAtMillis = nowMillis;
        }
        onLoop("sweep", () -> {
            log("swept: " + reason);
            end(reason, true);
        });
    }

    /** When the sweeper first expired this call (0 = never). */
    long expiredAtMillis() {
        return expiredAtMillis;
    }

    /** Last resort (from the sweeper's thread): the call leaves the registry now, whatever its loop does. */
    void forceRemove(String reason) {
        registry.remove(this);
        ended.complete(reason);
        LOG.log(System.Logger.Level.WARNING, "[" + id + "] removed by force: " + reason);
        onLoop("forced end", () -> finish(reason));
    }

    // ---------------------------------------------------------------- SIP events common to both directions

    @Override
    public void onBye(ServerTransaction bye) {
        sip.reply(bye, Response.OK, null); // on the JAIN-SIP thread, not a media loop
        onLoop("BYE", () -> end("caller hung up", false));
    }

    @Override
    public void onReoffer(ServerTransaction tx) {
        Reoffer.parse(sip, tx, id, encryption).ifPresent(next -> onLoop("re-offer", () -> next.answer(this, tx)));
    }

    @Override
    public void onNotify(ServerTransaction tx) {
        sip.reply(tx, Response.OK, null);
        Request notify = tx.getRequest();
        String body = notify.getRawContent() == null ? "" : new String(notify.getRawContent(), java.nio.charset.StandardCharsets.UTF_8);
        onLoop("NOTIFY", () -> transfer.onProgress(SipFrag.statusCode(body)));
    }

    @Override
    public void onResponse(Response response, ClientTransaction tx) {
        String method = tx.getRequest().getMethod();
        int status = response.getStatusCode();
        switch (method) {
            case Request.INVITE -> onLoop("INVITE response " + status, () -> onInviteResponse(response, tx));
            case Request.REFER -> onLoop("REFER response " + status, () -> transfer.onReferResponse(response));
            case Request.UPDATE -> {
                if (status >= 200) {
                    onLoop("UPDATE response " + status, () -> onRefreshResult(status));
                }
            }
            default -> { }
        }
    }

    @Override
    public void onTimeout(ClientTransaction tx) {
        switch (tx.getRequest().getMethod()) {
            case Request.INVITE -> onLoop("INVITE timeout", this::onInviteTimeout);
            case Request.REFER -> onLoop("REFER timeout", () -> transfer.done(false, 408, "REFER timed out"));
            case Request.UPDATE -> onLoop("UPDATE timeout", () -> onRefreshResult(408));
            default -> { }
        }
    }

    @Override
    public void onDialogTerminated() {
        onLoop("dialog terminated", () -> end("dialog terminated", false));
    }

    /** A response to our INVITE (outbound only), on the loop. */
    void onInviteResponse(Response response, ClientTransaction tx) {
    }

    /** Our INVITE got no response (outbound only), on the loop. */
    void onInviteTimeout() {
    }

    private void onRefreshResult(int status) {
        if (status == 481 || status == 408) {
            log("session refresh failed with " + status);
            end("session refresh failed (" + status + ")", status != 481);
        }
    }

    // ---------------------------------------------------------------- loop-confined internals

    /** A digit from the phone, for the snapshot and the log (the binding relays it to the agent). */
    final void recordDigit(char digit) {
        if (dtmf.length() < 256) {
            dtmf.append(digit);
        }
        log("dtmf in " + digit);
    }

    /** A transfer is in progress (its ringback may play); on the loop. */
    private boolean transferPending() {
        return transfer.pending();
    }

    /** Our SDP answer to {@link #remoteSdp} as it stands. */
    final void setSdp(Response response) throws java.text.ParseException {
        String sdp = OfferAnswer.answer(negotiation, remoteSdp, sip.advertisedHost(), media.localPort(), sdpSessionId, sdpVersion);
        response.setContent(sdp, sip.headers().createContentTypeHeader("application", "sdp"));
    }

    /**
     * The call is answered and its agent started: voicemail detection and recording begin where they are switched
     * on. A feature that fails to start is logged; the call goes on without it. On the loop.
     */
    final void startFeatures() {
        OutboundTrunk trunk = outboundTrunk();
        try {
            voicemail.start(voicemail.wanted(outbound(), trunk), media.audio(), agent);
        } catch (RuntimeException e) {
            log("voicemail detection not started: " + CallGuard.describe(e));
        }
        try {
            recording.answered(media.audio(), recording.wanted(trunk == null ? null : trunk.name()),
                    () -> negotiation == null ? "" : negotiation.encodingName(), voicemail::result);
        } catch (RuntimeException e) {
            log("recording not started: " + CallGuard.describe(e));
        }
    }

    /** The call ends: detection stops reporting, the recording is finished. On the loop. */
    final void stopFeatures() {
        voicemail.stop();
        recording.end();
    }

    /** Creates the agent (once media is open) and asks it to get ready; its readiness time goes to the metrics. */
    CompletionStage<Void> prepareAgent(CallLeg leg) {
        agent = agents.create(info);
        long asked = clock.getAsLong();
        return agent.prepare(leg).whenComplete((ready, failure) -> {
            if (failure == null) {
                observe(o -> o.agentReady(outbound(), clock.getAsLong() - asked));
            }
        });
    }

    /** The negotiated packet time, ms (20 before the negotiation). */
    final int ptimeMs() {
        return negotiation == null ? 20 : negotiation.ptimeMs();
    }

    /** True for a call we dialled ({@link OutboundDialog}). Any thread. */
    public final boolean outbound() {
        return this instanceof OutboundDialog;
    }

    /** The call was answered (our 200 sent, or the callee's 200 in): the time since the start goes to the metrics. */
    final void answeredAfterStart() {
        observe(o -> o.answered(outbound(), clock.getAsLong() - startedAtMillis));
    }

    /** Tells the metrics; contained: an observer's failure is logged and nothing else. */
    final void observe(java.util.function.Consumer<CallObserver> event) {
        try {
            event.accept(registry.observer());
        } catch (RuntimeException e) {
            log("metrics failed: " + CallGuard.describe(e));
        }
    }

    /**
     * Ends the call: before the answer a final response (inbound) or CANCEL (outbound), after it a BYE when
     * {@code sendBye}. Idempotent. See {@link CallEnding}.
     */
    final void end(String reason, boolean sendBye) {
        ending.end(reason, sendBye);
    }

    /** A contained failure: end with whatever SIP can still be attempted, and leave the registry regardless. */
    final void endLocally(String reason) {
        ending.endLocally(reason);
    }

    /** Releases everything, each step on its own so one failing step cannot keep the call alive. */
    final void finish(String reason) {
        ending.finish(reason);
    }

    /** Ends a call that was not answered yet (final response or CANCEL), then {@link #finish}. */
    abstract void endUnanswered(String reason);

    /** The dialog to send our BYE on; called on the SIP executor. */
    abstract Dialog byeDialog();

    /** Direction-specific clean-up at the end (the outbound dial outcome); on the loop. */
    void ended(String reason) {
    }

    final long nowMillis() {
        return clock.getAsLong();
    }

    /** Runs {@code task} on the loop, contained. */
    final void onLoop(String event, Runnable task) {
        try {
            loop.execute(() -> guard.run(event, task));
        } catch (RejectedExecutionException e) {
            log(event + " dropped: the call's loop is shut down");
        }
    }

    /** Hands a SIP send to the SIP side's executor, after the ones handed over before. */
    final void sip(String what, Runnable action) {
        sipQueue.submit(what, action);
    }

    final void log(String event) {
        LOG.log(System.Logger.Level.INFO, "[" + id + "] " + event);
    }
}
