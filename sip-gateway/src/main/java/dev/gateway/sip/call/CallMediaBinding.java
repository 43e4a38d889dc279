package dev.gateway.sip.call;

import dev.gateway.agent.CallAgent;
import dev.gateway.media.call.CallAudio;
import dev.gateway.media.call.CallMedia;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaListener;
import dev.gateway.media.endpoint.MediaParams;
import dev.gateway.media.endpoint.RtpEndpoint;
import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.endpoint.SrtpKeying;
import dev.gateway.media.g711.G711;
import dev.gateway.media.sdp.MediaDirection;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.OfferAnswer;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * All of one call's media in one place: the phone-side {@link RtpEndpoint} under the call's {@link CallMedia}, the
 * call's only audio tick from the moment its media opens (inbound: at the INVITE, before ringing; outbound: before
 * the INVITE). The agent attaches its uplink sink, taps and downlink sources to {@link #audio()}; the call itself
 * relays no audio. This binding only opens, answers, updates and closes, relays DTMF and the media timeout to the
 * call and the agent, and plays {@link Ringback} instead of the agent while a transfer rings.
 *
 * <p>Before the answer the endpoint is not open (no RTP is sent or expected, no media timeout runs): the tick
 * gives the uplink silence and holds the room's audio. At the answer the endpoint opens with the negotiated
 * parameters and the held audio plays.
 *
 * <p>Every callback is contained here: a RuntimeException from the agent or the media is reported to
 * {@link Events#failed} (which ends the call) and never reaches the tick. No allocation per frame.
 *
 * <p>Threading: confined to the call's loop (the media callbacks arrive there too).
 */
final class CallMediaBinding {
    private static final System.Logger LOG = System.getLogger("call");
    /** What the call hears from its media. Called on the loop. */
    interface Events {
        void digit(char digit);

        void mediaTimeout(long silentMillis);

        void failed(String event, RuntimeException e);

        /** The call's media stopped after a stage failed ({@link CallMedia} already logged why). */
        void mediaStopped(String reason);
    }

    private final String callId;
    private final MediaEngine engine;
    private final EventLoop loop;
    private final Events events;
    private final Ringback ringback;
    private final Relay relay = new Relay();
    private RtpEndpoint endpoint;
    private CallMedia media;
    private CallAgent agent;
    private boolean closed;

    /** @param ringbackWanted true while ringback may play (a transfer is pending); asked on the loop each tick */
    CallMediaBinding(String callId, MediaEngine engine, EventLoop loop, Events events, BooleanSupplier ringbackWanted) {
        this.callId = callId;
        this.engine = engine;
        this.loop = loop;
        this.events = events;
        this.ringback = new Ringback(ringbackWanted);
    }

    /**
     * Binds the RTP socket pair and starts the call's media tick; completes on the loop (the tick is joined there,
     * whichever thread bound the sockets). A binding closed meanwhile closes the endpoint at once.
     */
    CompletableFuture<Void> open() {
        return open(null);
    }

    /** As {@link #open()}, with the law already negotiated with the phone (null when not yet known: outbound). */
    CompletableFuture<Void> open(G711 expected) {
        return engine.open(loop).thenAcceptAsync(ep -> {
            if (closed) {
                ep.close();
                throw new IllegalStateException("call ended while its RTP ports were bound");
            }
            endpoint = ep;
            media = new CallMedia(callId, loop, ep, CallMedia.DEFAULT_HOLD_FRAMES,
                    events::mediaStopped);
            media.playInstead(ringback);
            media.expectPhoneCodec(expected);
            engine.register(media);
        }, loop);
    }

    boolean opened() {
        return endpoint != null;
    }

    int localPort() {
        return endpoint.localPort();
    }

    /** What agents attach to (null before {@link #open} completed). */
    CallAudio audio() {
        return media;
    }

    /**
     * The call is answered: RTP to the negotiated address, DTMF to {@code agent}, held room audio then live audio
     * to the phone. Returns the pipeline, both directions, for the call's log.
     */
    String start(SdpNegotiation n, CallAgent agent) {
        this.agent = agent;
        endpoint.open(params(n), relay);
        media.answer();
        return media.pipeline();
    }

    /** A re-offer changed the address, codec or direction (hold/resume). */
    void update(SdpNegotiation n) {
        endpoint.update(params(n));
    }

    /** Ringing instead of the agent's audio from now on, while the transfer is pending (at most a minute). */
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

    /** Both directions as one line ({@code GET /calls}); empty before media opened. */
    String pipeline() {
        return media == null ? "" : media.pipeline();
    }

    /**
     * Stops the tick, closes the media chain and frees the RTP ports; idempotent.
     *
     * @return the phone leg's final counters, or null when its media never opened (or was closed before)
     */
    RtpEndpointStats close() {
        closed = true;
        RtpEndpointStats last = endpoint == null ? null : endpoint.stats();
        agent = null;
        if (media != null) {
            CallMedia m = media;
            media = null;
            engine.unregister(m);
            m.close();
            LOG.log(System.Logger.Level.INFO, "[" + callId + "] media " + m.stats()); // hold, backlog: for timing questions
        }
        if (endpoint != null) {
            RtpEndpoint ep = endpoint;
            endpoint = null;
            ep.close();
        }
        return last;
    }

    private static MediaParams params(SdpNegotiation n) {
        boolean send = n.localDirection() == MediaDirection.SENDRECV || n.localDirection() == MediaDirection.SENDONLY;
        boolean expect = n.remoteDirection() == MediaDirection.SENDRECV || n.remoteDirection() == MediaDirection.SENDONLY;
        SrtpKeying srtp = !n.srtp() ? null : new SrtpKeying(n.localCrypto().profile(), n.localCrypto().key(),
                n.localCrypto().salt(), n.remoteCrypto().key(), n.remoteCrypto().salt());
        return new MediaParams(G711.ofEncodingName(n.encodingName()), n.telephoneEventPayloadType(), n.ptimeMs(),
                new InetSocketAddress(n.remoteAddress(), n.remotePort()), send && !n.hold(), expect, srtp);
    }

    /** The endpoint's listener: DTMF and the media timeout; nothing thrown here reaches the media tick. */
    private final class Relay implements MediaListener {
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
