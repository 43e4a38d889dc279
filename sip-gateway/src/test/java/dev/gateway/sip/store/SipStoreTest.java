package dev.gateway.sip.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.sip.config.ConfigLoader;
import dev.gateway.sip.config.DispatchRule;
import dev.gateway.sip.config.GatewayConfig;
import dev.gateway.sip.trunk.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import livekit.LivekitSip.SIPDispatchRule;
import livekit.LivekitSip.SIPDispatchRuleIndividual;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPMediaEncryption;
import livekit.LivekitSip.SIPOutboundTrunkInfo;
import livekit.LivekitSip.SIPTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SipStoreTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private SipStore open(GatewayConfig config) throws IOException {
        return SipStore.open(dir, config.trunks().inbound(), config.trunks().outbound(), config.dispatchRules(), CLOCK);
    }

    private SipStore open() throws Exception {
        return open(ConfigLoader.defaults(Map.of()));
    }

    @Test
    void entriesSurviveANewStoreOnTheSameDirectory() throws Exception {
        SipStore first = open();
        String in = first.createInbound(SIPInboundTrunkInfo.newBuilder().setName("in").addNumbers("+15550100")
                .addAllowedAddresses("203.0.113.7").build()).getSipTrunkId();
        SIPOutboundTrunkInfo out = first.createOutbound(SIPOutboundTrunkInfo.newBuilder().setName("out")
                .setAddress("sip.example.com").setTransport(SIPTransport.SIP_TRANSPORT_TLS).addNumbers("+15550100")
                .setAuthUsername("u").setAuthPassword("p").build());
        SIPDispatchRuleInfo rule = first.createRule(SIPDispatchRuleInfo.newBuilder().addTrunkIds(in)
                .setRule(SIPDispatchRule.newBuilder().setDispatchRuleIndividual(
                        SIPDispatchRuleIndividual.newBuilder().setRoomPrefix("p-"))).build(), "dispatch_rule");
        assertEquals(CLOCK.instant().getEpochSecond(), out.getCreatedAt().getSeconds());

        SipStore second = open();
        assertEquals(first.listInbound(List.of(), List.of()), second.listInbound(List.of(), List.of()));
        assertEquals(out, second.getOutbound(out.getSipTrunkId()));
        assertEquals(List.of(rule), second.listRules(List.of(), List.of()));
        SipStore.Snapshot s = second.snapshot();
        assertEquals("203.0.113.7/32", s.inbound().get(0).allowedAddresses().get(0).toString());
        assertEquals(Transport.TLS, s.outbound().get(0).transport());
        assertEquals(new DispatchRule.Individual("p-", ""), s.rules().get(0).rule());

        second.deleteTrunk(in);
        assertEquals(0, open().snapshot().inbound().size());
        assertEquals(1, open().snapshot().rules().size(), "a rule naming a deleted trunk stays and still loads");
    }

    @Test
    void mediaEncryptionIsKeptAndApplied() throws Exception {
        SipStore first = open();
        SIPInboundTrunkInfo in = first.createInbound(SIPInboundTrunkInfo.newBuilder().setName("secure")
                .setMediaEncryption(SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE).build());
        first.createOutbound(SIPOutboundTrunkInfo.newBuilder().setName("out").setAddress("sip.example.com")
                .addNumbers("+15550100").setMediaEncryption(SIPMediaEncryption.SIP_MEDIA_ENCRYPT_ALLOW).build());
        first.createInbound(SIPInboundTrunkInfo.newBuilder().setName("plain").build());
        SipStore second = open();
        assertEquals(in, second.getInbound(in.getSipTrunkId()));
        SipStore.Snapshot s = second.snapshot();
        assertEquals(List.of(MediaEncryption.REQUIRE, MediaEncryption.DISABLE),
                s.inbound().stream().map(t -> t.mediaEncryption()).toList());
        assertEquals(MediaEncryption.ALLOW, s.outbound().get(0).mediaEncryption());
        assertEquals(SIPMediaEncryption.SIP_MEDIA_ENCRYPT_REQUIRE,
                SipProtoRecords.toProto(s.inbound().get(0)).getMediaEncryption());
    }

    @Test
    void writesLeaveOnlyTheDataFile() throws Exception {
        SipStore store = open();
        for (int i = 0; i < 5; i++) {
            store.createInbound(SIPInboundTrunkInfo.newBuilder().setName("t" + i).build());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(SipStoreFile.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
        String text = Files.readString(dir.resolve(SipStoreFile.FILE_NAME));
        assertTrue(text.contains("\"sip_trunk_id\""), text);
    }

    @Test
    void aFailedWriteChangesNothingAndLeavesNoTempFile() throws Exception {
        SipStore store = open();
        store.createInbound(SIPInboundTrunkInfo.newBuilder().setName("kept").build());
        // Make the final rename impossible (tests run as root, so permissions would not stop it): a non-empty
        // directory where the data file should be.
        Path file = dir.resolve(SipStoreFile.FILE_NAME);
        Files.delete(file);
        Files.createDirectory(file);
        Files.writeString(file.resolve("blocker"), "x");
        SipStoreException e = assertThrows(SipStoreException.class,
                () -> store.createInbound(SIPInboundTrunkInfo.newBuilder().setName("lost").build()));
        assertEquals(SipStoreException.Reason.STORAGE, e.reason());
        assertEquals(List.of("kept"), store.snapshot().inbound().stream().map(t -> t.name()).toList());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(SipStoreFile.FILE_NAME), files.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void listenersSeeEachChangeAndInvalidEntriesChangeNothing() throws Exception {
        SipStore store = open();
        List<SipStore.Snapshot> seen = new CopyOnWriteArrayList<>();
        store.onChange(seen::add);
        String id = store.createInbound(SIPInboundTrunkInfo.newBuilder().setName("a").build()).getSipTrunkId();
        store.updateInbound(id, "update", t -> t.toBuilder().setName("b").build());
        SipStoreException bad = assertThrows(SipStoreException.class, () -> store.updateInbound(id, "replace",
                t -> t.toBuilder().addAllowedNumbers("not a number!").build()));
        assertEquals("replace.allowed_numbers[0]", bad.field());
        SipStoreException auth = assertThrows(SipStoreException.class, () -> store.createInbound(
                SIPInboundTrunkInfo.newBuilder().setAuthUsername("u").build()));
        assertEquals("trunk.auth_password", auth.field());
        assertEquals(2, seen.size());
        assertEquals("b", seen.get(1).inbound().get(0).name());
        assertEquals("b", open().getInbound(id).getName());
    }

    @Test
    void configEntriesWinOverStoredOnesWithTheSameId() throws Exception {
        Files.writeString(dir.resolve(SipStoreFile.FILE_NAME), """
                {"version": 1, "inbound": [{"sip_trunk_id": "ST_same", "name": "stored"},
                                           {"sip_trunk_id": "ST_other", "name": "other"}]}""");
        GatewayConfig config = ConfigLoader.parse("trunks: {inbound: [{sip_trunk_id: ST_same, name: config}]}",
                "yaml", Map.of());
        SipStore store = open(config);
        assertEquals(List.of("config", "other"), store.snapshot().inbound().stream().map(t -> t.name()).toList());
        assertTrue(store.isFromConfig("ST_same"));
        SipStoreException e = assertThrows(SipStoreException.class, () -> store.deleteTrunk("ST_same"));
        assertEquals(SipStoreException.Reason.READ_ONLY, e.reason());
    }

    @Test
    void aBrokenDataFileStopsTheStart() throws Exception {
        Files.writeString(dir.resolve(SipStoreFile.FILE_NAME),
                "{\"version\": 1, \"outbound\": [{\"sip_trunk_id\": \"ST_x\", \"numbers\": [\"+1\"]}]}");
        IOException e = assertThrows(IOException.class, this::open);
        assertTrue(e.getMessage().contains("outbound.address"), e.getMessage());
    }
}
