package dev.gateway.media.webrtc.sctp;

import java.security.SecureRandom;

/**
 * The four-way handshake of an association (RFC 4960 §5.1): INIT, INIT ACK with a signed state cookie, COOKIE ECHO,
 * COOKIE ACK; the verification-tag rules (§8.5, §8.5.1); INIT collision (§5.2.1) and T1 retransmission of INIT and
 * COOKIE ECHO. Both WebRTC peers may send INIT: an INIT crossing ours is answered statelessly with our own tag and
 * initial TSN, so either COOKIE ECHO then completes the association. Restart (§5.2.2) is not supported: an INIT or a
 * COOKIE ECHO with a new peer tag once established is ignored.
 *
 * <p>Threading: loop-confined to its association; {@code onEstablished} is invoked on the calling thread.
 */
final class SctpHandshake {

    private final boolean client;
    private final SctpTcb tcb;
    private final SctpBundler bundler;
    private final SctpAssociation.Listener listener;
    private final byte[] cookieSecret = new byte[32];
    /** INIT or COOKIE ECHO while T1 retransmits it; null otherwise. */
    private SctpChunk handshakeChunk;

    SctpHandshake(boolean client, SctpTcb tcb, SctpBundler bundler, SctpAssociation.Listener listener,
            SecureRandom random) {
        this.client = client;
        this.tcb = tcb;
        this.bundler = bundler;
        this.listener = listener;
        random.nextBytes(cookieSecret);
    }

    /** The DTLS client sends INIT; the server waits for one. */
    void start() {
        if (client && tcb.state == SctpState.CLOSED && !tcb.closed) {
            handshakeChunk = new SctpInitChunk(false, tcb.localTag, SctpAssociation.BUFFER_BYTES,
                    SctpAssociation.STREAMS, SctpAssociation.STREAMS, tcb.localInitialTsn, true, null);
            tcb.state = SctpState.COOKIE_WAIT;
            sendHandshake();
        }
    }

    private void sendHandshake() {
        bundler.sendAlone(handshakeChunk instanceof SctpInitChunk ? 0 : tcb.peerTag, handshakeChunk);
        tcb.t1.start(tcb.now, tcb.rto.rtoNanos());
    }

    /** RFC 4960 §8.5, §8.5.1. */
    boolean tagAcceptable(SctpPacket packet) {
        SctpChunk first = packet.chunks().get(0);
        int tag = packet.verificationTag();
        if (first instanceof SctpInitChunk init && !init.ack()) {
            return tag == 0 && packet.chunks().size() == 1;
        }
        if (first instanceof SctpAbortChunk a && a.tagReflected()
                || first instanceof SctpShutdownCompleteChunk c && c.tagReflected()) {
            return tcb.peerTag != 0 && tag == tcb.peerTag;
        }
        return tag == tcb.localTag;
    }

    void onInit(SctpInitChunk init) {
        if (tcb.state != SctpState.CLOSED && tcb.state != SctpState.COOKIE_WAIT
                && tcb.state != SctpState.COOKIE_ECHOED) {
            return; // no restart support (§5.2.2)
        }
        byte[] cookie = new SctpCookie(tcb.localTag, init.initiateTag(), tcb.localInitialTsn, init.initialTsn(),
                init.advertisedWindow(), init.forwardTsnSupported(), tcb.now).seal(cookieSecret);
        bundler.sendAlone(init.initiateTag(), new SctpInitChunk(true, tcb.localTag, SctpAssociation.BUFFER_BYTES,
                SctpAssociation.STREAMS, SctpAssociation.STREAMS, tcb.localInitialTsn, true, cookie));
    }

    void onInitAck(SctpInitChunk ack) {
        if (tcb.state != SctpState.COOKIE_WAIT) {
            return;
        }
        tcb.peerTag = ack.initiateTag();
        tcb.createQueues(ack.initialTsn(), ack.advertisedWindow());
        handshakeChunk = new SctpCookieEchoChunk(ack.stateCookie());
        tcb.state = SctpState.COOKIE_ECHOED;
        tcb.t1.resetExpiries();
        sendHandshake();
    }

    void onCookieEcho(SctpCookieEchoChunk echo) {
        SctpCookie cookie = SctpCookie.open(echo.cookie(), cookieSecret);
        if (cookie == null || cookie.localTag() != tcb.localTag
                || tcb.now - cookie.createdNanos() > SctpAssociation.COOKIE_LIFETIME_NANOS) {
            tcb.counters.malformedPackets.increment();
            return;
        }
        if (tcb.state == SctpState.CLOSED || tcb.state == SctpState.COOKIE_WAIT
                || tcb.state == SctpState.COOKIE_ECHOED) {
            tcb.peerTag = cookie.peerTag();
            if (tcb.sendQueue == null) {
                tcb.createQueues(cookie.peerInitialTsn(), cookie.peerWindow());
            }
            // COOKIE ACK goes first: onEstablished() may send DATA at once (DCEP OPEN), and a peer still in
            // COOKIE-ECHOED discards DATA that does not follow the COOKIE ACK (RFC 4960 §5.1, seen with pion,
            // whose first two messages then waited for a 1 s retransmission).
            bundler.owe(new SctpCookieAckChunk());
            establish();
            return;
        } else if (cookie.peerTag() != tcb.peerTag) {
            return; // a restart: unsupported
        }
        bundler.owe(new SctpCookieAckChunk());
    }

    void onCookieAck() {
        if (tcb.state == SctpState.COOKIE_ECHOED) {
            establish();
        }
    }

    /**
     * T1 expired: resends INIT or COOKIE ECHO with a backed-off RTO. False when Max.Init.Retransmits is exceeded and
     * the association should close.
     */
    boolean onT1Expiry() {
        if (handshakeChunk == null) {
            return true;
        }
        if (tcb.t1.expiries() > SctpAssociation.MAX_INIT_RETRANSMISSIONS) {
            return false;
        }
        tcb.rto.backOff();
        sendHandshake();
        return true;
    }

    private void establish() {
        tcb.state = SctpState.ESTABLISHED;
        tcb.t1.stop();
        handshakeChunk = null;
        tcb.heartbeat.start(tcb.now, SctpAssociation.HEARTBEAT_INTERVAL_NANOS);
        listener.onEstablished();
    }
}
