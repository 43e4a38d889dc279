package dev.gateway.sip.call;

import dev.gateway.media.sdp.MediaDirection;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.sip.signalling.SipContext;
import dev.gateway.sip.trunk.DigestAuthenticator;
import java.text.ParseException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import javax.sip.ClientTransaction;
import javax.sip.Dialog;
import javax.sip.InvalidArgumentException;
import javax.sip.SipException;
import javax.sip.address.SipURI;
import javax.sip.header.CSeqHeader;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Our INVITE as UAC for an outbound call: builds it with the SDP offer, answers one 401/407 digest challenge
 * with the trunk's credentials (RFC 3261 §22.2), and cancels it (RFC 3261 §9.1: a CANCEL only once a provisional
 * response arrived, so a cancel asked for earlier waits for the first 1xx). A 2xx that arrives after we gave up is
 * ACKed and hung up (RFC 3261 §15).
 *
 * <p>Threading: confined to the call's loop.
 */
final class OutboundInvite {
    private final SipContext sip;
    private final OutboundDial dial;
    private final String sipCallId;
    private final String fromTag;
    private final String transport;
    private final Object owner;
    private ClientTransaction transaction;
    private long cseq = 1;
    private boolean challengeAnswered;
    private boolean provisionalSeen;
    private boolean cancelWanted;

    OutboundInvite(SipContext sip, OutboundDial dial, String sipCallId, String fromTag, String transport, Object owner) {
        this.sip = sip;
        this.dial = dial;
        this.sipCallId = sipCallId;
        this.fromTag = fromTag;
        this.transport = transport;
        this.owner = owner;
    }

    /** Sends the INVITE; {@code authName}/{@code authValue} carry the answer to a challenge, or are null. */
    void send(int rtpPort, long sdpSessionId, long sdpVersion, String authName, String authValue)
            throws ParseException, InvalidArgumentException, SipException {
        SipURI target = sip.addresses().createSipURI(dial.to(), dial.trunk().host());
        target.setPort(dial.trunk().port());
        if (!transport.equals("udp")) {
            target.setTransportParam(transport);
        }
        SipURI fromUri = sip.addresses().createSipURI(dial.from(), sip.advertisedHost());
        Request request = sip.messages().createRequest(target, Request.INVITE,
                sip.headers().createCallIdHeader(sipCallId),
                sip.headers().createCSeqHeader(cseq++, Request.INVITE),
                sip.headers().createFromHeader(sip.addresses().createAddress(fromUri), fromTag),
                sip.headers().createToHeader(sip.addresses().createAddress(target), null),
                List.of(sip.headers().createViaHeader(sip.advertisedHost(), sip.port(), transport, null)),
                sip.headers().createMaxForwardsHeader(70));
        request.addHeader(sip.contact(transport));
        request.setHeader(sip.headers().createUserAgentHeader(List.of(sip.userAgent())));
        for (var h : dial.trunk().headers().entrySet()) {
            request.setHeader(sip.headers().createHeader(h.getKey(), h.getValue()));
        }
        for (var h : dial.headers().entrySet()) {
            request.setHeader(sip.headers().createHeader(h.getKey(), h.getValue()));
        }
        if (authName != null) {
            request.setHeader(sip.headers().createHeader(authName, authValue));
        }
        String sdp = OfferAnswer.offer(List.of("PCMU", "PCMA"), 101, 20, sip.advertisedHost(), rtpPort, sdpSessionId,
                sdpVersion, MediaDirection.SENDRECV);
        request.setContent(sdp, sip.headers().createContentTypeHeader("application", "sdp"));
        transaction = sip.provider().getNewClientTransaction(request);
        transaction.setApplicationData(owner);
        transaction.sendRequest();
    }

    /**
     * A 401/407 for our first INVITE when the trunk has credentials: the header to retry with.
     *
     * @return {name, value} of Authorization/Proxy-Authorization, or null when this is not a challenge we answer
     * @throws IllegalArgumentException when the challenge cannot be answered (not digest MD5)
     */
    String[] challengeAnswer(Response response, ClientTransaction tx) {
        int status = response.getStatusCode();
        String user = dial.trunk().authUsername();
        if ((status != 401 && status != 407) || challengeAnswered || user == null || user.isEmpty()) {
            return null;
        }
        challengeAnswered = true;
        String challenge = SipContext.headerValue(response.getHeader(status == 401 ? "WWW-Authenticate" : "Proxy-Authenticate"));
        String value = DigestAuthenticator.authorization(Request.INVITE, tx.getRequest().getRequestURI().toString(),
                challenge, user, dial.trunk().authPassword(), Long.toHexString(ThreadLocalRandom.current().nextLong()), 1);
        return new String[] {status == 401 ? "Authorization" : "Proxy-Authorization", value};
    }

    /** A 1xx arrived: a CANCEL asked for before may go now. @return true when it was sent */
    boolean provisional() throws SipException {
        provisionalSeen = true;
        if (cancelWanted) {
            sendCancel();
            return true;
        }
        return false;
    }

    /** Gives up on the INVITE: CANCEL now, or at the first 1xx. */
    void cancel() throws SipException {
        if (transaction == null) {
            return;
        }
        if (provisionalSeen) {
            sendCancel();
        } else {
            cancelWanted = true;
        }
    }

    /** A 2xx after we gave up: complete the dialog (ACK) and end it (BYE) at once. */
    void hangUpLateAnswer(Response response, ClientTransaction tx) throws SipException, InvalidArgumentException {
        Dialog dialog = tx.getDialog();
        if (dialog == null) {
            return;
        }
        dialog.sendAck(dialog.createAck(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber()));
        dialog.sendRequest(sip.provider().getNewClientTransaction(dialog.createRequest(Request.BYE)));
    }

    private void sendCancel() throws SipException {
        cancelWanted = false;
        sip.provider().getNewClientTransaction(transaction.createCancel()).sendRequest();
    }
}
