package dev.gateway.media.endpoint;

/**
 * A snapshot of one endpoint's counters. Immutable.
 *
 * @param packetsIn        valid RTP packets received (audio and telephone-event)
 * @param packetsOut       RTP packets sent
 * @param bytesIn          RTP payload bytes received
 * @param bytesOut         RTP payload bytes sent
 * @param lost             packets lost as RFC 3550 counts them (cumulative)
 * @param jitterMs         RFC 3550 interarrival jitter in ms
 * @param malformed        datagrams dropped because they were not RTP
 * @param unexpectedPayload RTP packets with a payload type outside the negotiated ones
 * @param late             packets that arrived after their playout time
 * @param concealed        lost frames filled with silence by the jitter buffer
 * @param ssrcChanges      times the remote SSRC changed
 * @param dtmfIn           key presses received
 * @param dtmfOut          digits sent
 * @param jitterDelayMs    current target delay of the jitter buffer
 * @param remote           the phone's latched source, where we send RTP, as host:port; empty until its first valid
 *                         packet arrived (nothing is sent before)
 * @param signalled        where the SDP said the phone's RTP is, as host:port
 * @param latches          times a source was latched (the first packet, a re-offer's new address, the signalled
 *                         address taking over)
 * @param foreignDropped   RTP packets from any other source than the latched one (or, before the latch, than the
 *                         signalled IP and trusted ranges), dropped unheard
 * @param sendSuppressed   RTP and RTCP packets not sent because the phone had not yet proven its address
 * @param srtp             the SRTP suite in use ({@code AES_CM_128_HMAC_SHA1_80} or {@code _32}), empty for plain RTP
 * @param srtpAuthFailures SRTP packets dropped because their tag did not authenticate (or they were too short)
 * @param srtpReplays      SRTP packets dropped as replays (RFC 3711 §3.3.2)
 */
public record RtpEndpointStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut, long lost,
                               double jitterMs, long malformed, long unexpectedPayload, long late, long concealed,
                               long ssrcChanges, long dtmfIn, long dtmfOut, int jitterDelayMs, String remote,
                               String signalled, long latches, long foreignDropped, long sendSuppressed,
                               String srtp, long srtpAuthFailures, long srtpReplays) {
}
