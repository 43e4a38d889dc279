package dev.gateway.sip.call;

import dev.gateway.agent.CallInfo;
import dev.gateway.media.g711.G711;
import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SessionDescription;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.text.ParseException;
import javax.sip.Dialog;
import javax.sip.ServerTransaction;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Response;

/**
 * An inbound call, the gateway as UAS: 180 (re-sent while the agent gets ready, as LiveKit SIP does every
 * {@code sip_ringing_interval}, 1 s by default), 200 with our SDP answer, the ACK, CANCEL, and a final response when
 * it ends before the answer. Every response is built on the loop and sent on the SIP executor.
 *
 * <p>Threading: as {@link Call}: confined to the call's loop.
 */
final class InboundDialog extends Call {
    private final ServerTransaction invite;
    private ScheduledFuture<?> ringingResend;

    InboundDialog(String sipCallId, ServerTransaction invite, CallInfo info, SessionDescription offer,
                  SdpNegotiation negotiation, SessionTimer timer, EventLoop loop, CallServices services,
                  MediaEncryption encryption) {
        super(sipCallId, info, CallState.RINGING,
                ((ViaHeader) invite.getRequest().getHeader(ViaHeader.NAME)).getTransport(), timer, loop, services,
                encryption);
        this.invite = invite;
        this.remoteSdp = offer;
        this.negotiation = negotiation;
    }

    @Override
    public void begin() {
        log("incoming from=" + info().from() + " to=" + info().to() + " trunk=" + info().trunkId() + " codec="
                + negotiation.encodingName() + " ptime=" + negotiation.ptimeMs() + " transport=" + transport
                + (negotiation.srtp() ? " srtp=" + negotiation.remoteCrypto().profile() : ""));
        media.open(G711.ofEncodingName(negotiation.encodingName())).whenComplete((ok, error) -> onLoop("media open", () -> {
            if (error != null) {
                if (machine.is(CallState.RINGING)) {
                    log("media unavailable: " + CallGuard.rootMessage(error));
                    reject(503, "No media ports available");
                }
                return;
            }
            if (!machine.is(CallState.RINGING)) {
                return; // cancelled while the sockets were being bound (the binding closed them)
            }
            ring();
            long readyBy = nowMillis() + settings.ringMillis();
            CallLeg leg = new CallLeg(this);
            prepareAgent(leg).whenComplete((done, failure) -> onLoop("agent ready", () -> {
                if (failure != null) {
                    log("agent not ready: " + CallGuard.rootMessage(failure));
                    reject(Response.TEMPORARILY_UNAVAILABLE, "Agent unavailable");
                    return;
                }
                long wait = Math.max(0, readyBy - nowMillis());
                if (wait > 0) {
                    timers.set("answer", () -> answer(leg), wait);
                } else {
                    answer(leg);
                }
            }));
        }));
    }

    /** 180 now and, while the agent gets ready, again every {@code ringingResendMillis}. */
    private void ring() {
        Response ringing = response(Response.RINGING);
        dialog = invite.getDialog();
        sip("180", () -> sip.send(invite, ringing));
        if (settings.ringingResendMillis() > 0) {
            ringingResend = timers.every("180 re-send", () -> {
                if (machine.is(CallState.RINGING)) {
                    Response again = response(Response.RINGING);
                    sip("180", () -> sip.send(invite, again));
                }
            }, settings.ringingResendMillis());
        }
    }

    private void answer(CallLeg leg) {
        if (!machine.is(CallState.RINGING)) {
            return;
        }
        stopRinging();
        Response ok = response(Response.OK);
        try {
            sip.addAllow(ok);
            sessionRefresh.addTo(ok, invite.getRequest());
            setSdp(ok);
        } catch (ParseException e) {
            log("could not build 200: " + e.getMessage());
            reject(500, "Internal error building answer");
            return;
        }
        machine.to(CallState.ANSWERED);
        sip("200", () -> sip.send(invite, ok));
        answeredAfterStart();
        dialog = invite.getDialog();
        log("answered rtp=" + sip.advertisedHost() + ":" + media.localPort());
        log("pipeline: " + media.start(negotiation, agent));
        agent.onStart(leg);
        startFeatures();
        sessionRefresh.arm(dialog);
        timers.set("no-ACK timer", () -> {
            if (machine.is(CallState.ANSWERED)) {
                log("no ACK for our 200 OK");
                end("no ACK", true);
            }
        }, settings.noAckMillis());
    }

    @Override
    public void onAck() {
        onLoop("ACK", () -> {
            if (machine.is(CallState.ANSWERED)) {
                machine.to(CallState.ACTIVE);
                confirmed();
                timers.cancel();
                log("active");
                if (settings.maxCallMillis() > 0) {
                    timers.set("max call duration", () -> end("maximum call duration reached", true), settings.maxCallMillis());
                }
            }
        });
    }

    @Override
    public void onCancel() {
        onLoop("CANCEL", () -> {
            if (machine.is(CallState.RINGING)) {
                log("cancelled by caller");
                reject(Response.REQUEST_TERMINATED, null);
            }
        });
    }

    @Override
    void endUnanswered(String reason) {
        reject(Response.TEMPORARILY_UNAVAILABLE, reason);
    }

    @Override
    Dialog byeDialog() {
        return invite.getDialog();
    }

    @Override
    long ringingLimitMillis() {
        return settings.ringingLimitMillis();
    }

    @Override
    void ended(String reason) {
        stopRinging();
    }

    /** A final non-2xx for the INVITE, then the end. */
    private void reject(int status, String reason) {
        if (!machine.is(CallState.RINGING)) {
            return;
        }
        stopRinging();
        try {
            Response response = response(status);
            if (reason != null) {
                response.setReasonPhrase(reason.replaceAll("[\\r\\n]", " "));
            }
            sip(String.valueOf(status), () -> sip.send(invite, response));
        } catch (ParseException e) {
            log("could not build " + status + ": " + e.getMessage());
        } finally {
            finish("rejected " + status + (reason == null ? "" : " " + reason));
        }
    }

    private void stopRinging() {
        if (ringingResend != null) {
            ringingResend.cancel(false);
            ringingResend = null;
        }
    }

    /** A response to the INVITE with our To tag and Contact. */
    private Response response(int status) {
        try {
            Response r = sip.response(status, invite.getRequest());
            ((ToHeader) r.getHeader(ToHeader.NAME)).setTag(localTag);
            if (status < 300) {
                r.addHeader(sip.contact(transport));
            }
            return r;
        } catch (ParseException e) {
            throw new IllegalStateException("could not build " + status + ": " + e.getMessage(), e);
        }
    }
}
