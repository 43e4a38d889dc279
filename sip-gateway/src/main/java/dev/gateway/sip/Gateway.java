package dev.gateway.sip;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.local.LocalAgent;
import dev.gateway.agent.local.LocalAgentConfig;
import dev.gateway.agent.room.LiveKitSettings;
import dev.gateway.agent.room.RoomAgentFactory;
import dev.gateway.sip.dispatch.DispatchResolver;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import dev.gateway.sip.api.HttpApi;
import dev.gateway.sip.call.Call;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.call.CallServices;
import dev.gateway.sip.call.CallSettings;
import dev.gateway.sip.call.CallSweeper;
import dev.gateway.sip.call.InviteAdmission;
import dev.gateway.sip.config.GatewayConfig;
import dev.gateway.sip.signalling.SignallingSettings;
import dev.gateway.sip.signalling.SipContext;
import dev.gateway.sip.signalling.SipSignalling;
import dev.gateway.sip.signalling.TcpLimits;
import dev.gateway.sip.signalling.TlsListener;
import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.InboundTrunkMatcher;
import dev.gateway.sip.trunk.RateLimiter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.nio.file.Path;
import java.time.Clock;
import dev.gateway.sip.store.SipStore;
import dev.gateway.sip.call.OutboundCalls;
import dev.gateway.sip.api.twirp.AccessTokenVerifier;
import dev.gateway.sip.api.twirp.CallControlService;
import dev.gateway.sip.api.twirp.LiveKitProxy;
import dev.gateway.sip.api.twirp.TwirpHandler;

/**
 * The whole gateway: media engine, SIP stack, call registry, HTTP API. Owns every thread it starts.
 *
 * <p>Threading: {@link #start()}, {@link #drainAndStop()} from one owner thread (main, or the signal handler).
 */
public final class Gateway {
    private static final System.Logger LOG = System.getLogger("gateway");
    private static final long ROOM_JOIN_TIMEOUT_MILLIS = 10_000;
    private static final int OPUS_BITRATE = 32_000;
    /**
     * libopus complexity of the caller's track. Encoding dominates a LiveKit call's cost (bench/README.md): with 50
     * calls, 3 measured 0.59 % of a core per call against 0.67 % for 5, at no audible cost for 8 kHz telephone input.
     */
    private static final int OPUS_COMPLEXITY = 3;
    /** 64*T1 (RFC 3261 §13.3.1.4): no ACK for our 2xx this long ends the call. */
    private static final long NO_ACK_MILLIS = 32_000;
    /** The least time past ringSeconds an inbound call may wait for its agent before it is swept. */
    private static final long AGENT_READY_LIMIT_MILLIS = 30_000;
    /** 180 re-sent this often while the agent gets ready: LiveKit SIP's sip_ringing_interval default (1 s). */
    private static final long RINGING_RESEND_MILLIS = 1_000;
    /** Start-up waits at most this long for the warm-up (a cold DTLS handshake on a busy 2-core machine: ~1 s). */
    private static final long WARMUP_BUDGET_MILLIS = 5_000;

    private final GatewayConfig config;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CallRegistry registry;
    private final MediaEngine media;
    private final SipSignalling signalling;
    private final CallSweeper sweeper;
    private final HttpApi http;
    private final AgentFactory agents;
    private final RoomAgentFactory rooms;
    private final AtomicReference<InviteAdmission.Routing> routing = new AtomicReference<>();
    private SipStore store;

    public Gateway(GatewayConfig config) {
        this.config = config;
        this.registry = new CallRegistry(config.limits().maxCalls());
        this.media = new MediaEngine(new MediaEngineConfig(config.rtp().bind(), config.rtp().portMin(),
                config.rtp().portMax(), config.rtp().timeoutSeconds() * 1000L, config.rtp().jitterMinMs(),
                config.rtp().jitterMaxMs(), 0, config.rtp().trustedMediaRanges().stream()
                .map(Cidr::toAddressBlock).toList()), System::nanoTime);
        String advertised = advertisedHost(config);
        this.signalling = new SipSignalling(new SignallingSettings(config.sip().bind(), config.sip().port(),
                advertised, config.sip().userAgent(), new TcpLimits(config.sip().tcp().idleTimeoutSeconds(),
                config.sip().tcp().maxConnectionsPerSource(), config.sip().tcp().maxConnections()),
                config.sip().tls() == null ? null : new TlsListener(config.sip().tls().port(),
                        config.sip().tls().certificateFile(), config.sip().tls().keyFile())));
        this.sweeper = new CallSweeper(registry, System::currentTimeMillis);
        this.http = config.http().port() == 0 ? null
                : new HttpApi(config.http().bind(), config.http().port(), registry, draining::get);
        if (config.livekit() == null) {
            this.rooms = null;
            this.agents = LocalAgent.factory(new LocalAgentConfig(
                    config.localAgent().greeting() == dev.gateway.sip.config.LocalAgentConfig.Greeting.TONES,
                    config.localAgent().transferTarget()));
        } else {
            this.rooms = new RoomAgentFactory(new LiveKitSettings(config.livekit().websocketUrl(), config.livekit().apiKey(),
                    config.livekit().apiSecret(), ROOM_JOIN_TIMEOUT_MILLIS, OPUS_BITRATE, OPUS_COMPLEXITY,
                    config.rtp().jitterMinMs(), config.rtp().jitterMaxMs(),
                    config.livekit().ringingTimeoutSeconds() * 1000L, config.livekit().ringingTimeoutAction()), media);
            this.agents = rooms;
        }
    }

    /**
     * How long past ringSeconds an inbound call may wait for its agent before the sweeper ends it: the room join
     * limit plus LiveKit's ringing timeout (an agent may take that long to subscribe), never under 30 s.
     */
    private static long agentReadyLimitMillis(GatewayConfig config) {
        long ringing = config.livekit() == null ? 0 : config.livekit().ringingTimeoutSeconds() * 1000L;
        return Math.max(AGENT_READY_LIMIT_MILLIS, ROOM_JOIN_TIMEOUT_MILLIS + ringing + 5_000);
    }

    /** Starts media, SIP and HTTP; on failure stops what was started and rethrows. */
    public void start() throws Exception {
        for (int i = 0; i < config.dispatchRules().size(); i++) {
            if (!config.dispatchRules().get(i).rule().pin().isEmpty()) {
                // Refuse rather than ignore: a PIN the gateway does not ask for would let every caller in.
                throw new IllegalArgumentException("config: dispatchRules[" + i + "].rule.pin: PIN collection by DTMF "
                        + "is not supported yet; remove the pin or protect the trunk with allowed_addresses/auth");
            }
        }
        try {
            media.start();
            if (rooms != null) {
                rooms.start();
            }
            SipContext sip = signalling.start();
            CallServices services = new CallServices(sip, media, agents, registry, new CallSettings(
                    config.limits().ringSeconds() * 1000L, NO_ACK_MILLIS,
                    config.limits().ringSeconds() * 1000L + agentReadyLimitMillis(config),
                    config.limits().maxCallSeconds() * 1000L, RINGING_RESEND_MILLIS),
                    signalling.executor(), System::currentTimeMillis);
            store = SipStore.open(Path.of(config.dataDir()), config.trunks().inbound(), config.trunks().outbound(),
                    config.dispatchRules(), Clock.systemUTC());
            routing.set(routing(store.snapshot()));
            store.onChange(snapshot -> {
                routing.set(routing(snapshot));
                LOG.log(System.Logger.Level.INFO, "SIP API changed the routing: " + snapshot.inbound().size()
                        + " inbound trunk(s), " + snapshot.outbound().size() + " outbound, " + snapshot.rules().size() + " rule(s)");
            });
            RateLimiter limiter = config.limits().invitesPerSecondPerSource() == 0 ? null
                    : RateLimiter.perSecond(config.limits().invitesPerSecondPerSource());
            signalling.calls(new InviteAdmission(services, routing::get, limiter, draining::get));
            sweeper.start();
            OutboundCalls outbound = new OutboundCalls(services, () -> store.snapshot().outbound());
            // Before /healthz answers: a load balancer or test that waits for ready gets a warm first call.
            new Warmup(rooms, sip, new InetSocketAddress(loopbackIfAny(config.sip().bind()), sip.port()), OPUS_BITRATE,
                    OPUS_COMPLEXITY, WARMUP_BUDGET_MILLIS).run();
            if (http != null) {
                if (config.livekit() != null) {
                    http.mount(TwirpHandler.CONTEXT, new TwirpHandler(
                            new AccessTokenVerifier(config.livekit().apiKey(), config.livekit().apiSecret(), Clock.systemUTC()),
                            store, new CallControlService(outbound, registry),
                            LiveKitProxy.to(config.livekit().url(), new okhttp3.OkHttpClient())));
                }
                http.start();
            }
        } catch (Exception e) {
            stopNow();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "agent: " + agents.describe());
        if (config.trunks().inbound().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no inbound trunks configured: accepting calls from anyone "
                    + "(add trunks.inbound with allowed_addresses, or preset: twilio, before exposing this port)");
        }
        LOG.log(System.Logger.Level.INFO, "gateway ready: max " + config.limits().maxCalls() + " calls");
    }

    /**
     * SIGTERM: refuse new calls (503), let current calls run for up to {@code limits.drainSeconds}, then hang up the
     * rest and stop. Blocks the calling thread (never a Netty or JAIN-SIP one).
     */
    public void drainAndStop() {
        if (!draining.compareAndSet(false, true)) {
            return;
        }
        long deadline = System.nanoTime() + config.limits().drainSeconds() * 1_000_000_000L;
        LOG.log(System.Logger.Level.INFO, "draining: " + registry.size() + " call(s) up, new calls get 503; grace "
                + config.limits().drainSeconds() + " s");
        while (registry.size() > 0 && System.nanoTime() < deadline) {
            sleep(100);
        }
        for (Call call : registry.all()) {
            call.hangup("gateway shutting down");
        }
        long byeDeadline = System.nanoTime() + 2_000_000_000L;
        while (registry.size() > 0 && System.nanoTime() < byeDeadline) {
            sleep(50);
        }
        sleep(300); // let the last BYEs leave the socket before the stack closes it
        stopNow();
        LOG.log(System.Logger.Level.INFO, "gateway stopped");
    }

    private void stopNow() {
        if (http != null) {
            http.stop();
        }
        sweeper.stop();
        signalling.stop();
        if (rooms != null) {
            rooms.stop();
        }
        media.stop();
    }

    /** Trunk matching and room selection for one snapshot of config + API-created entries. */
    private InviteAdmission.Routing routing(SipStore.Snapshot snapshot) {
        List<InboundTrunk> trunks = snapshot.inbound().isEmpty() ? List.of(InboundTrunk.open()) : snapshot.inbound();
        return new InviteAdmission.Routing(new InboundTrunkMatcher(trunks),
                rooms == null ? null : new DispatchResolver(snapshot.rules()));
    }

    private static String loopbackIfAny(String bind) {
        return bind.equals("0.0.0.0") ? "127.0.0.1" : bind.equals("::") ? "::1" : bind;
    }

    private static String advertisedHost(GatewayConfig config) {
        if (config.sip().externalAddress() != null && !config.sip().externalAddress().isBlank()) {
            return config.sip().externalAddress();
        }
        String bind = config.sip().bind();
        if (!bind.equals("0.0.0.0") && !bind.equals("::")) {
            return bind;
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        LOG.log(System.Logger.Level.WARNING, "sip.bind is " + bind + " and sip.externalAddress is not set: advertising "
                                + a.getHostAddress() + " in Contact and SDP (set sip.externalAddress to the public IP behind NAT)");
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to loopback
        }
        return "127.0.0.1";
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
