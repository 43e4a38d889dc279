package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.CallInfo;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.Transport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sip.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway as UAC with a fake SIP side: 2xx (ACK, media, agent), 4xx, no response, and an early hangup. */
class OutboundDialogTest {
    private static MediaEngine media;

    @BeforeAll
    static void startMedia() {
        media = CallHarness.startMedia();
    }

    @AfterAll
    static void stopMedia() {
        media.stop();
    }

    private record Dialing(CallHarness h, OutboundDialog call, OutboundDial dial, Request invite) {
    }

    private static Dialing dial(String sipCallId) throws Exception {
        CallHarness h = new CallHarness(media, CallHarness.settings(0, 32_000));
        OutboundTrunk trunk = new OutboundTrunk("ST_1", "carrier", "", "192.0.2.50:5060", Transport.UDP,
                List.of("+15550001111"), "", "", Map.of());
        OutboundDial dial = new OutboundDial(trunk, "+15550009999", "+15550001111", Map.of(), 30_000, 0, "",
                new CompletableFuture<>());
        assertTrue(h.registry.reserve());
        OutboundDialog call = new OutboundDialog(sipCallId, new CallInfo("c-out", "+15550001111", "+15550009999",
                "ST_1", Map.of()), dial, h.loop, h.services);
        h.registry.add(call);
        call.begin();
        h.until("the INVITE", () -> h.sip.sentNames().contains("INVITE"));
        assertEquals(CallState.DIALING, call.state());
        h.assertNoSipSentOnALoop();
        return new Dialing(h, call, dial, (Request) h.sip.last("INVITE"));
    }

    @Test
    void twoHundredIsAckedAndStartsMediaAndAgent() throws Exception {
        Dialing d = dial("out-200@test");
        d.call.onResponse(d.h.sip.responseTo(d.invite, 180), d.h.sip.clientTransaction(d.invite));
        d.h.until("ringing", () -> d.call.state() == CallState.RINGING);
        d.call.onResponse(d.h.sip.responseTo(d.invite, 200), d.h.sip.clientTransaction(d.invite));
        OutboundDial.DialOutcome outcome = d.dial.outcome().get(5, TimeUnit.SECONDS);
        assertTrue(outcome.answered());
        assertEquals(200, outcome.sipStatus());
        d.h.until("the ACK", () -> d.h.sip.sentNames().contains("ACK"));
        assertEquals(CallState.ACTIVE, d.call.state());
        assertEquals(List.of("create", "ringing", "start"), d.h.agent.events);
        d.call.hangup("done");
        d.call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        d.h.until("the BYE", () -> d.h.sip.sentNames().contains("BYE"));
        assertEquals(List.of("INVITE", "ACK", "BYE"), d.h.sip.sentNames());
        d.h.assertNoSipSentOnALoop();
    }

    /** A host name in the answer's c= would be resolved on the media loop (DNS there stalls every call on it). */
    @Test
    void anAnswerWhoseConnectionIsAHostNameEndsTheCallWithoutResolvingIt() throws Exception {
        Dialing d = dial("out-host@test");
        javax.sip.message.Response ok = d.h.sip.responseTo(d.invite, 200);
        String sdp = new String(ok.getRawContent(), java.nio.charset.StandardCharsets.UTF_8)
                .replace("c=IN IP4 " + SipFakes.PHONE, "c=IN IP4 media.invalid");
        ok.setContent(sdp, (javax.sip.header.ContentTypeHeader) ok.getHeader("Content-Type"));
        d.call.onResponse(ok, d.h.sip.clientTransaction(d.invite));
        OutboundDial.DialOutcome outcome = d.dial.outcome().get(5, TimeUnit.SECONDS);
        assertFalse(outcome.answered());
        assertEquals(488, outcome.sipStatus());
        d.call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        d.h.until("the BYE", () -> d.h.sip.sentNames().contains("BYE"));
        assertEquals(List.of("INVITE", "ACK", "BYE"), d.h.sip.sentNames());
        assertNull(d.h.registry.byId(d.call.id()));
    }

    @Test
    void busyFailsTheDialAndFreesTheSlot() throws Exception {
        Dialing d = dial("out-486@test");
        d.call.onResponse(d.h.sip.responseTo(d.invite, 486), d.h.sip.clientTransaction(d.invite));
        OutboundDial.DialOutcome outcome = d.dial.outcome().get(5, TimeUnit.SECONDS);
        assertFalse(outcome.answered());
        assertEquals(486, outcome.sipStatus());
        d.call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertNull(d.h.registry.byId(d.call.id()));
        assertTrue(d.h.registry.reserve());
        assertTrue(d.h.agent.ended.isDone());
    }

    @Test
    void noResponseAtAllIs408() throws Exception {
        Dialing d = dial("out-timeout@test");
        d.call.onTimeout(d.h.sip.clientTransaction(d.invite));
        assertEquals(408, d.dial.outcome().get(5, TimeUnit.SECONDS).sipStatus());
        d.call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertNull(d.h.registry.byId(d.call.id()));
    }

    /** RFC 3261 §9.1: no CANCEL before a provisional response; the one owed goes out with the first 1xx. */
    @Test
    void hangupBeforeAnyResponseCancelsAtTheFirstProvisional() throws Exception {
        Dialing d = dial("out-cancel@test");
        d.call.hangup("caller left");
        assertEquals(487, d.dial.outcome().get(5, TimeUnit.SECONDS).sipStatus());
        d.call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        d.h.until("quiet", () -> d.h.executor.runAll() == 0);
        assertFalse(d.h.sip.sentNames().contains("CANCEL"), "no CANCEL before a 1xx");
        d.call.onResponse(d.h.sip.responseTo(d.invite, 180), d.h.sip.clientTransaction(d.invite));
        d.h.until("the CANCEL", () -> d.h.sip.sentNames().contains("CANCEL"));
        assertNull(d.h.registry.byId(d.call.id()));
    }

    @Test
    void aTwoHundredAfterGivingUpIsAckedAndHungUp() throws Exception {
        Dialing d = dial("out-late@test");
        d.call.onTimeout(d.h.sip.clientTransaction(d.invite));
        d.call.ended().toCompletableFuture().get(5, TimeUnit.SECONDS);
        d.call.onResponse(d.h.sip.responseTo(d.invite, 200), d.h.sip.clientTransaction(d.invite));
        d.h.until("ACK and BYE", () -> d.h.sip.sentNames().contains("BYE"));
        assertEquals(List.of("INVITE", "ACK", "BYE"), d.h.sip.sentNames());
    }
}
