package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;
import static dev.gateway.sip.config.InvalidConfigException.checkAddress;

import dev.gateway.sip.trunk.Cidr;
import java.util.List;
import java.util.Objects;

/**
 * RTP media ports and timing. Immutable.
 *
 * @param bind           local address for RTP sockets, default {@code 0.0.0.0}
 * @param portMin        first RTP port (even; RTCP is muxed or uses port + 1), default 10000
 * @param portMax        last RTP port (even, greater than portMin), default 20000
 * @param timeoutSeconds hang up after this long without RTP from the phone, default 30
 * @param jitterMinMs    jitter buffer starting/minimum depth in ms, default 20
 * @param jitterMaxMs    jitter buffer maximum depth in ms, default 100 (at most 400)
 * @param trustedMediaRanges blocks a phone's RTP may come from when NAT rewrote the SDP's address (a trunk's
 *                       media servers), default none: RTP is taken only from the SDP's IP
 */
public record RtpConfig(String bind, int portMin, int portMax, int timeoutSeconds, int jitterMinMs,
                        int jitterMaxMs, List<Cidr> trustedMediaRanges) {

    public static final RtpConfig DEFAULT = new RtpConfig("0.0.0.0", 10000, 20000, 30, 20, 100, List.of());

    public RtpConfig {
        Objects.requireNonNull(bind, "bind");
        trustedMediaRanges = List.copyOf(trustedMediaRanges);
        checkAddress(bind, "bind");
        check(evenPort(portMin), "portMin", "must be an even number between 1024 and 65534, got " + portMin);
        check(evenPort(portMax), "portMax", "must be an even number between 1024 and 65534, got " + portMax);
        check(portMin < portMax, "portMax", "must be greater than portMin (" + portMin + "), got " + portMax);
        check(timeoutSeconds >= 1, "timeoutSeconds", "must be at least 1, got " + timeoutSeconds);
        check(jitterMinMs >= 20 && jitterMinMs <= 400, "jitterMinMs",
                "must be between 20 and 400, got " + jitterMinMs);
        check(jitterMaxMs >= jitterMinMs && jitterMaxMs <= 400, "jitterMaxMs",
                "must be between jitterMinMs (" + jitterMinMs + ") and 400, got " + jitterMaxMs);
    }

    private static boolean evenPort(int p) {
        return p >= 1024 && p <= 65534 && p % 2 == 0;
    }
}
