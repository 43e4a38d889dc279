package dev.gateway.media.sdp;

import static dev.gateway.media.sdp.SdpException.Kind.MALFORMED;
import static dev.gateway.media.sdp.SdpException.Kind.NO_COMMON_CODEC;
import static dev.gateway.media.sdp.SdpException.Kind.UNSUPPORTED;

import dev.gateway.media.webrtc.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The RFC 3264 offer/answer model for the gateway's single narrowband audio stream: choose a codec from an offer,
 * write the answer, or write an offer for an outbound call. Codecs are named by encoding name ({@code "PCMU"},
 * {@code "PCMA"}, ...) and RTP payload type; mapping them to sample codecs is the caller's business.
 *
 * <p>Audio at an 8000 Hz RTP clock is negotiated over plain {@code RTP/AVP} or, with SDES keys (RFC 4568),
 * {@code RTP/SAVP}, as the {@link MediaEncryption} policy allows; feedback profiles (AVPF, SAVPF, DTLS) are parsed by
 * {@link SdpCodec} but never chosen here, because an answer must keep the offered transport (RFC 3264 §6). An
 * {@code a=crypto} line on an {@code RTP/AVP} stream is ignored: RFC 4568 §3.1.4 defines it for the secure
 * profiles only, and answering {@code RTP/AVP} with SRTP ("best effort SRTP") is not standardised.
 *
 * <p>Pure functions: stateless and thread-safe.
 */
public final class OfferAnswer {
    /** Packet time used when the offer has no usable {@code a=ptime}, in ms (RFC 3551 §4.5 default for G.711). */
    public static final int DEFAULT_PTIME_MS = 20;
    /** Smallest offered packet time this gateway follows, in ms. */
    public static final int MIN_PTIME_MS = 10;
    /** Largest offered packet time this gateway follows, in ms. */
    public static final int MAX_PTIME_MS = 60;
    /** RTP clock rate of the narrowband codecs and of telephone-event that this gateway negotiates, in Hz. */
    public static final int CLOCK_RATE = 8000;
    /** The RFC 4733 §3.3 events we send and receive: DTMF digits 0-9, *, #, A-D. */
    public static final String TELEPHONE_EVENTS = "0-15";

    private static final String ZERO_IP4 = "0.0.0.0";
    /** Draws the throw-away key {@link #negotiateAnswer} replaces with ours. Thread-safe. */
    private static final SecureRandom UNUSED_KEYS = new SecureRandom();

    private OfferAnswer() {
    }

    /**
     * RFC 3264 answer to an audio offer. {@code supportedEncodings} lists local encodings in local preference order,
     * e.g. {@code List.of("PCMU", "PCMA")}; the first payload type in the OFFER's order that we support is picked
     * (the offerer's preference wins, RFC 3264 §6.1), matching by encoding name case-insensitively at clock rate
     * 8000, mono. telephone-event/8000 is taken with the offer's payload type (never a hard-coded 101), -1 if absent.
     * Uses the first audio m= line with port != 0 and transport RTP/AVP; the other m= lines are rejected in the
     * answer with port 0. Remote address: media-level c= else session-level c=. Hold: direction sendonly or inactive,
     * or c=0.0.0.0 (RFC 2543 style, RFC 3264 §8.4). ptime from the offer (default 20; 10..60 is followed, anything
     * else falls back to 20), echoed in the answer.
     *
     * <p>Local direction is {@link MediaDirection#answerTo()} of the remote one; with c=0.0.0.0 we cannot send, so
     * sendrecv becomes recvonly and sendonly becomes inactive.
     *
     * @throws SdpException {@link SdpException.Kind#MALFORMED} when the offer has no audio m= line or no c= for it,
     *                      {@link SdpException.Kind#UNSUPPORTED} when every audio m= line is disabled or not RTP/AVP,
     *                      {@link SdpException.Kind#NO_COMMON_CODEC} when no offered codec is supported
     */
    public static SdpNegotiation negotiate(SessionDescription offer, List<String> supportedEncodings)
            throws SdpException {
        return negotiate(offer, supportedEncodings, MediaEncryption.DISABLE, null);
    }

    /**
     * As {@link #negotiate(SessionDescription, List)}, with SRTP as {@code encryption} allows: the first audio m=
     * line with a port whose transport the policy accepts is used, {@code RTP/AVP} unless the policy is
     * {@link MediaEncryption#REQUIRE}, {@code RTP/SAVP} unless it is {@link MediaEncryption#DISABLE} and only with an
     * {@code a=crypto} line we can use ({@link SdesCrypto#parse}; the first in the offer's order wins, RFC 4568
     * §7.1.1). Our answering key is fresh from {@code random}.
     *
     * @param random where SDES keys come from; may be null when {@code encryption} is DISABLE
     * @throws SdpException as the other overload; {@link SdpException.Kind#UNSUPPORTED} also when the policy
     *                      refuses every audio stream (a plain offer under REQUIRE, a secure one under DISABLE, an
     *                      {@code RTP/SAVP} stream without a usable key)
     */
    public static SdpNegotiation negotiate(SessionDescription offer, List<String> supportedEncodings,
            MediaEncryption encryption, SecureRandom random) throws SdpException {
        Objects.requireNonNull(offer, "offer");
        Objects.requireNonNull(encryption, "encryption");
        List<String> supported = List.copyOf(supportedEncodings);
        List<MediaDescription> media = offer.media();
        int index = -1;
        SdesCrypto remoteCrypto = null;
        boolean sawAudio = false;
        String refused = null;
        for (int i = 0; i < media.size() && index < 0; i++) {
            MediaDescription m = media.get(i);
            if (!m.media().equalsIgnoreCase("audio") || m.port() == 0) {
                sawAudio |= m.media().equalsIgnoreCase("audio");
                continue;
            }
            sawAudio = true;
            if (m.protocol().equals(MediaDescription.RTP_AVP)) {
                if (encryption.allowsPlain()) {
                    index = i;
                } else {
                    refused = "SRTP is required: offer RTP/SAVP with a=crypto " + suites();
                }
            } else if (m.protocol().equals(MediaDescription.RTP_SAVP)) {
                List<SdesCrypto> keys = SdesCrypto.offered(m.attributes());
                if (!encryption.allowsSrtp()) {
                    refused = "SRTP (RTP/SAVP) is disabled for this trunk";
                } else if (keys.isEmpty()) {
                    refused = "no usable a=crypto line: " + suites() + " with one inline key and no MKI";
                } else {
                    index = i;
                    remoteCrypto = keys.get(0);
                }
            }
        }
        if (!sawAudio) {
            throw SdpException.of(MALFORMED, "offer has no audio m= line");
        }
        if (index < 0) {
            throw SdpException.of(UNSUPPORTED, refused != null ? refused
                    : "no audio m= line with a port and " + (encryption.allowsSrtp() ? "RTP/AVP or RTP/SAVP"
                    : "RTP/AVP") + " transport");
        }
        MediaDescription audio = media.get(index);
        RtpMap chosen = null;
        String localName = null;
        int telephoneEvent = -1;
        for (int pt : audio.payloadTypes()) {
            RtpMap map = audio.rtpMap(pt);
            if (map == null || map.channels() != 1 || map.clockRate() != CLOCK_RATE) {
                continue;
            }
            if (map.isTelephoneEvent()) {
                telephoneEvent = telephoneEvent < 0 ? pt : telephoneEvent;
                continue;
            }
            for (String name : supported) {
                if (chosen == null && map.matches(name, CLOCK_RATE)) {
                    chosen = map;
                    localName = name;
                }
            }
        }
        if (chosen == null) {
            throw new SdpException(NO_COMMON_CODEC, 0, mediaLine(audio),
                    "no offered codec at 8000 Hz is among " + supported);
        }
        String address = audio.connectionAddress() != null ? audio.connectionAddress() : offer.connectionAddress();
        if (address == null) {
            throw SdpException.of(MALFORMED, "no c= line for m= line " + (index + 1) + " (RFC 4566 §5.7)");
        }
        MediaDirection remote = audio.direction() != null ? audio.direction()
                : offer.direction() != null ? offer.direction() : MediaDirection.SENDRECV;
        boolean zeroAddress = ZERO_IP4.equals(address);
        MediaDirection local = remote.answerTo();
        if (zeroAddress && local.sends()) {
            local = local == MediaDirection.SENDRECV ? MediaDirection.RECVONLY : MediaDirection.INACTIVE;
        }
        boolean hold = zeroAddress || remote == MediaDirection.SENDONLY || remote == MediaDirection.INACTIVE;
        Integer offered = audio.ptimeMs();
        int ptime = offered != null && offered >= MIN_PTIME_MS && offered <= MAX_PTIME_MS ? offered : DEFAULT_PTIME_MS;
        SdesCrypto localCrypto = remoteCrypto == null ? null : SdesCrypto.generate(remoteCrypto.tag(),
                remoteCrypto.profile(), Objects.requireNonNull(random, "random"));
        return new SdpNegotiation(chosen.payloadType(), localName, telephoneEvent, ptime, remote, local, address,
                audio.port(), hold, index, media.size(), remoteCrypto, localCrypto);
    }

    /**
     * Reads the answer to our own offer (RFC 3264 §5): the codec, address and direction as {@link #negotiate} reads
     * an offer, and with SRTP the answer's single {@code a=crypto} line, whose tag must name one of {@code ourKeys}
     * (RFC 4568 §6.1). A plain answer is taken unless {@code encryption} is REQUIRE.
     *
     * @param ourKeys the keys our offer carried (empty for a plain offer)
     * @throws SdpException {@link SdpException.Kind#UNSUPPORTED} when the answer's transport or key does not fit
     *                      the offer or the policy; as {@link #negotiate} otherwise
     */
    public static SdpNegotiation negotiateAnswer(SessionDescription answer, List<String> supportedEncodings,
            MediaEncryption encryption, List<SdesCrypto> ourKeys) throws SdpException {
        SdpNegotiation n = negotiate(answer, supportedEncodings,
                ourKeys.isEmpty() ? MediaEncryption.DISABLE : encryption, UNUSED_KEYS);
        if (!n.srtp()) {
            if (!encryption.allowsPlain()) {
                throw SdpException.of(UNSUPPORTED, "the answer is plain RTP/AVP but SRTP is required");
            }
            return n;
        }
        for (SdesCrypto ours : ourKeys) {
            if (ours.tag() == n.remoteCrypto().tag() && ours.profile() == n.remoteCrypto().profile()) {
                return new SdpNegotiation(n.payloadType(), n.encodingName(), n.telephoneEventPayloadType(), n.ptimeMs(),
                        n.remoteDirection(), n.localDirection(), n.remoteAddress(), n.remotePort(), n.hold(),
                        n.audioMediaIndex(), n.mediaCount(), n.remoteCrypto(), ours);
            }
        }
        throw SdpException.of(UNSUPPORTED, "the answer's a=crypto tag " + n.remoteCrypto().tag()
                + " names none of the offered keys");
    }

    /** The suites we speak, for 488 reasons. */
    private static String suites() {
        return SrtpProfile.AES_CM_128_HMAC_SHA1_80.name() + " or _32";
    }

    /**
     * Builds the answer SDP text: {@code o=} with the given session id and version, {@code c=IN IP4 localAddress}
     * (IP6 when it contains a colon), one {@code m=audio} line with the chosen payload type and the telephone-event
     * payload type (an {@code a=rtpmap} for both, {@code a=fmtp:<te> 0-15}, {@code a=ptime}, the local direction),
     * and every other offered m= line rejected with port 0 in the same position (RFC 3264 §6).
     *
     * @param n         a negotiation of this very offer
     * @param localPort our RTP port, 1..65535
     * @throws IllegalArgumentException when {@code n} does not belong to {@code offer} or a value is out of range
     */
    public static String answer(SdpNegotiation n, SessionDescription offer, String localAddress, int localPort,
            long sessionId, long sessionVersion) {
        if (n.mediaCount() != offer.media().size()) {
            throw new IllegalArgumentException("negotiation is for an offer with " + n.mediaCount() + " m= lines");
        }
        List<MediaDescription> out = new ArrayList<>(offer.media().size());
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media().get(i);
            if (i == n.audioMediaIndex()) {
                out.add(audio(n.payloadType(), n.encodingName(), n.telephoneEventPayloadType(), n.ptimeMs(),
                        n.localDirection(), localPort, n.localCrypto()));
            } else {
                out.add(new MediaDescription(m.media(), 0, m.protocol(), m.payloadTypes(), Map.of(), Map.of(),
                        null, null, null, null, false, List.of()));
            }
        }
        return SdpCodec.format(session(localAddress, sessionId, sessionVersion, out));
    }

    /**
     * An offer for an outbound call: one audio stream with the given encodings in that order (static payload types
     * 0 PCMU, 8 PCMA, 9 G722, 18 G729 of RFC 3551), plus telephone-event on the given payload type, the given ptime
     * and the direction attribute.
     *
     * @param telephoneEventPayloadType a dynamic payload type 96..127, or -1 to offer no telephone-event
     * @throws IllegalArgumentException for an encoding without a static payload type or a value out of range
     */
    public static String offer(List<String> encodings, int telephoneEventPayloadType, int ptimeMs,
            String localAddress, int localPort, long sessionId, long sessionVersion, MediaDirection direction) {
        return offer(encodings, telephoneEventPayloadType, ptimeMs, localAddress, localPort, sessionId, sessionVersion,
                direction, List.of());
    }

    /**
     * As the plain offer, {@code RTP/SAVP} with one {@code a=crypto} line per key in {@code keys} (our sending keys,
     * in preference order, distinct tags) when {@code keys} is not empty.
     */
    public static String offer(List<String> encodings, int telephoneEventPayloadType, int ptimeMs,
            String localAddress, int localPort, long sessionId, long sessionVersion, MediaDirection direction,
            List<SdesCrypto> keys) {
        if (encodings.isEmpty()) {
            throw new IllegalArgumentException("at least one encoding is required");
        }
        Map<Integer, String> byPayload = new LinkedHashMap<>();
        for (String name : encodings) {
            int pt = staticPayloadType(name);
            if (byPayload.put(pt, name) != null) {
                throw new IllegalArgumentException("encoding listed twice: " + name);
            }
        }
        if (telephoneEventPayloadType != -1 && (telephoneEventPayloadType < 96 || telephoneEventPayloadType > 127)) {
            throw new IllegalArgumentException("telephone-event needs a dynamic payload type 96..127 (RFC 3551 §3)");
        }
        if (ptimeMs < MIN_PTIME_MS || ptimeMs > MAX_PTIME_MS) {
            throw new IllegalArgumentException("ptime out of 10..60 ms: " + ptimeMs);
        }
        List<Integer> pts = new ArrayList<>(byPayload.keySet());
        Map<Integer, RtpMap> maps = new LinkedHashMap<>();
        byPayload.forEach((pt, name) -> maps.put(pt, RtpMap.staticAudio(pt)));
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        if (telephoneEventPayloadType >= 0) {
            pts.add(telephoneEventPayloadType);
            maps.put(telephoneEventPayloadType, RtpMap.of(telephoneEventPayloadType, RtpMap.TELEPHONE_EVENT, CLOCK_RATE));
            fmtps.put(telephoneEventPayloadType, TELEPHONE_EVENTS);
        }
        MediaDescription audio = new MediaDescription("audio", checkPort(localPort),
                keys.isEmpty() ? MediaDescription.RTP_AVP : MediaDescription.RTP_SAVP, pts, maps, fmtps,
                Objects.requireNonNull(direction, "direction"), ptimeMs, null, null, false,
                keys.stream().map(SdesCrypto::attribute).toList());
        return SdpCodec.format(session(localAddress, sessionId, sessionVersion, List.of(audio)));
    }

    private static MediaDescription audio(int pt, String name, int te, int ptimeMs, MediaDirection direction,
            int port, SdesCrypto crypto) {
        List<Integer> pts = new ArrayList<>(List.of(pt));
        Map<Integer, RtpMap> maps = new LinkedHashMap<>(Map.of(pt, RtpMap.of(pt, name, CLOCK_RATE)));
        Map<Integer, String> fmtps = new LinkedHashMap<>();
        if (te >= 0) {
            pts.add(te);
            maps.put(te, RtpMap.of(te, RtpMap.TELEPHONE_EVENT, CLOCK_RATE));
            fmtps.put(te, TELEPHONE_EVENTS);
        }
        return new MediaDescription("audio", checkPort(port),
                crypto == null ? MediaDescription.RTP_AVP : MediaDescription.RTP_SAVP, pts, maps, fmtps, direction,
                ptimeMs, null, null, false, crypto == null ? List.of() : List.of(crypto.attribute()));
    }

    private static SessionDescription session(String localAddress, long sessionId, long sessionVersion,
            List<MediaDescription> media) {
        if (sessionId < 0 || sessionVersion < 0) {
            throw new IllegalArgumentException("session id and version must be >= 0 (RFC 4566 §5.2)");
        }
        String addrType = localAddress.indexOf(':') >= 0 ? "IP6" : "IP4";
        return new SessionDescription(0, "-", Long.toString(sessionId), Long.toString(sessionVersion), "IN",
                addrType, localAddress, "-", localAddress, null, media, List.of());
    }

    private static int checkPort(int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("local port out of 1..65535: " + port);
        }
        return port;
    }

    private static int staticPayloadType(String encoding) {
        for (int pt : new int[] {0, 8, 9, 18}) {
            if (RtpMap.staticAudio(pt).encodingName().equalsIgnoreCase(encoding)) {
                return pt;
            }
        }
        throw new IllegalArgumentException("no static payload type for encoding " + encoding);
    }

    /** The m= line as it was offered, for error reports. */
    private static String mediaLine(MediaDescription m) {
        StringBuilder sb = new StringBuilder("m=").append(m.media()).append(' ').append(m.port()).append(' ')
                .append(m.protocol());
        m.payloadTypes().forEach(pt -> sb.append(' ').append(pt));
        return sb.toString();
    }
}
