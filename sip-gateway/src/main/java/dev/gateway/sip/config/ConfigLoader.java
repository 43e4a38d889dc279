package dev.gateway.sip.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gateway.agent.room.LiveKitSettings.RingingTimeoutAction;
import dev.gateway.agent.room.LiveKitSettings.UplinkCodec;
import dev.gateway.media.amd.AmdSettings;
import dev.gateway.media.record.RecordingFormat;
import dev.gateway.sip.tls.PemCredentials;
import dev.gateway.sip.tls.TlsCredentialsException;
import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.TrunkPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Loads a {@link GatewayConfig} from a YAML or JSON file (by extension: {@code .yaml}, {@code .yml},
 * {@code .json}), applying environment overrides for secrets: {@code LIVEKIT_URL}, {@code LIVEKIT_API_KEY},
 * {@code LIVEKIT_API_SECRET} create or override the {@code livekit} section, {@code GATEWAY_HTTP_TOKEN} sets
 * {@code http.token} (blank values are ignored).
 *
 * <p>The file is read as a tree and walked by hand, so every error names its exact field, unknown keys are
 * rejected with a suggestion, and nothing is silently coerced. Stateless and thread-safe.
 */
public final class ConfigLoader {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ConfigLoader() {
    }

    /** Reads and validates {@code file}. */
    public static GatewayConfig load(Path file, Map<String, String> env) throws ConfigException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String format = name.endsWith(".json") ? "json"
                : name.endsWith(".yaml") || name.endsWith(".yml") ? "yaml" : null;
        if (format == null) {
            throw new ConfigException("", file + ": unsupported file type (use .yaml, .yml or .json)");
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("", "cannot read " + file + ": " + e, e);
        }
        if (text.lines().map(String::strip).allMatch(l -> l.isEmpty() || l.startsWith("#"))) {
            // a truncated or half-written file must not start a gateway open to anyone on 0.0.0.0:5060
            throw new ConfigException("", file + " is empty: write at least the sip and trunks sections (see "
                    + "deploy/gateway.example.yaml), or run without --config for the local defaults");
        }
        return parse(text, format, env);
    }

    /** Every default, plus the environment overrides. */
    public static GatewayConfig defaults(Map<String, String> env) throws ConfigException {
        return build(ConfigNode.of(null, ""), env);
    }

    /**
     * Parses configuration text.
     *
     * @param formatHint {@code "yaml"} or {@code "json"}
     */
    public static GatewayConfig parse(String text, String formatHint, Map<String, String> env)
            throws ConfigException {
        ObjectMapper mapper = switch (formatHint.toLowerCase(Locale.ROOT)) {
            case "json" -> JSON;
            case "yaml", "yml" -> YAML;
            default -> throw new ConfigException("", "unknown format '" + formatHint + "' (use yaml or json)");
        };
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ConfigException("", "syntax error" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root != null && !root.isNull() && !root.isMissingNode() && !root.isObject()) {
            throw new ConfigException("", "expected an object (key: value pairs) at the top level, got "
                    + ConfigNode.describe(root));
        }
        return build(ConfigNode.of(root, ""), env);
    }

    private static GatewayConfig build(ConfigNode root, Map<String, String> env) throws ConfigException {
        SipConfig sip = sip(root.object("sip"));
        RtpConfig rtp = rtp(root.object("rtp"));
        HttpConfig http = http(root.object("http"), env);
        LimitsConfig limits = limits(root.object("limits"));
        LocalAgentConfig localAgent = localAgent(root.object("localAgent", "local_agent"));
        ConfigNode trunksNode = root.object("trunks");
        TrunksConfig trunks = new TrunksConfig(TrunkSection.inbound(trunksNode.objects("inbound")),
                TrunkSection.outbound(trunksNode.objects("outbound")), TrunkSection.defaults(trunksNode.object("defaults")));
        trunksNode.finish();
        Set<String> inboundIds = new HashSet<>();
        trunks.inbound().forEach(t -> inboundIds.add(t.id()));
        if (inboundIds.isEmpty()) {
            inboundIds.add(InboundTrunk.OPEN_TRUNK_ID);
        }
        List<DispatchRule> rules = DispatchSection.read(root.objects("dispatchRules", "dispatch_rules"), inboundIds);
        LiveKitConfig livekit = livekit(root.object("livekit"), env);
        String dataDir = root.string(GatewayConfig.DEFAULT_DATA_DIR, "dataDir");
        RedisConfig redis = redis(root.object("redis"), env);
        VoicemailConfig voicemail = voicemail(root.object("voicemailDetection", "voicemail_detection"));
        RecordingConfig recording = recording(root.object("recording"));
        LogConfig log = log(root.object("log"));
        root.finish();
        try {
            return new GatewayConfig(sip, rtp, http, limits, localAgent, trunks, rules, livekit, dataDir, redis,
                    voicemail, recording, log);
        } catch (InvalidConfigException e) {
            throw at(root, e);
        }
    }

    private static SipConfig sip(ConfigNode n) throws ConfigException {
        SipConfig d = SipConfig.DEFAULT;
        String bind = n.string(d.bind(), "bind");
        int port = n.integer(d.port(), "port");
        String external = n.string(d.externalAddress(), "externalAddress");
        String userAgent = n.string(d.userAgent(), "userAgent");
        int sessionExpires = n.integer(d.sessionExpiresSeconds(), "sessionExpiresSeconds");
        SipTcpConfig tcp = sipTcp(n.object("tcp"));
        SipTlsConfig tls = n.has("tls") ? sipTls(n.object("tls")) : null;
        n.finish();
        try {
            return new SipConfig(bind, port, external, userAgent, sessionExpires, tcp, tls);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static SipTcpConfig sipTcp(ConfigNode n) throws ConfigException {
        SipTcpConfig d = SipTcpConfig.DEFAULT;
        int idle = n.integer(d.idleTimeoutSeconds(), "idleTimeoutSeconds");
        int perSource = n.integer(d.maxConnectionsPerSource(), "maxConnectionsPerSource");
        int max = n.integer(d.maxConnections(), "maxConnections");
        n.finish();
        try {
            return new SipTcpConfig(idle, perSource, max);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static SipTlsConfig sipTls(ConfigNode n) throws ConfigException {
        int port = n.integer(SipTlsConfig.DEFAULT_PORT, "port");
        String certificate = n.string(null, "certificate");
        String privateKey = n.string(null, "privateKey", "private_key");
        n.finish();
        SipTlsConfig tls;
        try {
            tls = new SipTlsConfig(port, certificate, privateKey);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
        try {
            PemCredentials.read(Path.of(certificate), Path.of(privateKey)); // refused now, not at the first caller
        } catch (TlsCredentialsException e) {
            String field = e.file().equals(Path.of(certificate)) ? "certificate" : "privateKey";
            throw new ConfigException(n.child(field), e.getMessage(), e);
        }
        return tls;
    }

    private static RtpConfig rtp(ConfigNode n) throws ConfigException {
        RtpConfig d = RtpConfig.DEFAULT;
        String bind = n.string(d.bind(), "bind");
        int portMin = n.integer(d.portMin(), "portMin");
        int portMax = n.integer(d.portMax(), "portMax");
        int timeout = n.integer(d.timeoutSeconds(), "timeoutSeconds");
        int jitterMin = n.integer(d.jitterMinMs(), "jitterMinMs");
        int jitterMax = n.integer(d.jitterMaxMs(), "jitterMaxMs");
        List<Cidr> trusted = new ArrayList<>();
        for (ConfigNode.Item item : n.strings("trustedMediaRanges")) {
            Optional<TrunkPreset> preset = TrunkPreset.byName(item.value());
            if (preset.isPresent()) {
                trusted.addAll(preset.get().mediaRanges());
                continue;
            }
            try {
                trusted.add(Cidr.parse(item.value()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(item.path(), "not an IP address, CIDR block or preset (twilio): " + e.getMessage());
            }
        }
        n.finish();
        try {
            return new RtpConfig(bind, portMin, portMax, timeout, jitterMin, jitterMax, trusted);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static HttpConfig http(ConfigNode n, Map<String, String> env) throws ConfigException {
        HttpConfig d = HttpConfig.DEFAULT;
        String bind = n.string(d.bind(), "bind");
        int port = n.integer(d.port(), "port");
        String token = override(env, "GATEWAY_HTTP_TOKEN", n.string(null, "token"));
        List<String> hosts = n.strings("allowedHosts").stream().map(ConfigNode.Item::value).toList();
        int read = n.integer(d.readTimeoutSeconds(), "readTimeoutSeconds");
        int idle = n.integer(d.idleTimeoutSeconds(), "idleTimeoutSeconds");
        int max = n.integer(d.maxConnections(), "maxConnections");
        int perSource = n.integer(d.maxConnectionsPerSource(), "maxConnectionsPerSource");
        String metricsToken = override(env, "GATEWAY_METRICS_TOKEN", n.string(null, "metricsToken"));
        n.finish();
        try {
            return new HttpConfig(bind, port, token, hosts, read, idle, max, perSource, metricsToken);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static LimitsConfig limits(ConfigNode n) throws ConfigException {
        LimitsConfig d = LimitsConfig.DEFAULT;
        int maxCalls = n.integer(d.maxCalls(), "maxCalls");
        int drain = n.integer(d.drainSeconds(), "drainSeconds");
        int ring = n.integer(d.ringSeconds(), "ringSeconds");
        int perSource = n.integer(d.requestsPerSecondPerSource(), "requestsPerSecondPerSource",
                "invitesPerSecondPerSource"); // its former name, from when only INVITEs counted
        int maxCallSeconds = n.integer(d.maxCallSeconds(), "maxCallSeconds");
        int block = n.integer(d.blockSeconds(), "blockSeconds");
        int invites = n.integer(d.invitesPerSecond(), "invitesPerSecond");
        int unconfirmed = n.integer(d.maxUnconfirmed(), "maxUnconfirmed");
        int unconfirmedPerSource = n.integer(d.maxUnconfirmedPerSource(), "maxUnconfirmedPerSource");
        int maxCpu = n.integer(d.maxCpuPercent(), "maxCpuPercent");
        n.finish();
        try {
            return new LimitsConfig(maxCalls, drain, ring, perSource, maxCallSeconds, block, invites, unconfirmed,
                    unconfirmedPerSource, maxCpu);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static VoicemailConfig voicemail(ConfigNode n) throws ConfigException {
        AmdSettings d = AmdSettings.defaults();
        FeatureSwitches off = VoicemailConfig.DEFAULT.switches();
        boolean inbound = n.bool(off.inbound(), "inbound");
        boolean outbound = n.bool(off.outbound(), "outbound");
        Map<String, String> trunks = n.stringMap("trunks");
        AmdSettings thresholds;
        try {
            thresholds = new AmdSettings(n.integer(d.initialSilenceMs(), "initialSilenceMs"),
                    n.integer(d.greetingMs(), "greetingMs"),
                    n.integer(d.afterGreetingSilenceMs(), "afterGreetingSilenceMs"),
                    n.integer(d.minimumWordLengthMs(), "minimumWordLengthMs"),
                    n.integer(d.betweenWordsSilenceMs(), "betweenWordsSilenceMs"),
                    n.integer(d.maximumNumberOfWords(), "maximumNumberOfWords"),
                    n.integer(d.maximumWordLengthMs(), "maximumWordLengthMs"),
                    n.integer(d.totalAnalysisTimeMs(), "totalAnalysisTimeMs"),
                    n.integer(d.silenceThreshold(), "silenceThreshold"),
                    n.integer(d.beepTimeoutMs(), "beepTimeoutMs"));
        } catch (InvalidConfigException e) {
            throw at(n, e);
        } catch (IllegalArgumentException e) { // AmdSettings names the field first: "greetingMs must be ..."
            String message = String.valueOf(e.getMessage());
            int space = message.indexOf(' ');
            String field = space > 0 ? message.substring(0, space) : "";
            throw new ConfigException(n.child(field), space > 0 ? message.substring(space + 1) : message, e);
        }
        n.finish();
        try {
            return new VoicemailConfig(new FeatureSwitches(inbound, outbound,
                    FeatureSwitches.switches(trunks, "trunks"), Map.of()), thresholds);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static RecordingConfig recording(ConfigNode n) throws ConfigException {
        RecordingConfig d = RecordingConfig.DEFAULT;
        String dir = n.string(d.dir(), "dir");
        String format = n.string("ogg", "format");
        boolean inbound = n.bool(false, "inbound");
        boolean outbound = n.bool(false, "outbound");
        Map<String, String> trunks = n.stringMap("trunks");
        Map<String, String> rules = n.stringMap("dispatchRules", "dispatch_rules");
        int threads = n.integer(d.writerThreads(), "writerThreads");
        int queue = n.integer(d.queueSeconds(), "queueSeconds");
        n.finish();
        RecordingFormat f = switch (format.strip().toLowerCase(Locale.ROOT)) {
            case "ogg", "opus", "ogg/opus" -> RecordingFormat.OGG_OPUS;
            case "wav" -> RecordingFormat.WAV;
            default -> throw new ConfigException(n.child("format"), "must be 'ogg' (Opus) or 'wav', got '" + format + "'");
        };
        try {
            return new RecordingConfig(dir, f, new FeatureSwitches(inbound, outbound,
                    FeatureSwitches.switches(trunks, "trunks"), FeatureSwitches.switches(rules, "dispatchRules")),
                    threads, queue);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static LogConfig log(ConfigNode n) throws ConfigException {
        String format = n.string(LogConfig.DEFAULT.format().configName(), "format");
        n.finish();
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "text" -> new LogConfig(LogConfig.Format.TEXT);
            case "json" -> new LogConfig(LogConfig.Format.JSON);
            default -> throw new ConfigException(n.child("format"), "must be 'text' or 'json', got '" + format + "'");
        };
    }

    private static LocalAgentConfig localAgent(ConfigNode n) throws ConfigException {
        String greeting = n.string(LocalAgentConfig.DEFAULT.greeting().configName(), "greeting");
        String transferTarget = n.string(null, "transferTarget");
        n.finish();
        LocalAgentConfig.Greeting g = switch (greeting.toLowerCase(Locale.ROOT)) {
            case "tones" -> LocalAgentConfig.Greeting.TONES;
            case "none" -> LocalAgentConfig.Greeting.NONE;
            default -> throw new ConfigException(n.child("greeting"), "must be 'tones' or 'none', got '"
                    + greeting + "'");
        };
        try {
            return new LocalAgentConfig(g, transferTarget);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static LiveKitConfig livekit(ConfigNode n, Map<String, String> env) throws ConfigException {
        String url = override(env, "LIVEKIT_URL", n.string(null, "url"));
        String key = override(env, "LIVEKIT_API_KEY", n.string(null, "apiKey", "api_key"));
        String secret = override(env, "LIVEKIT_API_SECRET", n.string(null, "apiSecret", "api_secret"));
        int ringing = n.integer(LiveKitConfig.DEFAULT_RINGING_TIMEOUT_SECONDS, "ringingTimeoutSeconds");
        String action = n.string("answer", "ringingTimeoutAction");
        String uplink = n.string("auto", "uplinkCodec");
        n.finish();
        if (url == null && key == null && secret == null) {
            return null; // no LiveKit: the embedded local agent answers
        }
        RingingTimeoutAction onTimeout = switch (action.toLowerCase(Locale.ROOT)) {
            case "answer" -> RingingTimeoutAction.ANSWER;
            case "reject" -> RingingTimeoutAction.REJECT;
            default -> throw new ConfigException(n.child("ringingTimeoutAction"), "must be 'answer' or 'reject', got '"
                    + action + "'");
        };
        UplinkCodec uplinkCodec = LiveKitConfig.uplinkCodec(uplink);
        if (uplinkCodec == null) {
            throw new ConfigException(n.child("uplinkCodec"), "must be 'auto', 'pcmu' or 'opus', got '" + uplink + "'");
        }
        try {
            return new LiveKitConfig(url, key, secret, ringing, onTimeout, uplinkCodec);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    /** Null when the section is absent or has no address (one node). */
    private static RedisConfig redis(ConfigNode n, Map<String, String> env) throws ConfigException {
        String address = n.string(null, "address");
        String username = n.string(null, "username");
        String filePassword = n.string(null, "password");
        int db = n.integer(0, "db");
        String prefix = n.string(RedisConfig.DEFAULT_KEY_PREFIX, "keyPrefix");
        boolean tls = n.bool(false, "tls");
        int timeout = n.integer(RedisConfig.DEFAULT_TIMEOUT_SECONDS, "timeoutSeconds");
        n.finish();
        if (address == null && username == null && filePassword == null) {
            return null; // GATEWAY_REDIS_PASSWORD alone does not turn Redis on
        }
        try {
            return new RedisConfig(address, username, override(env, "GATEWAY_REDIS_PASSWORD", filePassword), db,
                    prefix, tls, timeout);
        } catch (InvalidConfigException e) {
            throw at(n, e);
        }
    }

    private static String override(Map<String, String> env, String variable, String fileValue) {
        String v = env.get(variable);
        return v != null && !v.isBlank() ? v.strip() : fileValue;
    }

    private static ConfigException at(ConfigNode section, InvalidConfigException e) {
        return new ConfigException(section.child(e.field()), e.reason(), e);
    }
}
