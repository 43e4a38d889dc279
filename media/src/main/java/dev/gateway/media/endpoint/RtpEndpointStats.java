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
 * @param remote           where we send RTP now (after latching), as host:port
 */
public record RtpEndpointStats(long packetsIn, long packetsOut, long bytesIn, long bytesOut, long lost,
                               double jitterMs, long malformed, long unexpectedPayload, long late, long concealed,
                               long ssrcChanges, long dtmfIn, long dtmfOut, int jitterDelayMs, String remote) {
}
