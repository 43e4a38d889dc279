package dev.gateway.sip.call;

import dev.gateway.agent.CallAgent;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaListener;
import dev.gateway.media.endpoint.MediaParams;
import dev.gateway.media.endpoint.RtpEndpoint;
import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.g711.G711;
import dev.gateway.media.sdp.MediaDirection;
import dev.gateway.media.sdp.OfferAnswer;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * All of one call's media in one place: the phone-side {@link RtpEndpoint} (open, start, update on re-offer, close),
 * the listener that relays the caller's audio and DTMF to the agent, and the agent's audio towards the phone
 * (replaced by ringback while a transfer rings). This is the seam a per-call media pipeline replaces.
 *
 * <p>Every callback from the media tick is contained here: a RuntimeException from the agent or the endpoint is
 * reported to {@link Events#failed} (which ends the call) and never reaches the tick. No allocation per frame.
 *
 * <p>Threading: confined to the call's loop (the media callbacks arrive there too).
 */
final class CallMediaBinding {
    /** What the call hears from its media. Called on the loop. */
    interface Events {
        void digit(char digit);

        void mediaTimeout(long silentMillis);

        void failed(String event, RuntimeException e);
    }

    private final MediaEngine engine;
    private final EventLoop loop;
    private final Events events;
    private final Ringback ringback = new Ringback();
    private final Relay relay = new Relay();
    private RtpEndpoint endpoint;
    private CallAgent agent;
    private boolean closed;

    CallMediaBinding(MediaEngine engine, EventLoop loop, Events events) {
        this.engine = engine;
        this.loop = loop;
        this.events = events;
    }

    /** Binds the RTP socket pair; completes on the loop. A binding closed meanwhile closes the endpoint at once. */
    CompletableFuture<Void> open() {
        return engine.open(loop).thenAccept(ep -> {
            if (closed) {
                ep.close();
                throw new IllegalStateException("call ended while its RTP ports were bound");
            }
            endpoint = ep;
        });
    }

    boolean opened() {
        return endpoint != null;
    }

    int localPort() {
        return endpoint.localPort();
    }

    /** Media flows: RTP to the negotiated address, the caller's audio and DTMF to {@code agent}. */
    void start(OfferAnswer.Negotiation n, CallAgent agent) {
        this.agent = agent;
        endpoint.start(params(n), relay);
    }

    /** A re-offer changed the address, codec or direction (hold/resume). */
    void update(OfferAnswer.Negotiation n) {
        endpoint.update(params(n));
    }

    /** The agent's audio towards the phone, or ringing while {@code ringbackWanted} (a transfer rings). */
    void sendAudio(short[] pcm, int offset, int count, boolean ringbackWanted) {
        if (endpoint == null || closed) {
            return;
        }
        try {
            if (ringbackWanted && ringback.playing()) {
                ringback.playTo(endpoint, count); // the caller hears ringing, not the agent, while the target rings
            } else {
                endpoint.sendAudio(pcm, offset, count);
            }
        } catch (RuntimeException e) {
            events.failed("sending audio", e);
        }
    }

    void startRingback() {
        ringback.start();
    }

    /** Queues RFC 4733 digits; false (and the rest dropped) when one could not be queued. */
    boolean sendDtmf(char digit) {
        return endpoint != null && endpoint.sendDtmf(digit);
    }

    /** Packets received so far (the session timer keeps a call whose RTP still flows). */
    long packetsIn() {
        return endpoint == null ? 0 : endpoint.stats().packetsIn();
    }

    RtpEndpointStats stats() {
        return endpoint == null ? null : endpoint.stats();
    }

    /** Stops relaying and frees the RTP ports; idempotent. */
    void close() {
        closed = true;
        agent = null;
        if (endpoint != null) {
            RtpEndpoint ep = endpoint;
            endpoint = null;
            ep.close();
        }
    }

    private static MediaParams params(OfferAnswer.Negotiation n) {
        boolean send = n.localDirection() == MediaDirection.SENDRECV || n.localDirection() == MediaDirection.SENDONLY;
        boolean expect = n.remoteDirection() == MediaDirection.SENDRECV || n.remoteDirection() == MediaDirection.SENDONLY;
        return new MediaParams(G711.ofEncodingName(n.encodingName()), n.telephoneEventPayloadType(), n.ptimeMs(),
                new InetSocketAddress(n.remoteAddress(), n.remotePort()), send && !n.hold(), expect);
    }

    /** The endpoint's listener: relays to the agent; nothing thrown here reaches the media tick. */
    private final class Relay implements MediaListener {
        @Override
        public void onAudio(short[] pcm, int offset, int count) {
            CallAgent a = agent;
            if (a == null) {
                return;
            }
            try {
                a.onAudio(pcm, offset, count);
            } catch (RuntimeException e) {
                events.failed("agent audio", e);
            }
        }

        @Override
        public void onDtmf(char digit) {
            try {
                events.digit(digit);
                if (agent != null) {
                    agent.onDtmf(digit);
                }
            } catch (RuntimeException e) {
                events.failed("dtmf " + digit, e);
            }
        }

        @Override
        public void onMediaTimeout(long silentMillis) {
            try {
                events.mediaTimeout(silentMillis);
            } catch (RuntimeException e) {
                events.failed("media timeout", e);
            }
        }
    }
}
