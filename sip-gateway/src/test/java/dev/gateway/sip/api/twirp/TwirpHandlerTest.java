package dev.gateway.sip.api.twirp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gateway.agent.signal.Tokens;
import dev.gateway.sip.config.ConfigLoader;
import dev.gateway.sip.config.GatewayConfig;
import dev.gateway.sip.store.SipStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import livekit.LivekitModels.ListUpdate;
import livekit.LivekitSip.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code livekit.SIP} Twirp API over real HTTP: JSON and protobuf, auth, errors, config entries, calls. */
class TwirpHandlerTest {

    static final String KEY = "devkey";
    static final String SECRET = "secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = """
            trunks:
              inbound:
                - {sip_trunk_id: ST_config_in, name: office, numbers: ["+15550100"]}
              outbound:
                - {sip_trunk_id: ST_config_out, name: carrier, address: sip.example.com, numbers: ["+15550100"]}
            dispatchRules:
              - {sip_dispatch_rule_id: SDR_config, rule: {dispatchRuleIndividual: {roomPrefix: "call-"}}}
            """;

    @TempDir
    Path dir;
    private final Tokens tokens = new Tokens(KEY, SECRET);
    private final String admin = tokens.participant("ops", "any").sip(false, true).toJwt();
    private final List<SipStore.Snapshot> changes = new CopyOnWriteArrayList<>();
    private final FakeCalls calls = new FakeCalls();
    private SipStore store;
    private TwirpTestServer server;

    @BeforeEach
    void start() throws Exception {
        GatewayConfig config = ConfigLoader.parse(CONFIG, "yaml", Map.of());
        store = SipStore.open(dir, config.trunks().inbound(), config.trunks().outbound(), config.dispatchRules(),
                Clock.systemUTC());
        store.onChange(changes::add);
        server = new TwirpTestServer(new TwirpHandler(new AccessTokenVerifier(KEY, SECRET, Clock.systemUTC()), store,
                calls, LiveKitProxy.none(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void inboundTrunkLifecycleInJson() throws Exception {
        JsonNode created = ok(server.json("CreateSIPInboundTrunk", admin, """
                {"trunk": {"name": "t1", "numbers": ["+15550111"], "allowed_addresses": ["192.0.2.0/24"],
                           "authUsername": "u", "authPassword": "p", "unknown_future_field": 1}}"""));
        String id = created.get("sip_trunk_id").asText();
        assertTrue(id.matches("ST_[0-9A-Za-z]{12}"), id);
        assertEquals("u", created.get("auth_username").asText());
        assertTrue(created.has("created_at"));
        assertTrue(created.has("metadata"), "fields left at their defaults are printed, as twirp-go does");
        assertEquals(1, changes.size());
        assertEquals(2, changes.get(0).inbound().size());

        JsonNode got = ok(server.json("GetSIPInboundTrunk", admin, "{\"sipTrunkId\": \"" + id + "\"}"));
        assertEquals("t1", got.get("trunk").get("name").asText());

        JsonNode list = ok(server.json("ListSIPInboundTrunk", admin, "{}"));
        assertEquals(List.of("ST_config_in", id), ids(list.get("items"), "sip_trunk_id"));
        JsonNode filtered = ok(server.json("ListSIPInboundTrunk", admin, "{\"numbers\": [\"+15550111\"]}"));
        assertEquals(List.of(id), ids(filtered.get("items"), "sip_trunk_id"));

        JsonNode updated = ok(server.json("UpdateSIPInboundTrunk", admin, "{\"sip_trunk_id\": \"" + id + "\","
                + " \"update\": {\"name\": \"t2\", \"numbers\": {\"add\": [\"+15550112\"]}}}"));
        assertEquals("t2", updated.get("name").asText());
        assertEquals("[\"+15550111\",\"+15550112\"]", updated.get("numbers").toString());
        assertEquals("192.0.2.0/24", updated.get("allowed_addresses").get(0).asText());
        assertTrue(updated.has("updated_at"));

        JsonNode replaced = ok(server.json("UpdateSIPInboundTrunk", admin, "{\"sip_trunk_id\": \"" + id + "\","
                + " \"replace\": {\"name\": \"t3\", \"numbers\": [\"+15550113\"]}}"));
        assertEquals(id, replaced.get("sip_trunk_id").asText());
        assertEquals("[\"+15550113\"]", replaced.get("numbers").toString());
        assertEquals(0, replaced.get("allowed_addresses").size());

        assertEquals(id, ok(server.json("DeleteSIPTrunk", admin, "{\"sip_trunk_id\": \"" + id + "\"}"))
                .get("sip_trunk_id").asText());
        assertError(server.json("GetSIPInboundTrunk", admin, "{\"sip_trunk_id\": \"" + id + "\"}"), 404, "not_found");
        assertEquals(1, store.snapshot().inbound().size());
    }

    @Test
    void outboundTrunkLifecycleInProtobuf() throws Exception {
        SIPOutboundTrunkInfo created = server.proto("CreateSIPOutboundTrunk", admin,
                CreateSIPOutboundTrunkRequest.newBuilder().setTrunk(SIPOutboundTrunkInfo.newBuilder().setName("out")
                        .setAddress("pstn.example.net:5080").setTransport(SIPTransport.SIP_TRANSPORT_TCP)
                        .addNumbers("+15550120").putHeaders("X-Account", "42")).build(),
                SIPOutboundTrunkInfo.getDefaultInstance());
        String id = created.getSipTrunkId();
        assertTrue(id.startsWith("ST_"));
        assertEquals("pstn.example.net", store.snapshot().outbound().get(1).host());
        assertEquals(5080, store.snapshot().outbound().get(1).port());

        GetSIPOutboundTrunkResponse got = server.proto("GetSIPOutboundTrunk", admin,
                GetSIPOutboundTrunkRequest.newBuilder().setSipTrunkId(id).build(),
                GetSIPOutboundTrunkResponse.getDefaultInstance());
        assertEquals(SIPTransport.SIP_TRANSPORT_TCP, got.getTrunk().getTransport());
        assertEquals("42", got.getTrunk().getHeadersMap().get("X-Account"));

        ListSIPOutboundTrunkResponse list = server.proto("ListSIPOutboundTrunk", admin,
                ListSIPOutboundTrunkRequest.getDefaultInstance(), ListSIPOutboundTrunkResponse.getDefaultInstance());
        assertEquals(2, list.getItemsCount());

        SIPOutboundTrunkInfo updated = server.proto("UpdateSIPOutboundTrunk", admin,
                UpdateSIPOutboundTrunkRequest.newBuilder().setSipTrunkId(id).setUpdate(SIPOutboundTrunkUpdate
                        .newBuilder().setAddress("10.0.0.5").setNumbers(ListUpdate.newBuilder().addSet("+15550121")))
                        .build(), SIPOutboundTrunkInfo.getDefaultInstance());
        assertEquals("10.0.0.5", updated.getAddress());
        assertEquals(List.of("+15550121"), updated.getNumbersList());
        assertEquals(created.getCreatedAt(), updated.getCreatedAt());

        server.proto("DeleteSIPTrunk", admin, DeleteSIPTrunkRequest.newBuilder().setSipTrunkId(id).build(),
                SIPTrunkInfo.getDefaultInstance());
        assertEquals(1, store.snapshot().outbound().size());
    }

    @Test
    void dispatchRuleLifecycleInProtobufAndJson() throws Exception {
        String trunk = store.createInbound(SIPInboundTrunkInfo.newBuilder().setName("x").build()).getSipTrunkId();
        SIPDispatchRuleInfo created = server.proto("CreateSIPDispatchRule", admin,
                CreateSIPDispatchRuleRequest.newBuilder().setDispatchRule(SIPDispatchRuleInfo.newBuilder()
                        .setName("direct").addTrunkIds(trunk).setRule(SIPDispatchRule.newBuilder()
                                .setDispatchRuleDirect(SIPDispatchRuleDirect.newBuilder().setRoomName("lobby")))
                        .putAttributes("team", "sales")).build(), SIPDispatchRuleInfo.getDefaultInstance());
        String id = created.getSipDispatchRuleId();
        assertTrue(id.matches("SDR_[0-9A-Za-z]{12}"), id);

        // The older request form: the rule's fields at the top level.
        JsonNode legacy = ok(server.json("CreateSIPDispatchRule", admin, """
                {"rule": {"dispatchRuleCallee": {"roomPrefix": "num-", "randomize": true}}, "name": "callee",
                 "roomConfig": {"agents": [{"agentName": "receptionist"}]}}"""));
        assertEquals("num-", legacy.get("rule").get("dispatch_rule_callee").get("room_prefix").asText());

        ListSIPDispatchRuleResponse forTrunk = server.proto("ListSIPDispatchRule", admin,
                ListSIPDispatchRuleRequest.newBuilder().addTrunkIds(trunk).build(),
                ListSIPDispatchRuleResponse.getDefaultInstance());
        assertEquals(3, forTrunk.getItemsCount(), "its own rule and the two serving every trunk");

        SIPDispatchRuleInfo updated = server.proto("UpdateSIPDispatchRule", admin,
                UpdateSIPDispatchRuleRequest.newBuilder().setSipDispatchRuleId(id).setUpdate(SIPDispatchRuleUpdate
                        .newBuilder().setName("renamed").putAttributes("team", "").putAttributes("tier", "gold"))
                        .build(), SIPDispatchRuleInfo.getDefaultInstance());
        assertEquals("renamed", updated.getName());
        assertEquals(Map.of("tier", "gold"), updated.getAttributesMap());
        assertEquals("lobby", updated.getRule().getDispatchRuleDirect().getRoomName());

        JsonNode deleted = ok(server.json("DeleteSIPDispatchRule", admin,
                "{\"sip_dispatch_rule_id\": \"" + id + "\"}"));
        assertEquals("renamed", deleted.get("name").asText());
        assertEquals(2, store.snapshot().rules().size());
    }

    @Test
    void configEntriesAreListedButReadOnly() throws Exception {
        JsonNode rules = ok(server.json("ListSIPDispatchRule", admin, "{}"));
        assertEquals("call-", rules.get("items").get(0).get("rule").get("dispatch_rule_individual")
                .get("room_prefix").asText());
        JsonNode out = ok(server.json("GetSIPOutboundTrunk", admin, "{\"sip_trunk_id\": \"ST_config_out\"}"));
        assertEquals("sip.example.com", out.get("trunk").get("address").asText());

        assertError(server.json("DeleteSIPTrunk", admin, "{\"sip_trunk_id\": \"ST_config_in\"}"), 412,
                "failed_precondition", "defined in the config file");
        assertError(server.json("UpdateSIPOutboundTrunk", admin,
                "{\"sip_trunk_id\": \"ST_config_out\", \"update\": {\"name\": \"x\"}}"), 412, "failed_precondition");
        assertError(server.json("DeleteSIPDispatchRule", admin, "{\"sip_dispatch_rule_id\": \"SDR_config\"}"), 412,
                "failed_precondition", "config file");
        assertTrue(changes.isEmpty());
    }

    @Test
    void badInputsNameTheField() throws Exception {
        JsonNode cidr = assertError(server.json("CreateSIPInboundTrunk", admin,
                "{\"trunk\": {\"allowed_addresses\": [\"10.0.0.0/33\"]}}"), 400, "invalid_argument");
        assertEquals("trunk.allowed_addresses[0]", cidr.get("meta").get("argument").asText());
        JsonNode address = assertError(server.json("CreateSIPOutboundTrunk", admin,
                "{\"trunk\": {\"numbers\": [\"+15550100\"]}}"), 400, "invalid_argument", "required");
        assertEquals("trunk.address", address.get("meta").get("argument").asText());
        JsonNode twoKinds = assertError(server.json("CreateSIPDispatchRule", admin, "{\"dispatch_rule\": {\"rule\": "
                + "{\"dispatchRuleDirect\": {\"roomName\": \"a\"}, \"dispatchRuleIndividual\": {}}}}"), 400,
                "invalid_argument", "dispatch_rule_individual");
        assertEquals("rule", twoKinds.get("meta").get("argument").asText());
        JsonNode noKind = assertError(server.json("CreateSIPDispatchRule", admin,
                "{\"dispatch_rule\": {\"name\": \"x\"}}"), 400, "invalid_argument");
        assertEquals("dispatch_rule.rule", noKind.get("meta").get("argument").asText());
        JsonNode unknownTrunk = assertError(server.json("CreateSIPDispatchRule", admin, "{\"dispatch_rule\": "
                + "{\"trunk_ids\": [\"ST_nope\"], \"rule\": {\"dispatchRuleIndividual\": {}}}}"), 400, "invalid_argument");
        assertEquals("dispatch_rule.trunk_ids[0]", unknownTrunk.get("meta").get("argument").asText());
        assertError(server.json("CreateSIPInboundTrunk", admin, "{\"trunk\": {\"krisp_enabled\": true}}"), 400,
                "invalid_argument", "trunk.krisp_enabled: not supported");
        assertError(server.json("CreateSIPDispatchRule", admin, "{\"dispatch_rule\": {\"rule\": "
                + "{\"dispatchRuleDirect\": {\"roomName\": \"a\", \"pin\": \"1234\"}}}}"), 400, "invalid_argument", "PIN");
        assertError(server.json("CreateSIPInboundTrunk", admin, "{\"trunk\": {\"sip_trunk_id\": \"ST_mine\"}}"), 400,
                "invalid_argument", "assigns");
        assertError(server.json("GetSIPInboundTrunk", admin, "{}"), 400, "invalid_argument", "sip_trunk_id");
        assertError(server.json("CreateSIPInboundTrunk", admin, "{\"trunk\": "), 400, "malformed");
        assertTrue(changes.isEmpty());
    }

    @Test
    void authFailures() throws Exception {
        String body = "{}";
        assertError(server.json("ListSIPInboundTrunk", null, body), 401, "unauthenticated", "no access token");
        String otherSecret = new Tokens(KEY, "not-the-secret").participant("x", "r").sip(false, true).toJwt();
        assertError(server.json("ListSIPInboundTrunk", otherSecret, body), 401, "unauthenticated", "signature");
        String otherKey = new Tokens("otherkey", SECRET).participant("x", "r").sip(false, true).toJwt();
        assertError(server.json("ListSIPInboundTrunk", otherKey, body), 401, "unauthenticated", "issuer");
        Clock twoHoursAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(2)), ZoneOffset.UTC);
        String expired = new Tokens(KEY, SECRET, twoHoursAgo).participant("x", "r").sip(false, true)
                .ttl(Duration.ofMinutes(10)).toJwt();
        assertError(server.json("ListSIPInboundTrunk", expired, body), 401, "unauthenticated", "expired");
        String[] parts = admin.split("\\.");
        assertError(server.json("ListSIPInboundTrunk", parts[0] + "." + parts[1], body), 401, "unauthenticated");
        String noGrant = tokens.participant("x", "r").toJwt();
        assertError(server.json("ListSIPInboundTrunk", noGrant, body), 403, "permission_denied", "sip.admin");
        String callOnly = tokens.participant("x", "r").sip(true, false).toJwt();
        assertError(server.json("CreateSIPInboundTrunk", callOnly, "{\"trunk\": {}}"), 403, "permission_denied");
        assertTrue(changes.isEmpty());
    }

    @Test
    void routingErrors() throws Exception {
        assertError(server.json("CreateSIPWidget", admin, "{}"), 404, "bad_route", "CreateSIPWidget");
        assertError(server.post("/twirp/livekit.SIP/ListSIPInboundTrunk", admin,
                okhttp3.MediaType.get("text/plain"), new byte[0]), 404, "bad_route", "Content-Type");
        assertError(server.post("/twirp/other.Service/Method", admin, TwirpTestServer.JSON, new byte[0]), 404,
                "bad_route");
        assertError(server.json("CreateSIPTrunk", admin, "{}"), 501, "unimplemented", "CreateSIPInboundTrunk");
        assertError(server.json("ListSIPTrunk", admin, "{}"), 501, "unimplemented");
        assertError(server.post("/twirp/livekit.RoomService/ListRooms", admin, TwirpTestServer.JSON,
                "{}".getBytes()), 503, "unavailable", "no LiveKit server is configured");
    }

    @Test
    void callsGoToCallControlWithTheirGrants() throws Exception {
        String caller = tokens.participant("agent", "room-1").sip(true, false).roomAdmin(true).toJwt();
        JsonNode p = ok(server.json("CreateSIPParticipant", caller, """
                {"sip_trunk_id": "ST_config_out", "sip_call_to": "+15550199", "room_name": "room-1"}"""));
        assertEquals("sip_+15550199", p.get("participant_identity").asText());
        assertEquals("room-1", calls.created.get(0).getRoomName());
        assertError(server.json("CreateSIPParticipant", admin, "{\"sip_call_to\": \"1\", \"room_name\": \"r\"}"),
                403, "permission_denied", "sip.call");
        assertError(server.json("CreateSIPParticipant", caller, "{\"sip_trunk_id\": \"ST_config_out\","
                + " \"sip_call_to\": \"busy\", \"room_name\": \"room-1\"}"), 404, "not_found", "busy");

        String transfer = "{\"participant_identity\": \"sip_+1\", \"room_name\": \"%s\", \"transfer_to\": \"tel:+2\"}";
        // current server SDKs read status: anything but STS_TRANSFER_SUCCESSFUL means "not completed"
        String transferred = server.json("TransferSIPParticipant", caller, transfer.formatted("room-1")).text();
        assertTrue(transferred.contains("\"status\":\"STS_TRANSFER_SUCCESSFUL\""), transferred);
        assertTrue(transferred.contains("\"code\":\"SIP_STATUS_OK\""), transferred);
        assertEquals("tel:+2", calls.transferred.get(0).getTransferTo());
        assertError(server.json("TransferSIPParticipant", caller, transfer.formatted("room-2")), 403,
                "permission_denied", "roomAdmin");
        String noRoomClaim = tokens.participant("agent", "other").sip(true, false).toJwt();
        assertError(server.json("TransferSIPParticipant", noRoomClaim, transfer.formatted("room-1")), 403,
                "permission_denied");
        assertEquals(1, calls.transferred.size());
    }

    /** Call control that answers at once: "busy" fails with not_found, anything else joins. */
    static final class FakeCalls implements SipCallControl {
        final List<CreateSIPParticipantRequest> created = new CopyOnWriteArrayList<>();
        final List<TransferSIPParticipantRequest> transferred = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<SIPParticipantInfo> createParticipant(CreateSIPParticipantRequest r) {
            if (r.getSipCallTo().equals("busy")) {
                return CompletableFuture.failedFuture(new TwirpException("not_found", "callee busy"));
            }
            created.add(r);
            return CompletableFuture.completedFuture(SIPParticipantInfo.newBuilder().setParticipantId("PA_1")
                    .setParticipantIdentity("sip_" + r.getSipCallTo()).setRoomName(r.getRoomName())
                    .setSipCallId("SCL_1").build());
        }

        @Override
        public CompletionStage<Void> transfer(TransferSIPParticipantRequest r) {
            transferred.add(r);
            return CompletableFuture.completedFuture(null);
        }
    }

    static JsonNode ok(TwirpTestServer.Reply r) throws Exception {
        assertEquals(200, r.status(), r.text());
        assertEquals("application/json", r.contentType());
        return JSON.readTree(r.body());
    }

    static JsonNode assertError(TwirpTestServer.Reply r, int status, String code, String... msgParts)
            throws Exception {
        assertEquals(status, r.status(), r.text());
        assertEquals("application/json", r.contentType());
        JsonNode e = JSON.readTree(r.body());
        assertEquals(code, e.get("code").asText(), r.text());
        for (String part : msgParts) {
            assertTrue(e.get("msg").asText().contains(part), () -> "'" + part + "' not in " + r.text());
        }
        assertFalse(e.get("msg").asText().isEmpty());
        return e;
    }

    private static List<String> ids(JsonNode items, String field) {
        return java.util.stream.StreamSupport.stream(items.spliterator(), false).map(n -> n.get(field).asText())
                .toList();
    }
}
