package dev.gateway.sip.call;

import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdesCrypto;
import dev.gateway.media.sdp.SdpCodec;
import dev.gateway.media.sdp.SdpException;
import dev.gateway.media.sdp.SessionDescription;
import dev.gateway.sip.signalling.SipContext;
import io.netty.util.NetUtil;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.List;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * SDP offers in INVITEs, re-INVITEs and UPDATEs: parse, negotiate G.711 over RTP/AVP or SDES-SRTP (RTP/SAVP) as the
 * trunk's {@link MediaEncryption} allows, and the response when they are unusable (488 with a Warning for no common
 * codec, 488 for what we do not support or the trunk's encryption policy refuses, 400 for malformed SDP).
 *
 * <p>Threading: stateless, thread-safe; never resolves names (c= must be an IP literal).
 */
final class SdpOffers {
    static final List<String> CODECS = List.of("PCMU", "PCMA");
    private static final System.Logger LOG = System.getLogger("sip");
    /** Our SDES master keys (RFC 4568 §6.1: from a cryptographically strong source). Thread-safe. */
    static final SecureRandom KEYS = new SecureRandom();

    private SdpOffers() {
    }

    static SessionDescription offer(Request request) throws SdpException {
        byte[] body = request.getRawContent();
        if (body == null || body.length == 0) {
            throw new SdpException(SdpException.Kind.UNSUPPORTED, 0, "", "an SDP offer in the INVITE is required (no late offer)");
        }
        return SdpCodec.parse(new String(body, StandardCharsets.UTF_8));
    }

    /** Negotiates an offer under the trunk's encryption policy; our SDES key is fresh. */
    static SdpNegotiation negotiate(SessionDescription offer, MediaEncryption encryption) throws SdpException {
        return checkAddress(OfferAnswer.negotiate(offer, CODECS, encryption, KEYS));
    }

    /** Reads the answer to our own offer, which carried {@code ourKeys} (none for a plain offer). */
    static SdpNegotiation negotiateAnswer(SessionDescription answer, MediaEncryption encryption,
            List<SdesCrypto> ourKeys) throws SdpException {
        return checkAddress(OfferAnswer.negotiateAnswer(answer, CODECS, encryption, ourKeys));
    }

    private static SdpNegotiation checkAddress(SdpNegotiation n) throws SdpException {
        if (!NetUtil.isValidIpV4Address(n.remoteAddress()) && !NetUtil.isValidIpV6Address(n.remoteAddress())) {
            throw new SdpException(SdpException.Kind.UNSUPPORTED, 0, "", "c= must be an IP address, got " + n.remoteAddress());
        }
        return n;
    }

    /** Answers {@code tx} for an unusable offer and logs one line ({@code where} names the request). */
    static void reject(SipContext sip, ServerTransaction tx, SdpException e, String where) {
        switch (e.kind()) {
            case NO_COMMON_CODEC -> {
                try {
                    Response r = sip.response(Response.NOT_ACCEPTABLE_HERE, tx.getRequest());
                    r.setHeader(sip.headers().createWarningHeader(sip.advertisedHost(), 305, "Incompatible media format: offer PCMU or PCMA"));
                    sip.send(tx, r);
                } catch (ParseException | javax.sip.InvalidArgumentException pe) {
                    sip.reply(tx, Response.NOT_ACCEPTABLE_HERE, null);
                }
                LOG.log(System.Logger.Level.INFO, where + " rejected 488: no common codec");
            }
            case UNSUPPORTED -> reply(sip, tx, Response.NOT_ACCEPTABLE_HERE, "Not acceptable: " + e.reason(), where);
            default -> reply(sip, tx, Response.BAD_REQUEST, "Malformed SDP" + (e.lineNumber() > 0 ? " at line " + e.lineNumber() : "") + ": " + e.reason(), where);
        }
    }

    private static void reply(SipContext sip, ServerTransaction tx, int status, String reason, String where) {
        sip.reply(tx, status, reason);
        LOG.log(System.Logger.Level.INFO, where + " rejected " + status + ": " + reason);
    }
}
