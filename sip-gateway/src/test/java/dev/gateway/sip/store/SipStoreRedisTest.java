package dev.gateway.sip.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.config.ConfigLoader;
import dev.gateway.sip.config.GatewayConfig;
import dev.gateway.sip.config.RedisConfig;
import dev.gateway.sip.redis.RedisLink;
import dev.gateway.sip.redis.RedisServerProcess;
import dev.gateway.sip.trunk.InboundTrunk;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import livekit.LivekitSip.SIPDispatchRule;
import livekit.LivekitSip.SIPDispatchRuleDirect;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SIP store shared through a real redis-server by two "nodes" (two stores, two connections). */
class SipStoreRedisTest {

    @TempDir
    Path dir;
    private RedisServerProcess redis;
    private final List<RedisLink> links = new ArrayList<>();

    @BeforeEach
    void startRedis() throws Exception {
        redis = new RedisServerProcess(dir.resolve("redis")).start();
    }

    @AfterEach
    void stop() throws Exception {
        links.forEach(RedisLink::close);
        redis.close();
    }

    /** A node's store; its snapshots after the opening are put into {@code seen}. */
    private SipStore node(String configYaml, LinkedBlockingQueue<SipStore.Snapshot> seen) throws Exception {
        GatewayConfig c = ConfigLoader.parse(configYaml, "yaml", Map.of());
        RedisLink link = RedisLink.connect(redis.config("test:"));
        links.add(link);
        SipStore s = SipStore.openShared(link, c.trunks().inbound(), c.trunks().outbound(), c.dispatchRules(),
                Clock.systemUTC());
        s.onChange(seen::add);
        return s;
    }

    private static SipStore.Snapshot awaitSnapshot(LinkedBlockingQueue<SipStore.Snapshot> seen,
                                                   Predicate<SipStore.Snapshot> wanted) throws InterruptedException {
        while (true) {
            SipStore.Snapshot s = seen.poll(10, TimeUnit.SECONDS);
            if (s == null) {
                throw new AssertionError("no snapshot as wanted within 10 s");
            }
            if (wanted.test(s)) {
                return s;
            }
        }
    }

    private static List<String> inboundIds(SipStore.Snapshot s) {
        return s.inbound().stream().map(InboundTrunk::id).toList();
    }

    private static SIPInboundTrunkInfo trunk(String name, String number) {
        return SIPInboundTrunkInfo.newBuilder().setName(name).addNumbers(number).addAllowedAddresses("127.0.0.2/32")
                .build();
    }

    @Test
    void entriesCreatedOnOneNodeAreServedByTheOtherAndDeletesFollow() throws Exception {
        var seenB = new LinkedBlockingQueue<SipStore.Snapshot>();
        SipStore a = node("", new LinkedBlockingQueue<>());
        SipStore b = node("", seenB);

        SIPInboundTrunkInfo t = a.createInbound(trunk("shared", "+15550001"));
        SIPDispatchRuleInfo r = a.createRule(SIPDispatchRuleInfo.newBuilder().setName("to-room")
                .addTrunkIds(t.getSipTrunkId()).setRule(SIPDispatchRule.newBuilder()
                        .setDispatchRuleDirect(SIPDispatchRuleDirect.newBuilder().setRoomName("room-1"))).build(), "rule");

        SipStore.Snapshot s = awaitSnapshot(seenB, x -> x.rules().size() == 1 && x.inbound().size() == 1);
        assertEquals(List.of(t.getSipTrunkId()), inboundIds(s));
        assertEquals(List.of("+15550001"), s.inbound().get(0).numbers());
        assertEquals(r.getSipDispatchRuleId(), s.rules().get(0).id());
        assertEquals(t, b.getInbound(t.getSipTrunkId()), "node B answers the API with the same entry");
        assertEquals(List.of(r), b.listRules(List.of(), List.of()));

        // B changes and deletes what A created: the entries are the cluster's, not A's. A listens before B writes:
        // registered after, it could miss the snapshot when A had already swapped it in.
        var seenA = new LinkedBlockingQueue<SipStore.Snapshot>();
        a.onChange(seenA::add);
        b.updateInbound(t.getSipTrunkId(), "update", old -> old.toBuilder().setName("renamed").build());
        b.deleteRule(r.getSipDispatchRuleId());
        awaitSnapshot(seenA, x -> x.rules().isEmpty());
        assertEquals("renamed", a.getInbound(t.getSipTrunkId()).getName());
    }

    @Test
    void concurrentCreatesOnTwoNodesAreBothKept() throws Exception {
        var seenA = new LinkedBlockingQueue<SipStore.Snapshot>();
        var seenB = new LinkedBlockingQueue<SipStore.Snapshot>();
        SipStore a = node("", seenA);
        SipStore b = node("", seenB);
        SIPInboundTrunkInfo ta = a.createInbound(trunk("a", "+15550001"));
        SIPInboundTrunkInfo tb = b.createInbound(trunk("b", "+15550002"));
        awaitSnapshot(seenA, x -> x.inbound().size() == 2);
        awaitSnapshot(seenB, x -> x.inbound().size() == 2);
        assertEquals(2, a.listInbound(List.of(), List.of()).size());
        assertEquals(List.of(ta.getSipTrunkId(), tb.getSipTrunkId()).stream().sorted().toList(),
                b.listInbound(List.of(), List.of()).stream().map(SIPInboundTrunkInfo::getSipTrunkId).sorted().toList());
    }

    @Test
    void configEntriesStayOnTheirNodeAndReadOnly() throws Exception {
        var seenB = new LinkedBlockingQueue<SipStore.Snapshot>();
        SipStore a = node("""
                trunks:
                  inbound:
                    - sip_trunk_id: cfg-a
                      numbers: ["+15550009"]
                      allowed_addresses: ["127.0.0.3/32"]
                """, new LinkedBlockingQueue<>());
        SipStore b = node("", seenB);
        SIPInboundTrunkInfo t = a.createInbound(trunk("api", "+15550001"));
        SipStore.Snapshot s = awaitSnapshot(seenB, x -> !x.inbound().isEmpty());
        assertEquals(List.of(t.getSipTrunkId()), inboundIds(s), "B serves A's API trunk but not A's config trunk");
        assertEquals(List.of("cfg-a", t.getSipTrunkId()), inboundIds(a.snapshot()));
        SipStoreException e = assertThrows(SipStoreException.class, () -> a.deleteTrunk("cfg-a"));
        assertEquals(SipStoreException.Reason.READ_ONLY, e.reason());
    }

    @Test
    void redisDownAtStartIsAClearError() throws Exception {
        int closed = RedisServerProcess.freePort();
        IOException e = assertThrows(IOException.class,
                () -> RedisLink.connect(new RedisConfig("127.0.0.1:" + closed, null, null, 0, "x:", false, 1)));
        assertTrue(e.getMessage().startsWith("redis.address 127.0.0.1:" + closed + ": cannot connect"), e.getMessage());
    }

    @Test
    void redisLostKeepsTheSnapshotRefusesChangesAndResyncsWhenBack() throws Exception {
        var seenA = new LinkedBlockingQueue<SipStore.Snapshot>();
        var seenB = new LinkedBlockingQueue<SipStore.Snapshot>();
        SipStore a = node("", seenA);
        SipStore b = node("", seenB);
        SIPInboundTrunkInfo t1 = a.createInbound(trunk("one", "+15550001"));
        awaitSnapshot(seenB, x -> x.inbound().size() == 1);

        redis.stop();
        assertEquals(List.of(t1.getSipTrunkId()), inboundIds(b.snapshot()), "the last snapshot is still served");
        SipStoreException refused = assertThrows(SipStoreException.class,
                () -> a.createInbound(trunk("two", "+15550002")));
        assertEquals(SipStoreException.Reason.STORAGE, refused.reason());
        assertEquals(List.of(t1.getSipTrunkId()), inboundIds(a.snapshot()), "a refused change changes nothing");

        // While the nodes are away, an entry appears in Redis (written by a node they cannot hear): a second
        // server on the same data adds it and stops; the nodes' own server then comes back with it.
        try (RedisServerProcess other = new RedisServerProcess(dir.resolve("redis")).start();
             RedisLink writer = RedisLink.connect(other.config("test:"))) {
            writer.commands().hset("test:sip:inbound", "ST_whileaway",
                    "{\"sip_trunk_id\":\"ST_whileaway\",\"numbers\":[\"+15550003\"],\"created_at\":\"2030-01-01T00:00:00Z\"}");
        }
        redis.start();
        SipStore.Snapshot s = awaitSnapshot(seenB, x -> x.inbound().size() == 2);
        assertEquals(List.of(t1.getSipTrunkId(), "ST_whileaway"), inboundIds(s));
        // and writes work again once A's own connection is back (it reconnects on its own schedule)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                a.createInbound(trunk("after", "+15550004"));
                break;
            } catch (SipStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
        awaitSnapshot(seenA, x -> x.inbound().size() == 3); // A's resync adds what it missed to its own write
        awaitSnapshot(seenB, x -> x.inbound().size() == 3);
    }

    @Test
    void anEntryThatDoesNotValidateIsSkippedNotFatalOnResync() throws Exception {
        var seenB = new LinkedBlockingQueue<SipStore.Snapshot>();
        SipStore a = node("", new LinkedBlockingQueue<>());
        node("", seenB);
        links.get(0).commands().hset("test:sip:inbound", "ST_bad",
                "{\"sip_trunk_id\":\"ST_bad\",\"allowed_addresses\":[\"not-an-address\"]}");
        SIPInboundTrunkInfo good = a.createInbound(trunk("good", "+15550001"));
        SipStore.Snapshot s = awaitSnapshot(seenB, x -> !x.inbound().isEmpty());
        assertEquals(List.of(good.getSipTrunkId()), inboundIds(s));
    }
}
