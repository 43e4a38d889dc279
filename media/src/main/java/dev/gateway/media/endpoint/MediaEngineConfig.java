package dev.gateway.media.endpoint;

import java.util.List;

/**
 * Settings of the RTP engine. Immutable.
 *
 * @param bindAddress        local address RTP sockets bind to
 * @param portMin            first RTP port (even)
 * @param portMax            last port of the range (RTP on even ports, RTCP on the odd one above)
 * @param rtpTimeoutMillis   no RTP for this long while media is expected ends the call
 * @param jitterMinMs        smallest jitter-buffer delay
 * @param jitterMaxMs        largest jitter-buffer delay
 * @param eventLoops         number of event loops (0 = one per core)
 * @param trustedMediaRanges where a phone's RTP may also come from when NAT rewrote the SDP's address (a trunk's
 *                           media servers); empty: only from the SDP's address ({@link SourceLatch})
 */
public record MediaEngineConfig(String bindAddress, int portMin, int portMax, long rtpTimeoutMillis, int jitterMinMs,
                                int jitterMaxMs, int eventLoops, List<AddressBlock> trustedMediaRanges) {
    public MediaEngineConfig {
        if (portMin % 2 != 0 || portMin < 1024 || portMax > 65535 || portMin >= portMax) {
            throw new IllegalArgumentException("RTP port range must be even-based within 1024..65535, got " + portMin + ".." + portMax);
        }
        if (rtpTimeoutMillis <= 0 || jitterMinMs <= 0 || jitterMaxMs < jitterMinMs || eventLoops < 0) {
            throw new IllegalArgumentException("bad media engine settings");
        }
        trustedMediaRanges = List.copyOf(trustedMediaRanges);
    }

    /** Settings with no trusted media ranges: RTP is taken only from the address the SDP named. */
    public MediaEngineConfig(String bindAddress, int portMin, int portMax, long rtpTimeoutMillis, int jitterMinMs,
                             int jitterMaxMs, int eventLoops) {
        this(bindAddress, portMin, portMax, rtpTimeoutMillis, jitterMinMs, jitterMaxMs, eventLoops, List.of());
    }
}
