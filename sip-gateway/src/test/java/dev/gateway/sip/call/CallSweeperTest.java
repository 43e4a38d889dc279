package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.endpoint.MediaEngine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sweeper with a fake clock: each state's limit, the count, and removal of a call whose loop never ends it. */
class CallSweeperTest {
    private static MediaEngine media;

    @BeforeAll
    static void startMedia() {
        media = CallHarness.startMedia();
    }

    @AfterAll
    static void stopMedia() {
        media.stop();
    }

    @Test
    void ringingPastItsLimitPlusGraceIsEnded() throws Exception {
        CallHarness h = new CallHarness(media, new CallSettings(0, 32_000, 30_000, 0, 0));
        h.agent.ready = new CompletableFuture<>(); // the agent never gets ready: the call rings on
        CallSweeper sweeper = new CallSweeper(h.registry, h.clock::get);
        Call call = h.inbound("stuck-ringing@test");
        h.until("the 180", () -> h.sip.sentNames().contains("180"));

        h.clock.addAndGet(35_000);
        assertEquals(0, sweeper.sweep(), "30 s limit + 5 s grace not passed yet");
        h.clock.addAndGet(1);
        assertEquals(1, sweeper.sweep());
        String reason = call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(reason.contains("still ringing after 35 s"), reason);
        h.until("the 480", () -> h.sip.sentNames().contains("480"));
        assertEquals(1, h.registry.sweptCalls());
        assertNull(h.registry.byId(call.id()));
    }

    @Test
    void answeredWithoutAckPast32sIsEnded() throws Exception {
        CallHarness h = new CallHarness(media, new CallSettings(0, 600_000, 30_000, 0, 0)); // own no-ACK timer off
        CallSweeper sweeper = new CallSweeper(h.registry, h.clock::get);
        Call call = h.inbound("no-ack@test");
        h.until("answered", () -> call.state() == CallState.ANSWERED);
        h.clock.addAndGet(32_000);
        assertEquals(0, sweeper.sweep());
        h.clock.addAndGet(1);
        assertEquals(1, sweeper.sweep());
        assertEquals("no ACK within 32 s", call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS));
        h.until("the BYE", () -> h.sip.sentNames().contains("BYE"));
    }

    @Test
    void activePastMaxCallSecondsIsEnded() throws Exception {
        CallHarness h = new CallHarness(media, new CallSettings(0, 32_000, 30_000, 600_000, 0));
        CallSweeper sweeper = new CallSweeper(h.registry, h.clock::get);
        Call call = h.inbound("long@test");
        h.until("answered", () -> call.state() == CallState.ANSWERED);
        call.onAck();
        h.until("active", () -> call.state() == CallState.ACTIVE);
        h.clock.addAndGet(600_000);
        assertEquals(0, sweeper.sweep());
        h.clock.addAndGet(1);
        assertEquals(1, sweeper.sweep());
        assertEquals("maximum call duration reached (600 s)", call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS));
    }

    @Test
    void activeWithoutMaxCallSecondsIsNeverEnded() throws Exception {
        CallHarness h = new CallHarness(media, new CallSettings(0, 32_000, 30_000, 0, 0));
        CallSweeper sweeper = new CallSweeper(h.registry, h.clock::get);
        Call call = h.inbound("forever@test");
        h.until("answered", () -> call.state() == CallState.ANSWERED);
        call.onAck();
        h.until("active", () -> call.state() == CallState.ACTIVE);
        h.clock.addAndGet(30L * 24 * 3600 * 1000);
        assertEquals(0, sweeper.sweep());
        assertSame(call, h.registry.byId(call.id()));
        call.hangup("done");
        call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    /** A call whose loop is stuck: the sweeper asks it to end, and 5 s later removes it by force. */
    @Test
    void aCallWhoseLoopNeverEndsItIsRemovedByForce() throws Exception {
        CallHarness h = new CallHarness(media, new CallSettings(0, 600_000, 30_000, 0, 0));
        CallSweeper sweeper = new CallSweeper(h.registry, h.clock::get);
        Call call = h.inbound("stuck-loop@test");
        h.until("answered", () -> call.state() == CallState.ANSWERED);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocked = new CountDownLatch(1);
        h.loop.execute(() -> {
            blocked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try {
            blocked.await();
            h.clock.addAndGet(32_001);
            assertEquals(1, sweeper.sweep(), "asked to end");
            assertSame(call, h.registry.byId(call.id()), "its loop is blocked: still there");
            h.clock.addAndGet(4_999);
            assertEquals(0, sweeper.sweep());
            h.clock.addAndGet(1);
            assertEquals(1, sweeper.sweep(), "removed by force");
            assertNull(h.registry.byId(call.id()));
            assertTrue(h.registry.reserve(), "its maxCalls slot is back while its loop is still blocked");
            assertTrue(call.ended().toCompletableFuture().isDone());
        } finally {
            release.countDown();
        }
        h.until("the agent told", () -> h.agent.ended.isDone());
        assertEquals(1, h.registry.sweptCalls(), "one call swept, counted once");
    }
}
