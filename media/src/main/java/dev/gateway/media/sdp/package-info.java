/**
 * SDP for the gateway's audio leg: {@link dev.gateway.media.sdp.SdpCodec} turns RFC 4566 text into immutable
 * {@link dev.gateway.media.sdp.SessionDescription} records and back, and {@link dev.gateway.media.sdp.OfferAnswer}
 * applies the RFC 3264 offer/answer rules to pick one narrowband codec plus RFC 4733 telephone-event, over plain RTP
 * or SRTP keyed by SDES ({@link dev.gateway.media.sdp.SdesCrypto}, RFC 4568) as a
 * {@link dev.gateway.media.sdp.MediaEncryption} policy allows.
 *
 * <p>Codecs are named by encoding name and RTP payload type only; this package knows no sample codec, no SIP and
 * no sockets. Every failure is an {@link dev.gateway.media.sdp.SdpException} whose kind a SIP layer maps to a
 * status code. All public types are immutable or stateless and may be shared between threads.
 */
package dev.gateway.media.sdp;
