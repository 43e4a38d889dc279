package dev.gateway.sip.call;

import dev.gateway.agent.CallInfo;
import dev.gateway.media.sdp.SdpCodec;
import dev.gateway.media.sdp.SdpException;
import dev.gateway.sip.trunk.OutboundTrunk;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.message.Response;

/**
 * An outbound call (LiveKit's CreateSIPParticipant), the gateway as UAC: media and agent first, then the INVITE
 * ({@link OutboundInvite}: digest challenge, CANCEL rules), 180/183, the 2xx and its ACK, or the failure reported in
 * {@link OutboundDial#outcome()}.
 *
 * <p>Threading: as {@link Call}: confined to the call's loop.
 */
final class OutboundDialog extends Call {
    private final OutboundDial dial;
    private final OutboundInvite outboundInvite;

    OutboundDialog(String sipCallId, CallInfo info, OutboundDial dial, EventLoop loop, CallServices services) {
        super(sipCallId, info, CallState.DIALING, dial.trunk().transport().name().toLowerCase(Locale.ROOT), null, loop,
                services, dial.trunk().mediaEncryption());
        this.dial = dial;
        peers(PeerAddresses.ofDestination(dial.trunk().address()));
        this.outboundInvite = new OutboundInvite(sip, dial, sipCallId, localTag, transport, this);
    }

    @Override
    OutboundTrunk outboundTrunk() {
        return dial.trunk();
    }

    @Override
    public void begin() {
        log("dialing to=" + dial.to() + " from=" + dial.from() + " via trunk " + dial.trunk().name() + " ("
                + dial.trunk().address() + ", " + transport + ")");
        media.open().whenComplete((ok, error) -> onLoop("media open", () -> {
            if (error != null) {
                failOutbound(503, "no media ports: " + CallGuard.rootMessage(error));
                return;
            }
            if (!machine.is(CallState.DIALING)) {
                return;
            }
            prepareAgent(new CallLeg(this)).whenComplete((done, failure) -> onLoop("agent ready", () -> {
                if (failure != null) {
                    failOutbound(480, "agent not ready: " + CallGuard.rootMessage(failure));
                } else if (machine.is(CallState.DIALING)) {
                    outboundInvite.send(media.localPort(), sdpSessionId, sdpVersion, null, null);
                    timers.set("no-answer timer", () -> {
                        log("no answer within " + dial.ringingMillis() / 1000 + " s");
                        cancelOutbound(408, "no answer");
                    }, dial.ringingMillis());
                }
            }));
        }));
    }

    @Override
    void onInviteResponse(Response response, ClientTransaction tx) {
        int status = response.getStatusCode();
        if (status < 200 && outboundInvite.provisional()) {
            return; // the CANCEL we owed went out with this 1xx
        }
        if (machine.over()) {
            if (status >= 200 && status < 300) {
                outboundInvite.hangUpLateAnswer(response, tx);
            }
            return;
        }
        if (status < 200) {
            if ((status == 180 || status == 183) && machine.is(CallState.DIALING)) {
                machine.to(CallState.RINGING);
                log("ringing (" + status + ")");
                agent.onRinging();
            }
            return;
        }
        String[] answer;
        try {
            answer = outboundInvite.challengeAnswer(response, tx);
        } catch (IllegalArgumentException e) {
            failOutbound(status, "cannot answer the challenge: " + e.getMessage());
            return;
        }
        if (answer != null) {
            log("challenged (" + status + "), retrying with the credentials of trunk " + dial.trunk().name());
            outboundInvite.send(media.localPort(), sdpSessionId, sdpVersion, answer[0], answer[1]);
            return;
        }
        if (status >= 300) {
            failOutbound(status, response.getReasonPhrase());
            return;
        }
        answered(response, tx);
    }

    /** 2xx: ACK, then media and the agent. */
    private void answered(Response response, ClientTransaction tx) {
        timers.cancel();
        dialog = tx.getDialog();
        outboundInvite.ack(dialog, response);
        byte[] body = response.getRawContent();
        try {
            remoteSdp = SdpCodec.parse(new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8));
            // an IP literal: no name is ever resolved on the media loop
            negotiation = SdpOffers.negotiateAnswer(remoteSdp, encryption, outboundInvite.keys());
        } catch (SdpException e) {
            log("answer SDP unusable: " + e.getMessage());
            dial.outcome().complete(new OutboundDial.DialOutcome(false, 488, "answer SDP unusable: " + e.reason()));
            machine.to(CallState.ACTIVE);
            end("answer SDP unusable", true);
            return;
        }
        machine.to(CallState.ACTIVE);
        answeredAfterStart();
        log("answered by " + dial.to() + " codec=" + negotiation.encodingName() + " ptime=" + negotiation.ptimeMs()
                + (negotiation.srtp() ? " srtp=" + negotiation.remoteCrypto().profile() : ""));
        log("pipeline: " + media.start(negotiation, agent));
        agent.onStart(new CallLeg(this));
        startFeatures();
        dial.outcome().complete(new OutboundDial.DialOutcome(true, response.getStatusCode(), response.getReasonPhrase()));
        if (!dial.dtmfAfterAnswer().isEmpty()) {
            sendDtmf(dial.dtmfAfterAnswer());
        }
        long max = maxActiveMillis();
        if (max > 0) {
            timers.set("max call duration", () -> end("maximum call duration reached", true), max);
        }
    }

    @Override
    void onInviteTimeout() {
        failOutbound(408, "no response from " + dial.trunk().address());
    }

    @Override
    public void onAck() {
        // we are the UAC: ACKs go the other way
    }

    @Override
    public void onCancel() {
        // only the UAC may CANCEL an INVITE, and that is us
    }

    /** Gives up dialing: CANCEL (now, or at the first 1xx) and report {@code status}. */
    private void cancelOutbound(int status, String reason) {
        if (!machine.unanswered()) {
            return;
        }
        outboundInvite.cancel();
        failOutbound(status, reason);
    }

    void failOutbound(int status, String reason) {
        if (machine.is(CallState.ENDED)) {
            return;
        }
        log("dial failed: " + status + " " + reason);
        dial.outcome().complete(new OutboundDial.DialOutcome(false, status, reason));
        finish("dial failed " + status + " " + reason);
    }

    @Override
    void endUnanswered(String reason) {
        cancelOutbound(487, reason);
    }

    @Override
    Dialog byeDialog() {
        return dialog;
    }

    @Override
    long ringingLimitMillis() {
        return dial.ringingMillis();
    }

    @Override
    long maxActiveMillis() {
        long own = dial.maxDurationMillis();
        long global = settings.maxCallMillis();
        return own > 0 && global > 0 ? Math.min(own, global) : Math.max(own, global);
    }

    @Override
    void ended(String reason) {
        dial.outcome().complete(new OutboundDial.DialOutcome(false, 0, "call ended: " + reason));
    }
}
