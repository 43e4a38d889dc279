package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.TransferResult;
import dev.gateway.media.endpoint.MediaEngine;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class InboundDialogTest {
    private static MediaEngine media;

    @BeforeAll
    static void startMedia() {
        media = CallHarness.startMedia();
    }

    @AfterAll
    static void stopMedia() {
        media.stop();
    }

    private static CallHarness harness() throws Exception {
        return new CallHarness(media, CallHarness.settings(0, 32_000));
    }

    /** Answered, then ACKed: 180 and 200 leave from the SIP side's thread (here the test's), never the loop. */
    private static InboundDialog answered(CallHarness h, String id) throws Exception {
        InboundDialog call = h.inbound(id);
        h.until("the 200", () -> h.sip.sentNames().contains("200"));
        assertEquals(List.of("180", "200"), h.sip.sentNames());
        assertEquals(CallState.ANSWERED, call.state());
        Response ok = (Response) h.sip.last("200");
        assertNotNull(ok.getRawContent(), "the 200 carries our SDP answer");
        assertEquals(1, h.registry.unconfirmed(), "answered, not ACKed: the dialog holds an unconfirmed slot");
        call.onAck();
        h.until("active", () -> call.state() == CallState.ACTIVE);
        assertEquals(0, h.registry.unconfirmed(), "the ACK gives the unconfirmed slot back");
        assertEquals(1, h.registry.size(), "the call itself stays");
        assertEquals(List.of("create", "start"), h.agent.events);
        h.assertNoSipSentOnALoop();
        return call;
    }

    @Test
    void answersAndGoesActiveOnAck() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "answer@test");
        assertEquals(call, h.registry.bySipCallId("answer@test"));
    }

    @Test
    void byeFromThePhoneEndsTheCall() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "bye-in@test");
        call.onBye(h.sip.serverTransaction(h.sip.inDialog("BYE", "bye-in@test", null, null)));
        h.until("the end", () -> call.state() == CallState.ENDED);
        assertEquals("caller hung up", h.agent.ended.get(1, TimeUnit.SECONDS));
        assertEquals("200", h.sip.sentNames().get(2), "the BYE is answered 200");
        assertTrue(h.registry.reserve(), "the slot is free again");
        h.assertNoSipSentOnALoop();
    }

    @Test
    void hangupSendsByeAndEnds() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "bye-out@test");
        call.hangup("test hangup");
        assertEquals("test hangup", call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS));
        h.until("the BYE", () -> h.sip.sentNames().contains("BYE"));
        assertNull(h.registry.byId(call.id()));
        h.assertNoSipSentOnALoop();
    }

    /** The bug this guards: a BYE JAIN-SIP cannot build (Contact without host) left the call registered for good. */
    @Test
    void aByeThatCannotBeBuiltStillEndsTheCallLocally() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "bad-bye@test");
        h.sip.byeFailure = new NullPointerException("Cannot invoke \"String.length()\" because \"host\" is null");
        call.hangup("media timeout");
        assertEquals("media timeout", call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS),
                "ended before the BYE was even attempted");
        assertNull(h.registry.byId(call.id()));
        assertTrue(h.registry.reserve(), "maxCalls slot freed");
        assertEquals("media timeout", h.agent.ended.get(1, TimeUnit.SECONDS));
        h.until("the BYE attempt", () -> h.executor.runAll() == 0);
        assertTrue(!h.sip.sentNames().contains("BYE"), "nothing was sent: building it threw");
        assertEquals(CallState.ENDED, call.state());
    }

    @Test
    void aClassCastFromTheSipStackIsContained() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "cce@test");
        h.sip.byeFailure = new ClassCastException("class gov.nist.javax.sip.address.TelURLImpl cannot be cast to SipUri");
        call.onDialogTerminated(); // ends without BYE: fine
        call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertNull(h.registry.byId(call.id()));
    }

    @Test
    void anAgentThatThrowsEndsOnlyItsCall() throws Exception {
        CallHarness h = harness();
        h.agent.failOnStart = new IllegalStateException("agent bug");
        Call call = h.inbound("agent-throws@test");
        String reason = call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(reason.contains("IllegalStateException"), reason);
        h.until("the BYE", () -> h.sip.sentNames().contains("BYE"));
        assertEquals(List.of("180", "200", "BYE"), h.sip.sentNames(), "answered, then BYE for the failure");
        assertNull(h.registry.byId(call.id()));
        assertTrue(h.agent.ended.isDone(), "the agent still hears onEnd");
    }

    @Test
    void aRefusingSipExecutorEndsTheCallLocally() throws Exception {
        CallHarness h = harness();
        h.executor.refuse = true;
        Call call = h.inbound("refused@test");
        String reason = call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertTrue(reason.contains("not sent"), reason);
        assertNull(h.registry.byId(call.id()));
        assertTrue(h.registry.reserve());
    }

    @Test
    void cancelWhileRingingAnswers487() throws Exception {
        CallHarness h = new CallHarness(media, CallHarness.settings(60_000, 32_000)); // rings a minute before answering
        Call call = h.inbound("cancel@test");
        h.until("the 180", () -> h.sip.sentNames().contains("180"));
        call.onCancel();
        call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        h.until("the 487", () -> h.sip.sentNames().contains("487"));
        assertEquals(List.of("180", "487"), h.sip.sentNames());
        assertNull(h.registry.byId(call.id()));
        h.assertNoSipSentOnALoop();
    }

    @Test
    void ringingIsResentWhileTheAgentGetsReady() throws Exception {
        CallHarness h = new CallHarness(media, new CallSettings(0, 32_000, 30_000, 0, 1));
        h.agent.ready = new CompletableFuture<>(); // never ready in this test
        Call call = h.inbound("ringing@test");
        h.until("three 180s", () -> h.sip.sentNames().stream().filter("180"::equals).count() >= 3);
        call.hangup("enough");
        call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        h.until("the 480", () -> h.sip.sentNames().contains("480"));
        long ringsAtEnd = h.sip.sentNames().stream().filter("180"::equals).count();
        h.until("quiet", () -> h.executor.runAll() == 0);
        assertEquals(ringsAtEnd, h.sip.sentNames().stream().filter("180"::equals).count(), "no 180 after the end");
    }

    @Test
    void noAckEndsTheCallWithBye() throws Exception {
        CallHarness h = new CallHarness(media, CallHarness.settings(0, 1));
        Call call = h.inbound("no-ack@test");
        assertEquals("no ACK", call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS));
        h.until("the BYE", () -> h.sip.sentNames().contains("BYE"));
        assertEquals(0, h.registry.unconfirmed(), "the end gives the unconfirmed slot back");
        assertTrue(h.registry.reserve(), "and the maxCalls slot");
    }

    @Test
    void reInviteIsAnsweredWithSdp() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "reinvite@test");
        var tx = h.sip.serverTransaction(h.sip.inDialog("INVITE", "reinvite@test", "application/sdp",
                SipFakes.sdp(40002).replace("a=sendrecv", "a=sendonly")));
        call.onReoffer(tx);
        h.until("the re-INVITE's 200", () -> h.sip.sentNames().stream().filter("200"::equals).count() == 2);
        Response ok = (Response) h.sip.last("200");
        String sdp = new String(ok.getRawContent());
        assertTrue(sdp.contains("a=recvonly"), sdp);
        assertEquals(CallState.ACTIVE, call.state());
        h.assertNoSipSentOnALoop();
    }

    @Test
    void transferSucceedsOnA200SipfragAndHangsUp() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "transfer@test");
        CompletableFuture<TransferResult> result = call.transfer("sip:operator@192.0.2.99", java.util.Map.of(), false);
        h.until("the REFER", () -> h.sip.sentNames().contains("REFER"));
        javax.sip.message.Request refer = (javax.sip.message.Request) h.sip.last("REFER");
        call.onResponse(h.sip.responseTo(refer, 202), h.sip.clientTransaction(refer));
        call.onNotify(h.sip.serverTransaction(h.sip.inDialog("NOTIFY", "transfer@test", "message/sipfrag",
                "SIP/2.0 200 OK\r\n")));
        TransferResult r = result.get(5, TimeUnit.SECONDS);
        assertTrue(r.succeeded(), r.toString());
        assertEquals("transferred to sip:operator@192.0.2.99", call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS));
        h.until("the BYE", () -> h.sip.sentNames().contains("BYE"));
        h.assertNoSipSentOnALoop();
    }

    @Test
    void transferRejectedKeepsTheCall() throws Exception {
        CallHarness h = harness();
        Call call = answered(h, "transfer-no@test");
        CompletableFuture<TransferResult> result = call.transfer("sip:operator@192.0.2.99", java.util.Map.of(), true);
        h.until("the REFER", () -> h.sip.sentNames().contains("REFER"));
        javax.sip.message.Request refer = (javax.sip.message.Request) h.sip.last("REFER");
        call.onResponse(h.sip.responseTo(refer, 603), h.sip.clientTransaction(refer));
        TransferResult r = result.get(5, TimeUnit.SECONDS);
        assertEquals(603, r.sipStatus());
        assertEquals(CallState.ACTIVE, call.state());
        call.hangup("done");
        call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }
}
