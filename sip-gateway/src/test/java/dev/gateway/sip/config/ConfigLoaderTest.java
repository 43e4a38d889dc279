package dev.gateway.sip.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.room.LiveKitSettings.RingingTimeoutAction;
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
                bad("syntax error", "sip: [\n", "", "syntax error at line"),
                bad("tcp idle timeout 0", "sip: {tcp: {idleTimeoutSeconds: 0}}\n", "sip.tcp.idleTimeoutSeconds",
                        "between 1 and 86400"),
                bad("tcp per-source cap 0", "sip: {tcp: {maxConnectionsPerSource: 0}}\n",
                        "sip.tcp.maxConnectionsPerSource", "at least 1"),
                bad("tcp total under per-source", "sip: {tcp: {maxConnectionsPerSource: 50, maxConnections: 10}}\n",
                        "sip.tcp.maxConnections", "at least maxConnectionsPerSource (50)"),
                bad("tcp unknown key", "sip: {tcp: {maxIdle: 3}}\n", "sip.tcp.maxIdle", "unknown"),
                bad("tls without key", "sip: {tls: {certificateFile: src/test/resources/tls/ec.cert.pem}}\n",
                        "sip.tls.keyFile", "must name a readable PEM file, got nothing"),
                bad("tls missing certificate", "sip: {tls: {certificateFile: /nonexistent.pem, keyFile: x}}\n",
                        "sip.tls.certificateFile", "must name a readable PEM file, got '/nonexistent.pem'"),
                bad("tls on the sip port", "sip: {port: 5070, tls: {port: 5070, certificateFile: "
                        + "src/test/resources/tls/ec.cert.pem, keyFile: src/test/resources/tls/ec.key.pem}}\n",
                        "sip.tls.port", "must differ from sip.port (5070)"));
    }

    private static Arguments bad(String name, String yaml, String field, String reasonFragment) {
        return Arguments.of(name, yaml, field, reasonFragment);
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
    void sipTcpDefaultsAndOverrides() throws Exception {
        assertEquals(new SipTcpConfig(300, 32, 2000), SipConfig.DEFAULT.tcp());
        SipTcpConfig tcp = ConfigLoader.parse("sip: {tcp: {idleTimeoutSeconds: 30, maxConnectionsPerSource: 4}}\n",
                "yaml", Map.of()).sip().tcp();
        assertEquals(new SipTcpConfig(30, 4, 2000), tcp);
    }

    @Test
    void sipTlsIsOffUnlessConfiguredAndDefaultsToPort5061() throws Exception {
        assertNull(SipConfig.DEFAULT.tls());
        SipTlsConfig tls = ConfigLoader.parse("sip: {tls: {certificateFile: src/test/resources/tls/ec.cert.pem, "
                + "keyFile: src/test/resources/tls/ec.key.pem}}\n", "yaml", Map.of()).sip().tls();
        assertEquals(new SipTlsConfig(5061, "src/test/resources/tls/ec.cert.pem", "src/test/resources/tls/ec.key.pem"), tls);
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
