package dev.gateway.media.sdp;

import java.util.Objects;

/**
 * The outcome of negotiating an offer. Immutable and thread-safe.
 *
 * @param payloadType               chosen payload type, as numbered in the offer
 * @param encodingName              chosen encoding, spelled as in the caller's supported list
 * @param telephoneEventPayloadType the offer's telephone-event/8000 payload type, or -1 when not offered
 * @param ptimeMs                   packet time in ms, 10..60
 * @param remoteDirection           the offer's direction (media level, else session level, else sendrecv)
 * @param localDirection            the direction to put in the answer
 * @param remoteAddress             where to send RTP: media-level c=, else session-level c=
 * @param remotePort                where to send RTP, 1..65535
 * @param hold                      the offerer put the call on hold: sendonly, inactive or c=0.0.0.0
 * @param audioMediaIndex           0-based index of the negotiated m= line in the offer
 * @param mediaCount                number of m= lines in the offer (the answer has as many, RFC 3264 §6)
 * @param remoteCrypto              the peer's SDES key (what it sends with), or null for plain RTP
 * @param localCrypto               our SDES key (what we send with), same tag and suite; null exactly when
 *                                  {@code remoteCrypto} is
 */
public record SdpNegotiation(int payloadType, String encodingName, int telephoneEventPayloadType, int ptimeMs,
        MediaDirection remoteDirection, MediaDirection localDirection, String remoteAddress, int remotePort,
        boolean hold, int audioMediaIndex, int mediaCount, SdesCrypto remoteCrypto, SdesCrypto localCrypto) {

    /** A plain RTP negotiation. */
    public SdpNegotiation(int payloadType, String encodingName, int telephoneEventPayloadType, int ptimeMs,
            MediaDirection remoteDirection, MediaDirection localDirection, String remoteAddress, int remotePort,
            boolean hold, int audioMediaIndex, int mediaCount) {
        this(payloadType, encodingName, telephoneEventPayloadType, ptimeMs, remoteDirection, localDirection,
                remoteAddress, remotePort, hold, audioMediaIndex, mediaCount, null, null);
    }

    public SdpNegotiation {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of 0..127: " + payloadType);
        }
        if (Objects.requireNonNull(encodingName, "encodingName").isBlank()) {
            throw new IllegalArgumentException("encoding name is blank");
        }
        if (telephoneEventPayloadType < -1 || telephoneEventPayloadType > 127
                || telephoneEventPayloadType == payloadType) {
            throw new IllegalArgumentException("bad telephone-event payload type: " + telephoneEventPayloadType);
        }
        if (ptimeMs < OfferAnswer.MIN_PTIME_MS || ptimeMs > OfferAnswer.MAX_PTIME_MS) {
            throw new IllegalArgumentException("ptime out of 10..60 ms: " + ptimeMs);
        }
        Objects.requireNonNull(remoteDirection, "remoteDirection");
        Objects.requireNonNull(localDirection, "localDirection");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        if (remotePort < 1 || remotePort > 65535) {
            throw new IllegalArgumentException("remote port out of 1..65535: " + remotePort);
        }
        if (audioMediaIndex < 0 || audioMediaIndex >= mediaCount) {
            throw new IllegalArgumentException("audio index " + audioMediaIndex + " not below " + mediaCount);
        }
        if ((remoteCrypto == null) != (localCrypto == null)) {
            throw new IllegalArgumentException("remote and local SDES keys come together");
        }
        if (remoteCrypto != null && (remoteCrypto.tag() != localCrypto.tag()
                || remoteCrypto.profile() != localCrypto.profile())) {
            throw new IllegalArgumentException("local SDES key must answer the remote one's tag and suite");
        }
    }

    /** Whether the media is SRTP keyed by SDES ({@code RTP/SAVP}). */
    public boolean srtp() {
        return remoteCrypto != null;
    }

    /** The transport of the negotiated stream: {@code RTP/SAVP} with SRTP, else {@code RTP/AVP}. */
    public String protocol() {
        return srtp() ? MediaDescription.RTP_SAVP : MediaDescription.RTP_AVP;
    }

    /** This negotiation with our key taken from {@code previous} when both use the same tag and suite. */
    public SdpNegotiation keepingLocalKeyOf(SdpNegotiation previous) {
        if (previous == null || !srtp() || !previous.srtp() || previous.localCrypto.tag() != localCrypto.tag()
                || previous.localCrypto.profile() != localCrypto.profile()) {
            return this;
        }
        return new SdpNegotiation(payloadType, encodingName, telephoneEventPayloadType, ptimeMs, remoteDirection,
                localDirection, remoteAddress, remotePort, hold, audioMediaIndex, mediaCount, remoteCrypto,
                previous.localCrypto);
    }

    /** Whether telephone-event was offered and is kept in the answer. */
    public boolean hasTelephoneEvent() {
        return telephoneEventPayloadType >= 0;
    }
}
