package dev.gateway.sip.call;

import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdpException;
import dev.gateway.media.sdp.SessionDescription;
import dev.gateway.sip.signalling.SipContext;
import java.text.ParseException;
import java.util.Optional;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * A re-INVITE or UPDATE (hold, resume, new address, session refresh), parsed on the JAIN-SIP thread and answered on
 * the call's loop; the answer is sent on the SIP executor. Immutable.
 *
 * @param offer       the new offer, or null for a refresh without SDP (answered with our current SDP)
 * @param negotiation what the new offer negotiates, or null with {@code offer}
 */
record Reoffer(SessionDescription offer, SdpNegotiation negotiation) {

    /** The re-offer in {@code tx}, or empty when its SDP was unusable (then {@code tx} was answered already). */
    static Optional<Reoffer> parse(SipContext sip, ServerTransaction tx, String callId, MediaEncryption encryption) {
        byte[] body = tx.getRequest().getRawContent();
        if (body == null || body.length == 0) {
            return Optional.of(new Reoffer(null, null));
        }
        try {
            SessionDescription offer = SdpOffers.offer(tx.getRequest());
            return Optional.of(new Reoffer(offer, SdpOffers.negotiate(offer, encryption)));
        } catch (SdpException e) {
            SdpOffers.reject(sip, tx, e, "re-offer in " + callId);
            return Optional.empty();
        }
    }

    /** Applies the re-offer to {@code call} and answers {@code tx} (200 with our SDP, or 481 when not answered yet). */
    void answer(Call call, ServerTransaction tx) {
        var sip = call.sip;
        if (call.machine.over() || call.machine.unanswered() || !call.media.opened()) {
            call.sip("481", () -> sip.reply(tx, Response.CALL_OR_TRANSACTION_DOES_NOT_EXIST, null));
            return;
        }
        Response ok;
        try {
            ok = sip.response(Response.OK, tx.getRequest());
            ok.addHeader(sip.contact(call.transport));
            if (offer != null) {
                boolean holdChanged = negotiation.hold() != call.negotiation.hold()
                        || negotiation.localDirection() != call.negotiation.localDirection();
                call.remoteSdp = offer;
                // the same suite and tag keep our key (RFC 4568 §7.1.4 allows either): SRTP state survives a refresh
                call.negotiation = negotiation.keepingLocalKeyOf(call.negotiation);
                call.sdpVersion++;
                call.media.update(call.negotiation);
                if (holdChanged) {
                    call.log((negotiation.hold() ? "held" : "resumed") + " by caller (" + negotiation.remoteDirection().attribute() + ")");
                }
            }
            call.sessionRefresh.refreshedBy(tx.getRequest());
            call.sessionRefresh.addTo(ok, tx.getRequest());
            call.sessionRefresh.arm(call.dialog);
            if (tx.getRequest().getMethod().equals(Request.INVITE) || offer != null) {
                call.setSdp(ok);
            }
        } catch (ParseException e) {
            call.sip("500", () -> sip.reply(tx, Response.SERVER_INTERNAL_ERROR, null));
            return;
        }
        Response answer = ok;
        call.sip("re-offer 200", () -> sip.send(tx, answer));
    }
}
