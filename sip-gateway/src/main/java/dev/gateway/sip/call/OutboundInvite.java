package dev.gateway.sip.call;

import dev.gateway.media.sdp.MediaDirection;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdesCrypto;
import dev.gateway.media.webrtc.srtp.SrtpProfile;
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
 * <p>Threading: the decisions are confined to the call's loop; building and sending (INVITE, CANCEL, ACK, BYE) run
 * on the SIP executor through the call's {@link Call#sip} queue, in order, so {@code transaction} is only touched
 * there.
 */
final class OutboundInvite {
    private final SipContext sip;
    private final OutboundDial dial;
    private final String sipCallId;
    private final String fromTag;
    private final String transport;
    private final OutboundDialog owner;
    /** Our SDES keys, offered under ALLOW and REQUIRE (as LiveKit does), the same in a re-sent INVITE; else empty. */
    private final List<SdesCrypto> keys;
    private volatile ClientTransaction transaction; // written and read on the SIP executor, in queue order
    private boolean sent;
    private long cseq = 1;
    private boolean challengeAnswered;
    private boolean provisionalSeen;
    private boolean cancelWanted;

    OutboundInvite(SipContext sip, OutboundDial dial, String sipCallId, String fromTag, String transport, OutboundDialog owner) {
        this.sip = sip;
        this.dial = dial;
        this.sipCallId = sipCallId;
        this.fromTag = fromTag;
        this.transport = transport;
        this.owner = owner;
        this.keys = dial.trunk().mediaEncryption().allowsSrtp()
                ? List.of(SdesCrypto.generate(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80, SdpOffers.KEYS),
                        SdesCrypto.generate(2, SrtpProfile.AES_CM_128_HMAC_SHA1_32, SdpOffers.KEYS))
                : List.of();
    }

    /** The SDES keys our offer carries (empty for a plain RTP/AVP offer). */
    List<SdesCrypto> keys() {
        return keys;
    }

    /**
     * Sends the INVITE (on the SIP executor); {@code authName}/{@code authValue} carry the answer to a challenge, or
     * are null. When it cannot be sent the call fails with 500.
     */
    void send(int rtpPort, long sdpSessionId, long sdpVersion, String authName, String authValue) {
        long number = cseq++;
        sent = true;
        owner.sip("INVITE", () -> {
            try {
                transaction = build(number, rtpPort, sdpSessionId, sdpVersion, authName, authValue);
                transaction.sendRequest();
            } catch (ParseException | InvalidArgumentException | SipException e) {
                owner.onLoop("INVITE failed", () -> owner.failOutbound(500, "INVITE could not be sent: " + e.getMessage()));
            }
        });
    }

    private ClientTransaction build(long number, int rtpPort, long sdpSessionId, long sdpVersion, String authName,
                                    String authValue) throws ParseException, InvalidArgumentException, SipException {
        SipURI target = sip.addresses().createSipURI(dial.to(), dial.trunk().host());
        target.setPort(dial.trunk().port());
        if (!transport.equals("udp")) {
            target.setTransportParam(transport);
        }
        SipURI fromUri = sip.addresses().createSipURI(dial.from(), sip.advertisedHost());
        Request request = sip.messages().createRequest(target, Request.INVITE,
                sip.headers().createCallIdHeader(sipCallId),
                sip.headers().createCSeqHeader(number, Request.INVITE),
                sip.headers().createFromHeader(sip.addresses().createAddress(fromUri), fromTag),
                sip.headers().createToHeader(sip.addresses().createAddress(target), null),
                List.of(sip.headers().createViaHeader(sip.advertisedHost(), sip.port(transport), transport, null)),
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
                sdpVersion, MediaDirection.SENDRECV, keys);
        request.setContent(sdp, sip.headers().createContentTypeHeader("application", "sdp"));
        ClientTransaction tx = sip.provider().getNewClientTransaction(request);
        tx.setApplicationData(owner);
        return tx;
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
    boolean provisional() {
        provisionalSeen = true;
        if (cancelWanted) {
            sendCancel();
            return true;
        }
        return false;
    }

    /** Gives up on the INVITE: CANCEL now, or at the first 1xx. */
    void cancel() {
        if (!sent) {
            return;
        }
        if (provisionalSeen) {
            sendCancel();
        } else {
            cancelWanted = true;
        }
    }

    /** A 2xx after we gave up: complete the dialog (ACK) and end it (BYE) at once. */
    void hangUpLateAnswer(Response response, ClientTransaction tx) {
        owner.sip("ACK+BYE for a late 2xx", () -> {
            Dialog dialog = tx.getDialog();
            if (dialog == null) {
                return;
            }
            try {
                dialog.sendAck(dialog.createAck(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber()));
                dialog.sendRequest(sip.provider().getNewClientTransaction(dialog.createRequest(Request.BYE)));
            } catch (SipException | InvalidArgumentException e) {
                owner.log("could not finish the abandoned INVITE: " + e.getMessage());
            }
        });
    }

    /** ACKs a 2xx of our INVITE (RFC 3261 §13.2.2.4). */
    void ack(Dialog dialog, Response response) {
        owner.sip("ACK", () -> {
            try {
                dialog.sendAck(dialog.createAck(((CSeqHeader) response.getHeader(CSeqHeader.NAME)).getSeqNumber()));
            } catch (SipException | InvalidArgumentException e) {
                owner.log("ACK could not be sent: " + e.getMessage());
            }
        });
    }

    private void sendCancel() {
        cancelWanted = false;
        owner.sip("CANCEL", () -> {
            try {
                sip.provider().getNewClientTransaction(transaction.createCancel()).sendRequest();
            } catch (SipException e) {
                owner.log("CANCEL could not be sent: " + e.getMessage());
            }
        });
    }
}
