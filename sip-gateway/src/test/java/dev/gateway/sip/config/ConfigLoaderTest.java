package dev.gateway.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.room.LiveKitSettings.RingingTimeoutAction;
import dev.gateway.agent.room.LiveKitSettings.UplinkCodec;
import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.sip.trunk.Cidr;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.Transport;
import dev.gateway.sip.trunk.TrunkPreset;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConfigLoaderTest {

    private static final Path EXAMPLE = Path.of("..", "deploy", "gateway.example.yaml");

    @Test
    void exampleFileLoads() throws Exception {
        GatewayConfig c = ConfigLoader.load(EXAMPLE, Map.of());
        assertEquals(SipConfig.DEFAULT, c.sip());
        assertEquals(RtpConfig.DEFAULT, c.rtp());
        assertEquals(HttpConfig.DEFAULT, c.http());
        assertEquals(LimitsConfig.DEFAULT, c.limits());
        assertEquals(LocalAgentConfig.DEFAULT, c.localAgent());
        assertNull(c.livekit());
        assertFalse(c.openInbound());

        InboundTrunk in = c.trunks().inbound().get(0);
        assertEquals("ST_twilio_main", in.id());
        assertEquals(List.of("+15550100000"), in.numbers());
        assertEquals(TrunkPreset.TWILIO.ranges(), in.allowedAddresses());
        assertEquals("sip.h.x-twilio-callsid", in.headersToAttributes().get("X-Twilio-CallSid"));
        assertFalse(in.requiresAuth());

        OutboundTrunk out = c.trunks().outbound().get(0);
        assertEquals("example.pstn.twilio.com", out.host());
        assertEquals(5060, out.port());
        assertEquals(Transport.UDP, out.transport());
        assertTrue(out.id().matches("ST_[0-9a-f]{12}"), out.id());
        assertFalse(out.toString().contains("change-me"), "password hidden from logs");
        assertEquals(10, out.dialPolicy().maxConcurrentCalls());
        assertEquals(60, out.dialPolicy().maxCallsPerMinute());
        assertTrue(out.dialPolicy().allowedDestinations().allowsNumber("+15105550100"));
        assertFalse(out.dialPolicy().allowedDestinations().allowsNumber("+882161234567"));
        assertTrue(in.allowedTransferDestinations().allowsTarget("sip:ops@pbx.example.com", null));

        DispatchRule rule = c.dispatchRules().get(0);
        assertEquals(new DispatchRule.Individual("phone-call-", ""), rule.rule());
        assertEquals(List.of("ST_twilio_main"), rule.trunkIds());
        assertEquals(List.of(new DispatchRule.AgentDispatch("Quinn_353", "")), rule.roomConfig().agents());
    }

    @Test
    void lkFileShapesInJson() throws Exception {
        Path file = Paths.get(getClass().getResource("/config/lk-shapes.json").toURI());
        GatewayConfig c = ConfigLoader.load(file, Map.of());
        assertEquals(5070, c.sip().port());
        assertEquals("gw.example.com", c.sip().externalAddress());
        assertEquals(new LiveKitConfig("ws://127.0.0.1:7880", "devkey", "secret"), c.livekit());

        InboundTrunk first = c.trunks().inbound().get(0);
        assertEquals(TrunkSection.generatedId("ST_", "My trunk:0"), first.id());
        assertEquals(List.of(Cidr.parse("54.172.60.0/30"), Cidr.parse("2001:db8::/32")), first.allowedAddresses());
        assertTrue(first.requiresAuth());
        assertEquals(Map.of("X-Twilio-CallSid", "twilio.callSid"), first.headersToAttributes());
        InboundTrunk camel = c.trunks().inbound().get(1);
        assertEquals("ST_camel", camel.id());
        assertEquals(List.of("+15550001111"), camel.allowedNumbers());

        OutboundTrunk out = c.trunks().outbound().get(0);
        assertEquals(Transport.TLS, out.transport());
        assertEquals(5061, out.port());
        assertEquals("<username>", out.authUsername());

        DispatchRule direct = c.dispatchRules().get(0);
        assertEquals(new DispatchRule.Direct("open-room", "12345"), direct.rule());
        assertEquals("inbound-agent", direct.roomConfig().agents().get(0).agentName());
        DispatchRule callee = c.dispatchRules().get(1);
        assertEquals("SDR_bare", callee.id());
        assertEquals(new DispatchRule.Callee("number-", true, ""), callee.rule());
    }

    @Test
    void defaultsWithoutFile() throws Exception {
        GatewayConfig c = ConfigLoader.defaults(Map.of());
        assertEquals(new GatewayConfig(SipConfig.DEFAULT, RtpConfig.DEFAULT, HttpConfig.DEFAULT,
                LimitsConfig.DEFAULT, LocalAgentConfig.DEFAULT, TrunksConfig.EMPTY, List.of(), null,
                GatewayConfig.DEFAULT_DATA_DIR), c);
        assertTrue(c.openInbound());
        assertFalse(c.hasLiveKit());
        assertEquals(c, ConfigLoader.parse("", "yaml", Map.of()));
        assertEquals(c, ConfigLoader.parse("{}", "json", Map.of()));
    }

    @Test
    void environmentCreatesLiveKitSection() throws Exception {
        GatewayConfig c = ConfigLoader.defaults(Map.of("LIVEKIT_URL", "wss://lk.example.com",
                "LIVEKIT_API_KEY", "key", "LIVEKIT_API_SECRET", "secret", "PATH", "/bin"));
        assertEquals(new LiveKitConfig("wss://lk.example.com", "key", "secret"), c.livekit());
        assertFalse(c.livekit().toString().contains("secret]"), c.livekit().toString());
    }

    @Test
    void environmentOverridesFile() throws Exception {
        String yaml = "livekit:\n  url: ws://file:7880\n  apiKey: filekey\n  apiSecret: filesecret\n";
        GatewayConfig c = ConfigLoader.parse(yaml, "yaml", Map.of("LIVEKIT_API_SECRET", "envsecret",
                "LIVEKIT_URL", " "));
        assertEquals(new LiveKitConfig("ws://file:7880", "filekey", "envsecret"), c.livekit());
    }

    @Test
    void ringingPolicyDefaultsToFifteenSecondsThenAnswer() throws Exception {
        LiveKitConfig d = ConfigLoader.parse("livekit: {url: 'ws://x:7880', apiKey: k, apiSecret: s}\n", "yaml",
                Map.of()).livekit();
        assertEquals(15, d.ringingTimeoutSeconds());
        assertEquals(RingingTimeoutAction.ANSWER, d.ringingTimeoutAction());
        LiveKitConfig c = ConfigLoader.parse("livekit: {url: 'ws://x:7880', apiKey: k, apiSecret: s, "
                + "ringingTimeoutSeconds: 4, ringingTimeoutAction: REJECT}\n", "yaml", Map.of()).livekit();
        assertEquals(new LiveKitConfig("ws://x:7880", "k", "s", 4, RingingTimeoutAction.REJECT), c);
    }

    @Test
    void uplinkCodecDefaultsToAutoAndReadsEachSpelling() throws Exception {
        assertEquals(UplinkCodec.AUTO, ConfigLoader.parse("livekit: {url: 'ws://x:7880', apiKey: k, apiSecret: s}\n",
                "yaml", Map.of()).livekit().uplinkCodec());
        for (String[] v : new String[][] {{"auto", "AUTO"}, {"PCMU", "PCMU"}, {"Opus", "OPUS"}}) {
            LiveKitConfig c = ConfigLoader.parse("livekit: {url: 'ws://x:7880', apiKey: k, apiSecret: s, uplinkCodec: "
                    + v[0] + "}\n", "yaml", Map.of()).livekit();
            assertEquals(UplinkCodec.valueOf(v[1]), c.uplinkCodec(), v[0]);
        }
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> new LiveKitConfig("ws://x:7880", "k", "s", 15, RingingTimeoutAction.ANSWER, null));
        assertTrue(e.getMessage().contains("uplinkCodec") && e.getMessage().contains("'auto', 'pcmu' or 'opus'"),
                e.getMessage());
    }

    @Test
    void trustedMediaRangesTakeCidrsAndThePresetsMediaRanges() throws Exception {
        GatewayConfig c = ConfigLoader.parse("rtp:\n  trustedMediaRanges: [twilio, 10.0.0.0/8, 192.0.2.7]\n", "yaml",
                Map.of());
        assertEquals(List.of(Cidr.parse("168.86.128.0/18"), Cidr.parse("10.0.0.0/8"), Cidr.parse("192.0.2.7/32")),
                c.rtp().trustedMediaRanges());
        assertEquals(List.of(), RtpConfig.DEFAULT.trustedMediaRanges(), "none unless configured");
    }

    @Test
    void secretOnlyFromEnvironmentStillNeedsUrl() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.defaults(Map.of("LIVEKIT_API_SECRET", "s")));
        assertEquals("livekit.url", e.field());
    }

    static Stream<Arguments> badConfigs() {
        return Stream.of(
                bad("unknown key with suggestion", "sip:\n  prot: 5060\n",
                        "sip.prot", "unknown field (did you mean 'port'?)"),
                bad("unknown top-level key", "rpt: {}\n", "rpt", "unknown field (did you mean 'rtp'?)"),
                bad("unknown snake_case trunk key", "trunks:\n  inbound:\n    - allowed_adresses: []\n",
                        "trunks.inbound[0].allowed_adresses", "unknown field (did you mean 'allowed_addresses'?)"),
                bad("redis without address", "redis:\n  password: secret\n",
                        "redis.address", "required: host:port of the Redis server"),
                bad("redis address with a scheme", "redis:\n  address: redis://r.example:6379\n",
                        "redis.address", "without a scheme (set tls: true for TLS)"),
                bad("redis port out of range", "redis:\n  address: r.example:70000\n",
                        "redis.address", "with a port from 1 to 65535"),
                bad("redis negative db", "redis:\n  address: r.example\n  db: -1\n",
                        "redis.db", "must be between 0 and 1000, got -1"),
                bad("redis prefix with a space", "redis:\n  address: r.example\n  keyPrefix: 'a b'\n",
                        "redis.keyPrefix", "printable ASCII characters without spaces"),
                bad("redis tls not a boolean", "redis:\n  address: r.example\n  tls: maybe\n",
                        "redis.tls", ""),
                bad("redis unknown key", "redis:\n  adress: r.example\n",
                        "redis.adress", "unknown field (did you mean 'address'?)"),
                bad("odd portMin", "rtp:\n  portMin: 10001\n",
                        "rtp.portMin", "must be an even number between 1024 and 65534, got 10001"),
                bad("portMin above portMax", "rtp:\n  portMin: 30000\n",
                        "rtp.portMax", "must be greater than portMin (30000), got 20000"),
                bad("bad trusted media range", "rtp:\n  trustedMediaRanges: ['10.0.0.0/8', 'twilo']\n",
                        "rtp.trustedMediaRanges[1]", "not an IP address, CIDR block or preset (twilio)"),
                bad("bad CIDR", "trunks:\n  inbound:\n    - allowed_addresses: ['10.0.0.0/8', '10.0.0.0/33']\n",
                        "trunks.inbound[0].allowed_addresses[1]", "not an IP address or CIDR block"),
                bad("bad CIDR in wrapped camelCase trunk",
                        "trunks:\n  inbound:\n    - trunk:\n        allowedAddresses: [nope]\n",
                        "trunks.inbound[0].trunk.allowedAddresses[0]", "not an IP address or CIDR block"),
                bad("auth_username without password", "trunks:\n  inbound:\n    - auth_username: bob\n",
                        "trunks.inbound[0].auth_password", "required when auth_username is set"),
                bad("two rule kinds", "dispatchRules:\n  - rule:\n      dispatchRuleIndividual: {}\n"
                                + "      dispatchRuleDirect: {roomName: r}\n", "dispatchRules[0].rule",
                        "must set exactly one of dispatchRuleIndividual, dispatchRuleDirect, dispatchRuleCallee, "
                                + "got dispatchRuleIndividual and dispatchRuleDirect"),
                bad("dispatch rule without rule", "dispatchRules:\n  - name: x\n", "dispatchRules[0].rule",
                        "required"),
                bad("livekit url without apiKey", "livekit:\n  url: wss://lk.example.com\n",
                        "livekit.apiKey", "required when livekit.url is set"),
                bad("livekit url bad scheme", "livekit: {url: 'ftp://x', apiKey: k, apiSecret: s}\n",
                        "livekit.url", "must be a ws://"),
                bad("ringing timeout zero", "livekit: {url: 'ws://x', apiKey: k, apiSecret: s, ringingTimeoutSeconds: 0}\n",
                        "livekit.ringingTimeoutSeconds", "must be between 1 and 300, got 0"),
                bad("ringing timeout action unknown",
                        "livekit: {url: 'ws://x', apiKey: k, apiSecret: s, ringingTimeoutAction: hangup}\n",
                        "livekit.ringingTimeoutAction", "must be 'answer' or 'reject', got 'hangup'"),
                bad("uplink codec unknown", "livekit: {url: 'ws://x', apiKey: k, apiSecret: s, uplinkCodec: g722}\n",
                        "livekit.uplinkCodec", "must be 'auto', 'pcmu' or 'opus', got 'g722'"),
                bad("ringing timeout not a number",
                        "livekit: {url: 'ws://x', apiKey: k, apiSecret: s, ringingTimeoutSeconds: soon}\n",
                        "livekit.ringingTimeoutSeconds", "expected an integer"),
                bad("wrong type", "sip:\n  port: abc\n", "sip.port", "expected an integer, got a string \"abc\""),
                bad("wrong type: object for section", "http: 8080\n", "http", "expected an object"),
                bad("unquoted phone number", "trunks:\n  inbound:\n    - numbers: [+15550100]\n",
                        "trunks.inbound[0].numbers[0]", "quote phone numbers"),
                bad("bad transferTarget", "localAgent:\n  transferTarget: 'http://example.com'\n",
                        "localAgent.transferTarget", "must be a sip:, sips: or tel: URI"),
                bad("bad greeting", "localAgent:\n  greeting: music\n", "localAgent.greeting", "'tones' or 'none'"),
                bad("ringSeconds out of range", "limits: {ringSeconds: 11}\n", "limits.ringSeconds", "0 and 10"),
                bad("negative maxCallSeconds", "limits: {maxCallSeconds: -1}\n", "limits.maxCallSeconds",
                        "0 (no limit) or more"),
                bad("jitter max below min", "rtp: {jitterMinMs: 60, jitterMaxMs: 40}\n", "rtp.jitterMaxMs",
                        "between jitterMinMs (60) and 400"),
                bad("unknown preset", "trunks:\n  inbound:\n    - preset: vonage\n", "trunks.inbound[0].preset",
                        "unknown preset"),
                bad("outbound without numbers", "trunks:\n  outbound:\n    - address: sip.example.com\n",
                        "trunks.outbound[0].numbers", "at least one"),
                bad("outbound bad transport", "trunks:\n  outbound:\n    - {address: a.example, numbers: ['1'], "
                        + "transport: SCTP}\n", "trunks.outbound[0].transport", "expected UDP, TCP, TLS"),
                bad("outbound bad port", "trunks:\n  outbound:\n    - {address: 'a.example:70000', numbers: ['1']}\n",
                        "trunks.outbound[0].address", "port must be 1..65535"),
                bad("dispatch rule names unknown trunk", "dispatchRules:\n  - trunk_ids: [ST_x]\n"
                        + "    rule: {dispatchRuleDirect: {roomName: r}}\n", "dispatchRules[0].trunk_ids[0]",
                        "no inbound trunk"),
                bad("both alias spellings", "trunks:\n  inbound:\n    - {allowed_numbers: [], allowedNumbers: []}\n",
                        "trunks.inbound[0].allowedNumbers", "given together with 'allowed_numbers'"),
                bad("duplicate trunk ids", "trunks:\n  inbound:\n    - sip_trunk_id: A\n    - sip_trunk_id: A\n",
                        "trunks.inbound[1].sip_trunk_id", "already used by trunks.inbound[0]"),
                bad("tls without files", "sip:\n  tls: {port: 5061}\n", "sip.tls.certificate", "is required"),
                bad("tls on the TCP port", "sip:\n  port: 5070\n  tls: {port: 5070, certificate: " + pem("rsa.crt")
                        + ", privateKey: " + pem("rsa-pkcs8.key") + "}\n", "sip.tls.port", "must differ from sip.port"),
                bad("tls certificate missing", "sip:\n  tls: {certificate: /nonexistent/c.pem, privateKey: "
                        + pem("rsa-pkcs8.key") + "}\n", "sip.tls.certificate", "/nonexistent/c.pem does not exist"),
                bad("tls key of another certificate", "sip:\n  tls: {certificate: " + pem("rsa.crt")
                        + ", privateKey: " + pem("ec-sec1.key") + "}\n", "sip.tls.privateKey",
                        "is not the private key of the certificate"),
                bad("destination with * inside", "trunks:\n  outbound:\n    - {address: a.example, numbers: ['1'], "
                        + "allowed_destinations: ['+1*900']}\n", "trunks.outbound[0].allowed_destinations[0]",
                        "'*' may only end the pattern"),
                bad("destination bad host", "trunks:\n  inbound:\n    - allowed_transfer_destinations: "
                        + "['*@bad host']\n", "trunks.inbound[0].allowed_transfer_destinations[0]",
                        "must be a host name"),
                bad("negative concurrent cap", "trunks:\n  outbound:\n    - {address: a.example, numbers: ['1'], "
                        + "maxConcurrentCalls: -1}\n", "trunks.outbound[0].maxConcurrentCalls", "0 (no cap) or more"),
                bad("rate cap not a number", "trunks:\n  outbound:\n    - {address: a.example, numbers: ['1'], "
                        + "max_calls_per_minute: many}\n", "trunks.outbound[0].max_calls_per_minute",
                        "expected an integer"),
                bad("unknown default", "trunks:\n  defaults: {allowed_numbers: []}\n", "trunks.defaults.allowed_numbers",
                        "unknown"),
                bad("unknown media_encryption", "trunks:\n  inbound:\n    - media_encryption: optional\n",
                        "trunks.inbound[0].media_encryption", "expected disable, allow or require"),
                bad("media_encryption out of range", "trunks:\n  outbound:\n    - {address: a.example, numbers: ['1'], "
                        + "mediaEncryption: 3}\n", "trunks.outbound[0].mediaEncryption", "expected disable, allow"),
                bad("short http token", "http: {token: abc}\n", "http.token", "at least 16 characters"),
                bad("http token with a space", "http: {token: 'abcdefgh ijklmnopq'}\n", "http.token",
                        "printable ASCII without spaces"),
                bad("allowed host with port", "http: {allowedHosts: ['gw.example:8080']}\n", "http.allowedHosts",
                        "host names without port"),
                bad("zero read timeout", "http: {readTimeoutSeconds: 0}\n", "http.readTimeoutSeconds",
                        "between 1 and 300, got 0"),
                bad("per-source cap above the cap", "http: {maxConnections: 10, maxConnectionsPerSource: 11}\n",
                        "http.maxConnectionsPerSource", "between 1 and maxConnections (10), got 11"),
                bad("tcp idle timeout 0", "sip: {tcp: {idleTimeoutSeconds: 0}}\n", "sip.tcp.idleTimeoutSeconds",
                        "between 1 and 86400"),
                bad("tcp per-source cap 0", "sip: {tcp: {maxConnectionsPerSource: 0}}\n",
                        "sip.tcp.maxConnectionsPerSource", "at least 1"),
                bad("tcp total under per-source", "sip: {tcp: {maxConnectionsPerSource: 50, maxConnections: 10}}\n",
                        "sip.tcp.maxConnections", "at least maxConnectionsPerSource (50)"),
                bad("tcp unknown key", "sip: {tcp: {maxIdle: 3}}\n", "sip.tcp.maxIdle", "unknown"),
                bad("syntax error", "sip: [\n", "", "syntax error at line"));
    }

    private static String pem(String name) {
        return dev.gateway.sip.tls.PemCredentialsTest.file(name).toString();
    }

    @Test
    void redisSectionWithDefaultsAndThePasswordFromTheEnvironment() throws Exception {
        GatewayConfig c = ConfigLoader.parse("redis:\n  address: 10.0.0.5\n", "yaml", Map.of());
        assertEquals(new RedisConfig("10.0.0.5", null, null, 0, "sipgw:", false, 2), c.redis());
        assertEquals(6379, c.redis().port());
        GatewayConfig full = ConfigLoader.parse("redis: {address: '[::1]:6380', username: gw, password: file, db: 2,"
                + " keyPrefix: 'a:', tls: true, timeoutSeconds: 5}\n", "yaml", Map.of("GATEWAY_REDIS_PASSWORD", "env"));
        assertEquals(new RedisConfig("[::1]:6380", "gw", "env", 2, "a:", true, 5), full.redis());
        assertEquals("::1", full.redis().host());
        assertEquals(6380, full.redis().port());
        assertFalse(full.redis().toString().contains("env"), "the password stays out of logs");
        assertEquals(null, ConfigLoader.parse("", "yaml", Map.of("GATEWAY_REDIS_PASSWORD", "x")).redis(),
                "the environment's password alone does not turn Redis on");
    }

    @Test
    void tlsListenerDefaultsToPort5061() throws Exception {
        GatewayConfig c = ConfigLoader.parse("sip:\n  tls: {certificate: " + pem("ec.crt") + ", private_key: "
                + pem("ec-sec1.key") + "}\n", "yaml", Map.of());
        assertEquals(new SipTlsConfig(5061, pem("ec.crt"), pem("ec-sec1.key")), c.sip().tls());
        assertEquals(null, ConfigLoader.parse("sip: {port: 5060}\n", "yaml", Map.of()).sip().tls());
    }

    private static Arguments bad(String name, String yaml, String field, String reasonFragment) {
        return Arguments.of(name, yaml, field, reasonFragment);
    }

    @Test
    void mediaEncryptionInEveryLiveKitSpelling() throws Exception {
        GatewayConfig c = ConfigLoader.parse("trunks:\n  inbound:\n    - {name: a}\n    - {name: b, media_encryption: ALLOW}\n"
                + "    - {name: c, mediaEncryption: SIP_MEDIA_ENCRYPT_REQUIRE}\n    - {name: d, media_encryption: 1}\n"
                + "  outbound:\n    - {address: a.example, numbers: ['1'], media_encryption: require}\n", "yaml", Map.of());
        assertEquals(List.of(MediaEncryption.DISABLE, MediaEncryption.ALLOW, MediaEncryption.REQUIRE,
                MediaEncryption.ALLOW), c.trunks().inbound().stream().map(InboundTrunk::mediaEncryption).toList());
        assertEquals(MediaEncryption.REQUIRE, c.trunks().outbound().get(0).mediaEncryption());
    }

    @Test
    void observeKeys() throws Exception {
        GatewayConfig d = ConfigLoader.defaults(Map.of());
        assertEquals(LogConfig.Format.TEXT, d.log().format());
        assertEquals(0, d.limits().maxCpuPercent());
        assertEquals(null, d.http().metricsToken());
        GatewayConfig c = ConfigLoader.parse("log: {format: JSON}\nlimits: {maxCpuPercent: 85}\n"
                + "http: {metricsToken: 'scrape-0123456789abcdef'}\n", "yaml", Map.of());
        assertEquals(LogConfig.Format.JSON, c.log().format());
        assertEquals(85, c.limits().maxCpuPercent());
        assertEquals("scrape-0123456789abcdef", c.http().metricsToken());
        assertEquals("from-env-0123456789abcdef", ConfigLoader.parse("http: {metricsToken: 'scrape-0123456789abcdef'}\n",
                "yaml", Map.of("GATEWAY_METRICS_TOKEN", "from-env-0123456789abcdef")).http().metricsToken());
        for (String[] bad : new String[][] {
                {"log: {format: xml}\n", "log.format", "must be 'text' or 'json'"},
                {"log: {level: debug}\n", "log.level", ""},
                {"limits: {maxCpuPercent: 101}\n", "limits.maxCpuPercent", "between 0 (no CPU limit) and 100"},
                {"http: {metricsToken: short}\n", "http.metricsToken", "at least 16"},
                {"http: {token: 'same-0123456789abcdef', metricsToken: 'same-0123456789abcdef'}\n", "http.metricsToken",
                        "must differ from http.token"}}) {
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(bad[0], "yaml", Map.of()));
            assertEquals(bad[1], e.field(), e.getMessage());
            assertTrue(e.reason().contains(bad[2]), e.getMessage());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void badConfig(String name, String yaml, String field, String reasonFragment) {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "yaml", Map.of()));
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.reason().contains(reasonFragment), e.getMessage());
        assertEquals(field.isEmpty() ? "config: " + e.reason() : "config: " + field + ": " + e.reason(),
                e.getMessage());
    }

    @Test
    void destinationListsAndCallCapsPerTrunk() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                trunks:
                  inbound:
                    - {name: closed, allowed_transfer_destinations: []}
                    - {name: pbx, allowedTransferDestinations: ["*@pbx.example.com", "+1*"]}
                    - {name: open}
                  outbound:
                    - {name: us, address: a.example, numbers: ["+15105550100"], allowed_destinations: ["+1*"],
                       max_concurrent_calls: 2, max_calls_per_minute: 30}
                    - {name: legacy, address: b.example, numbers: ["+15105550100"]}
                """, "yaml", Map.of());
        InboundTrunk closed = c.trunks().inbound().get(0);
        assertTrue(closed.allowedTransferDestinations().restricted());
        assertFalse(closed.allowedTransferDestinations().allowsTarget("tel:+15105550111", null));
        InboundTrunk pbx = c.trunks().inbound().get(1);
        assertTrue(pbx.allowedTransferDestinations().allowsTarget("sip:alice@pbx.example.com", null));
        assertTrue(pbx.allowedTransferDestinations().allowsTarget("tel:+15105550111", null));
        assertFalse(pbx.allowedTransferDestinations().allowsTarget("tel:+4420", null));
        assertFalse(c.trunks().inbound().get(2).allowedTransferDestinations().restricted());

        OutboundTrunk us = c.trunks().outbound().get(0);
        assertEquals(2, us.dialPolicy().maxConcurrentCalls());
        assertEquals(30, us.dialPolicy().maxCallsPerMinute());
        assertTrue(us.dialPolicy().allowedDestinations().allowsNumber("+15105550111"));
        assertFalse(us.dialPolicy().allowedDestinations().allowsNumber("+882100"));
        assertEquals(dev.gateway.sip.trunk.DialPolicy.OPEN, c.trunks().outbound().get(1).dialPolicy());
    }

    @Test
    void trunkDefaultsFillWhatATrunkLeavesOut() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                trunks:
                  defaults: {allowed_destinations: ["+1*"], max_concurrent_calls: 5, max_calls_per_minute: 60,
                             allowed_transfer_destinations: []}
                  inbound:
                    - {name: own, allowed_transfer_destinations: ["+4420*"]}
                    - {name: bare}
                  outbound:
                    - {name: own, address: a.example, numbers: ["1"], allowed_destinations: ["+44*"],
                       max_concurrent_calls: 2}
                    - {name: bare, address: b.example, numbers: ["1"]}
                """, "yaml", Map.of());
        dev.gateway.sip.trunk.TrunkDefaults d = c.trunks().defaults();
        var own = d.dialPolicyOf(c.trunks().outbound().get(0));
        assertTrue(own.allowedDestinations().allowsNumber("+447700900123"));
        assertFalse(own.allowedDestinations().allowsNumber("+15105550100"), "the trunk's own list replaces the default");
        assertEquals(2, own.maxConcurrentCalls());
        assertEquals(60, own.maxCallsPerMinute(), "a cap the trunk leaves at 0 comes from the defaults");
        var bare = d.dialPolicyOf(c.trunks().outbound().get(1));
        assertTrue(bare.allowedDestinations().allowsNumber("+15105550100"));
        assertFalse(bare.allowedDestinations().allowsNumber("+882161234567"));
        assertEquals(5, bare.maxConcurrentCalls());
        assertTrue(d.transfersOf(c.trunks().inbound().get(0)).allowsTarget("tel:+442079460000", null));
        assertFalse(d.transfersOf(c.trunks().inbound().get(1)).allowsTarget("tel:+442079460000", null),
                "defaults: [] allows no transfer");
        assertEquals(dev.gateway.sip.trunk.TrunkDefaults.NONE, ConfigLoader.parse("sip: {port: 5060}\n", "yaml",
                Map.of()).trunks().defaults());
    }

    @Test
    void httpSectionReadsEveryKeyAndTheTokenFromTheEnvironment() throws Exception {
        HttpConfig h = ConfigLoader.parse("""
                http:
                  bind: 10.0.0.5
                  port: 8081
                  token: from-the-file-0123456789
                  allowedHosts: [Gateway.Example.com]
                  readTimeoutSeconds: 5
                  idleTimeoutSeconds: 30
                  maxConnections: 100
                  maxConnectionsPerSource: 10
                """, "yaml", Map.of()).http();
        assertEquals(new HttpConfig("10.0.0.5", 8081, "from-the-file-0123456789", List.of("gateway.example.com"), 5,
                30, 100, 10), h);
        assertEquals("from-the-env-0123456789", ConfigLoader.parse("http: {token: from-the-file-0123456789}\n",
                "yaml", Map.of("GATEWAY_HTTP_TOKEN", "from-the-env-0123456789")).http().token());
        assertNull(ConfigLoader.parse("http: {port: 8081}\n", "yaml", Map.of()).http().token());
    }

    @Test
    void floodLimitsHaveDefaultsAndAreRead() throws Exception {
        LimitsConfig d = LimitsConfig.DEFAULT;
        assertEquals(List.of(20, 60, 200, 50, 1), List.of(d.requestsPerSecondPerSource(), d.blockSeconds(),
                d.invitesPerSecond(), d.maxUnconfirmed(), d.maxUnconfirmedPerSource()));
        LimitsConfig l = ConfigLoader.parse("limits: {requestsPerSecondPerSource: 5, blockSeconds: 30, "
                + "invitesPerSecond: 0, maxUnconfirmed: 10, maxUnconfirmedPerSource: 2}\n", "yaml", Map.of()).limits();
        assertEquals(List.of(5, 30, 0, 10, 2), List.of(l.requestsPerSecondPerSource(), l.blockSeconds(),
                l.invitesPerSecond(), l.maxUnconfirmed(), l.maxUnconfirmedPerSource()));
        assertEquals(7, ConfigLoader.parse("limits: {invitesPerSecondPerSource: 7}\n", "yaml", Map.of()).limits()
                .requestsPerSecondPerSource(), "the former name still works");
        assertEquals(3, ConfigLoader.parse("limits: {maxCalls: 3}\n", "yaml", Map.of()).limits()
                .effectiveMaxUnconfirmed(), "never above maxCalls");
    }

    static Stream<Arguments> badFloodLimits() {
        return Stream.of(
                bad("negative per-source rate", "limits: {requestsPerSecondPerSource: -1}\n",
                        "limits.requestsPerSecondPerSource", "must be 0 (unlimited) or more, got -1"),
                bad("zero block", "limits: {blockSeconds: 0}\n", "limits.blockSeconds", "between 1 and 3600, got 0"),
                bad("negative global rate", "limits: {invitesPerSecond: -5}\n", "limits.invitesPerSecond",
                        "must be 0 (unlimited) or more, got -5"),
                bad("no unconfirmed dialogs", "limits: {maxUnconfirmed: 0}\n", "limits.maxUnconfirmed",
                        "at least 1, got 0"),
                bad("both names of the per-source rate", "limits: {invitesPerSecondPerSource: 5, "
                        + "requestsPerSecondPerSource: 5}\n", "limits.invitesPerSecondPerSource", "given together"),
                bad("per source above all", "limits: {maxUnconfirmed: 4, maxUnconfirmedPerSource: 5}\n",
                        "limits.maxUnconfirmedPerSource", "between 1 and maxUnconfirmed (4), got 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFloodLimits")
    void badFloodLimit(String name, String yaml, String field, String reasonFragment) {
        badConfig(name, yaml, field, reasonFragment);
    }

    @Test
    void sipTcpDefaultsAndOverrides() throws Exception {
        assertEquals(new SipTcpConfig(300, 32, 2000), SipConfig.DEFAULT.tcp());
        SipTcpConfig tcp = ConfigLoader.parse("sip: {tcp: {idleTimeoutSeconds: 30, maxConnectionsPerSource: 4}}\n",
                "yaml", Map.of()).sip().tcp();
        assertEquals(new SipTcpConfig(30, 4, 2000), tcp);
    }

    @Test
    void maxCallSecondsDefaultsToNoLimit() throws Exception {
        assertEquals(0, LimitsConfig.DEFAULT.maxCallSeconds());
        assertEquals(3600, ConfigLoader.parse("limits: {maxCallSeconds: 3600}\n", "yaml", Map.of()).limits().maxCallSeconds());
    }

    @Test
    void exactMessageForOddPort() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("{\"rtp\": {\"portMin\": 10001}}", "json", Map.of()));
        assertEquals("config: rtp.portMin: must be an even number between 1024 and 65534, got 10001",
                e.getMessage());
    }

    @Test
    void unsupportedExtension() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(Path.of("gateway.toml"), Map.of()));
        assertTrue(e.getMessage().contains("unsupported file type"), e.getMessage());
    }

    @Test
    void emptyOrCommentOnlyFileIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        for (String text : new String[] {"", "\n  \n", "# to do\n# later\n"}) {
            Path file = java.nio.file.Files.writeString(dir.resolve("gateway.yaml"), text);
            ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(file, Map.of()));
            assertTrue(e.getMessage().contains("is empty"), e.getMessage());
        }
    }

    @Test
    void suggestionDistance() {
        assertEquals(2, ConfigNode.distance("prot", "port"));
        assertEquals(0, ConfigNode.distance("", ""));
    }
}
