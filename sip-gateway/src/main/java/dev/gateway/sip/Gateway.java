package dev.gateway.sip;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.local.LocalAgent;
import dev.gateway.agent.local.LocalAgentConfig;
import dev.gateway.agent.room.LiveKitSettings;
import dev.gateway.agent.room.RoomAgentFactory;
import dev.gateway.sip.dispatch.DispatchResolver;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import dev.gateway.sip.api.ApiAccess;
import dev.gateway.sip.api.CallsApi;
import dev.gateway.sip.api.HttpApi;
import dev.gateway.sip.api.MetricsApi;
import dev.gateway.sip.metrics.CpuLoad;
import dev.gateway.sip.metrics.GatewayMetrics;
import dev.gateway.sip.metrics.Readiness;
import dev.gateway.sip.api.OperatorToken;
import dev.gateway.sip.call.Call;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.call.CallFeatures;
import dev.gateway.sip.call.CallServices;
import dev.gateway.media.record.RecordingService;
import dev.gateway.sip.call.CallSettings;
import dev.gateway.sip.call.CallSweeper;
import dev.gateway.sip.call.InviteAdmission;
import dev.gateway.sip.config.GatewayConfig;
import dev.gateway.sip.config.SipTlsConfig;
import dev.gateway.sip.signalling.SignallingSettings;
import dev.gateway.sip.signalling.SipContext;
import dev.gateway.sip.signalling.SipSignalling;
import dev.gateway.sip.signalling.TcpLimits;
import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.InboundTrunkMatcher;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.SourceBlocker;
import dev.gateway.sip.trunk.TokenBucket;
import dev.gateway.sip.trunk.TrunkDefaults;
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
import dev.gateway.sip.redis.RedisLink;
import dev.gateway.sip.api.twirp.CallRelay;
import java.util.concurrent.CompletableFuture;
import livekit.LivekitSip.TransferSIPParticipantRequest;
import dev.gateway.sip.call.OutboundCalls;
import dev.gateway.sip.call.TransferPolicy;
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

    /** Sources whose request budget is remembered at most (the least recently seen are forgotten). */
    private static final int MAX_TRACKED_SOURCES = 10_000;

    private final GatewayConfig config;
    private final AtomicBoolean draining = new AtomicBoolean();
    private RecordingService recorder;
    private final CallRegistry registry;
    private final MediaEngine media;
    private final SipSignalling signalling;
    private final CallSweeper sweeper;
    private HttpApi http;
    private final AgentFactory agents;
    private final RoomAgentFactory rooms;
    private final AtomicReference<InviteAdmission.Routing> routing = new AtomicReference<>();
    private SipStore store;
    private RedisLink redis;
    private final CpuLoad cpu = CpuLoad.ofThisProcess();
    private final Readiness readiness;
    private volatile InviteAdmission admission;

    public Gateway(GatewayConfig config) {
        this.config = config;
        this.registry = new CallRegistry(config.limits().maxCalls(), config.limits().effectiveMaxUnconfirmed(),
                Math.min(config.limits().maxUnconfirmedPerSource(), config.limits().effectiveMaxUnconfirmed()));
        this.media = new MediaEngine(new MediaEngineConfig(config.rtp().bind(), config.rtp().portMin(),
                config.rtp().portMax(), config.rtp().timeoutSeconds() * 1000L, config.rtp().jitterMinMs(),
                config.rtp().jitterMaxMs(), 0, config.rtp().trustedMediaRanges().stream()
                .map(Cidr::toAddressBlock).toList()), System::nanoTime);
        String advertised = advertisedHost(config);
        SipTlsConfig tls = config.sip().tls();
        this.signalling = new SipSignalling(new SignallingSettings(config.sip().bind(), config.sip().port(),
                advertised, config.sip().userAgent(), new TcpLimits(config.sip().tcp().idleTimeoutSeconds(),
                config.sip().tcp().maxConnectionsPerSource(), config.sip().tcp().maxConnections()),
                tls == null ? null
                : new SignallingSettings.Tls(tls.port(), Path.of(tls.certificate()), Path.of(tls.privateKey()))));
        this.sweeper = new CallSweeper(registry, System::currentTimeMillis);
        this.readiness = new Readiness(draining::get, registry::size, config.limits().maxCalls(), cpu::fraction,
                config.limits().maxCpuPercent());
        if (config.livekit() == null) {
            this.rooms = null;
            this.agents = LocalAgent.factory(new LocalAgentConfig(
                    config.localAgent().greeting() == dev.gateway.sip.config.LocalAgentConfig.Greeting.TONES,
                    config.localAgent().transferTarget()));
        } else {
            this.rooms = new RoomAgentFactory(new LiveKitSettings(config.livekit().websocketUrl(), config.livekit().apiKey(),
                    config.livekit().apiSecret(), ROOM_JOIN_TIMEOUT_MILLIS, OPUS_BITRATE, OPUS_COMPLEXITY,
                    config.rtp().jitterMinMs(), config.rtp().jitterMaxMs(),
                    config.livekit().ringingTimeoutSeconds() * 1000L, config.livekit().ringingTimeoutAction(),
                    config.livekit().uplinkCodec()), media);
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
            recorder = new RecordingService(config.recordingDir(), config.recording().format(),
                    config.recording().writerThreads(), config.recording().queueFrames(), config.limits().maxCalls());
            media.start();
            if (rooms != null) {
                rooms.start();
            }
            SipContext sip = signalling.start();
            signalling.readiness(readiness::sipUnavailableReason); // OPTIONS: 503 until warmed up, then as /readyz
            GatewayMetrics metrics = new GatewayMetrics(registry, sip.counts(), () -> admission, media, readiness, cpu);
            registry.observe(metrics);
            metrics.watch(recorder);
            CallServices services = new CallServices(sip, media, agents, registry, new CallSettings(
                    config.limits().ringSeconds() * 1000L, NO_ACK_MILLIS,
                    config.limits().ringSeconds() * 1000L + agentReadyLimitMillis(config),
                    config.limits().maxCallSeconds() * 1000L, RINGING_RESEND_MILLIS),
                    signalling.executor(), System::currentTimeMillis,
                    new TransferPolicy(() -> store.snapshot().inbound(), config.trunks().defaults()),
                    new CallFeatures(config.voicemail(), config.recording(), recorder, config.recordingDir()));
            if (config.redis() != null) {
                redis = RedisLink.connect(config.redis());
                store = SipStore.openShared(redis, config.trunks().inbound(), config.trunks().outbound(),
                        config.dispatchRules(), Clock.systemUTC());
            } else {
                store = SipStore.open(Path.of(config.dataDir()), config.trunks().inbound(), config.trunks().outbound(),
                        config.dispatchRules(), Clock.systemUTC());
            }
            routing.set(routing(store.snapshot()));
            store.onChange(snapshot -> {
                routing.set(routing(snapshot));
                LOG.log(System.Logger.Level.INFO, "SIP API changed the routing: " + snapshot.inbound().size()
                        + " inbound trunk(s), " + snapshot.outbound().size() + " outbound, " + snapshot.rules().size() + " rule(s)");
            });
            admission = new InviteAdmission(services, routing::get, sourceBlocker(config), invitesBucket(config),
                    draining::get);
            signalling.calls(admission);
            sweeper.start();
            OutboundCalls outbound = new OutboundCalls(services, () -> store.snapshot().outbound(),
                    config.trunks().defaults(), System::nanoTime);
            if (config.http().enabled()) {
                startHttp(outbound, metrics); // /healthz answers from here on; /readyz says 503 "starting"
            }
            // Before /readyz and OPTIONS say ready: a load balancer or test that waits for it gets a warm first call.
            new Warmup(rooms, sip, new InetSocketAddress(loopbackIfAny(config.sip().bind()), sip.port()), OPUS_BITRATE,
                    OPUS_COMPLEXITY, WARMUP_BUDGET_MILLIS).run();
            readiness.started();
        } catch (Exception e) {
            stopNow();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "agent: " + agents.describe());
        if (config.trunks().inbound().isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "no inbound trunks configured: accepting calls from anyone "
                    + "(add trunks.inbound with allowed_addresses, or preset: twilio, before exposing this port); "
                    + "every source is capped: " + config.limits().requestsPerSecondPerSource() + " requests/s (then "
                    + "blocked " + config.limits().blockSeconds() + " s), " + Math.min(config.limits().maxUnconfirmedPerSource(),
                    config.limits().effectiveMaxUnconfirmed()) + " unanswered call(s) at a time, "
                    + config.limits().effectiveMaxUnconfirmed() + " in all");
        }
        warnOpenDestinations();
        LOG.log(System.Logger.Level.INFO, "gateway ready: max " + config.limits().maxCalls() + " calls");
    }

    /**
     * One WARNING per kind naming the configured trunks that may dial or transfer anywhere (toll fraud), and one when
     * the trunks the SIP API creates may (they have no fields of their own: {@code trunks.defaults} applies).
     */
    private void warnOpenDestinations() {
        TrunkDefaults defaults = config.trunks().defaults();
        List<String> dialAnywhere = config.trunks().outbound().stream()
                .filter(t -> !defaults.dialPolicyOf(t).allowedDestinations().restricted())
                .map(OutboundTrunk::displayName).toList();
        if (!dialAnywhere.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "outbound trunks without allowed_destinations may dial any number "
                    + "(premium and international included): " + dialAnywhere + "; set e.g. allowed_destinations: "
                    + "[\"+1*\"], or [\"*\"] to allow everything");
        }
        List<String> transferAnywhere = config.trunks().inbound().stream()
                .filter(t -> !defaults.transfersOf(t).restricted()).map(InboundTrunk::displayName).toList();
        if (!transferAnywhere.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "inbound trunks without allowed_transfer_destinations may transfer "
                    + "callers to any number or SIP address: " + transferAnywhere
                    + "; set allowed_transfer_destinations ([] for none)");
        }
        List<String> openDefaults = new java.util.ArrayList<>();
        if (!defaults.dialPolicy().allowedDestinations().restricted()) {
            openDefaults.add("allowed_destinations");
        }
        if (!defaults.allowedTransferDestinations().restricted()) {
            openDefaults.add("allowed_transfer_destinations");
        }
        if (config.livekit() != null && !openDefaults.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "trunks created through the SIP API follow trunks.defaults, which "
                    + "sets no " + String.join(" / ", openDefaults) + ": their calls may reach any number");
        }
    }

    /**
     * The HTTP API with its credentials: LiveKit tokens when LiveKit is configured, the operator token when one is
     * configured, and with neither a token generated once into {@code <dataDir>/http-token} (mode 0600).
     */
    private void startHttp(OutboundCalls outbound, GatewayMetrics metrics) throws Exception {
        AccessTokenVerifier verifier = config.livekit() == null ? null
                : new AccessTokenVerifier(config.livekit().apiKey(), config.livekit().apiSecret(), Clock.systemUTC());
        String token = config.http().token();
        if (token == null && verifier == null) {
            Path file = Path.of(config.dataDir()).resolve(OperatorToken.FILE_NAME);
            token = OperatorToken.loadOrCreate(file);
            LOG.log(System.Logger.Level.INFO, "HTTP API token in " + file.toAbsolutePath()
                    + " (send it as Authorization: Bearer <token>; or set http.token / GATEWAY_HTTP_TOKEN)");
        }
        CallsApi calls = new CallsApi(registry, draining::get);
        http = new HttpApi(config.http(), new ApiAccess(verifier, token, config.http().metricsToken()), calls::health,
                () -> calls.readiness(readiness));
        http.mount("/", calls);
        http.mount(ApiAccess.METRICS_PATH, new MetricsApi(metrics));
        if (verifier != null) {
            CallControlService control = new CallControlService(outbound, registry);
            CallRelay relay = null;
            if (redis != null) {
                relay = new CallRelay(redis, verifier, new CallRelay.Local() {
                    @Override
                    public boolean holds(TransferSIPParticipantRequest r) {
                        return registry.byRoomParticipant(r.getRoomName(), r.getParticipantIdentity()) != null;
                    }

                    @Override
                    public CompletableFuture<Void> transfer(TransferSIPParticipantRequest r) {
                        return control.transfer(r).toCompletableFuture();
                    }
                }, System::currentTimeMillis);
                relay.start();
            }
            http.mount(TwirpHandler.CONTEXT, new TwirpHandler(verifier, store, control, relay,
                    LiveKitProxy.to(config.livekit().url(), new okhttp3.OkHttpClient()), TwirpHandler.DEFAULT_CALL_TIMEOUT));
        }
        http.start();
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
        if (recorder != null) {
            recorder.close(); // after the calls: their recordings are finished and flushed
            CallFeatures.flushSidecars(2_000);
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** The per-source budget of sources no trunk lists ({@code limits.requestsPerSecondPerSource}), or null. */
    private static SourceBlocker sourceBlocker(GatewayConfig config) {
        int perSecond = config.limits().requestsPerSecondPerSource();
        return perSecond == 0 ? null : new SourceBlocker(perSecond, config.limits().blockSeconds() * 1_000_000_000L,
                MAX_TRACKED_SOURCES);
    }

    /** New INVITEs per second from all sources ({@code limits.invitesPerSecond}), or null; a second's burst. */
    private static TokenBucket invitesBucket(GatewayConfig config) {
        int perSecond = config.limits().invitesPerSecond();
        return perSecond == 0 ? null : new TokenBucket(perSecond, perSecond, System.nanoTime());
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
