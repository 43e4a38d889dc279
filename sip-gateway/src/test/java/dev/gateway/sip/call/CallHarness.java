package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import dev.gateway.media.sdp.MediaEncryption;
import dev.gateway.media.sdp.SdpNegotiation;
import dev.gateway.media.sdp.OfferAnswer;
import dev.gateway.media.sdp.SdpCodec;
import dev.gateway.media.sdp.SessionDescription;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.sip.ServerTransaction;
import javax.sip.message.Request;

/**
 * One call under test with fakes around it: the SIP side ({@link SipFakes}, {@link FakeSipExecutor}), an agent that
 * records its callbacks, a registry with {@code maxCalls} 1 (one unconfirmed dialog), and a clock the test sets. The media engine is real
 * (one loop, loopback ports), so the call runs on a real Netty event loop as in production.
 */
final class CallHarness {
    final SipFakes sip;
    final FakeSipExecutor executor = new FakeSipExecutor();
    final CallRegistry registry = new CallRegistry(1);
    final AtomicLong clock = new AtomicLong(1_000_000);
    final Agent agent = new Agent();
    final CallServices services;
    final EventLoop loop;

    CallHarness(MediaEngine media, CallSettings settings) throws Exception {
        sip = new SipFakes();
        services = new CallServices(sip.context, media, agent, registry, settings, executor, clock::get);
        loop = media.nextLoop();
    }

    static MediaEngine startMedia() {
        MediaEngine media = new MediaEngine(new MediaEngineConfig("127.0.0.1", 47000, 47998, 30_000, 20, 100, 1), System::nanoTime);
        media.start();
        return media;
    }

    static CallSettings settings(long ringMillis, long noAckMillis) {
        return new CallSettings(ringMillis, noAckMillis, 30_000, 0, 0);
    }

    /** An inbound call from the fake phone, added to the registry and begun. */
    InboundDialog inbound(String sipCallId) throws Exception {
        Request invite = sip.invite(sipCallId);
        ServerTransaction tx = sip.serverTransaction(invite);
        SessionDescription offer = SdpCodec.parse(new String(invite.getRawContent(), StandardCharsets.UTF_8));
        SdpNegotiation n = OfferAnswer.negotiate(offer, SdpOffers.CODECS);
        if (!registry.reserve()) {
            fail("the harness's only slot is taken");
        }
        InboundDialog call = new InboundDialog(sipCallId, tx, new CallInfo("c-" + sipCallId.hashCode(), "+15550001111",
                "+15550002222", "trunk", Map.of()), offer, n, null, loop, services, MediaEncryption.DISABLE);
        java.net.InetAddress phone = java.net.InetAddress.getByName(SipFakes.PHONE);
        if (!registry.reserveUnconfirmed(phone, false)) {
            fail("the harness's only unconfirmed slot is taken");
        }
        call.holdUnconfirmed(phone); // as InviteAdmission does
        registry.add(call);
        call.begin();
        return call;
    }

    /**
     * Lets the loop and the SIP executor run until {@code done} holds (at most 5 s): the loop is synced (a no-op task
     * waited for), the SIP tasks run on this thread. No fixed sleeps.
     */
    void until(String what, BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what + "; sent " + sip.sentNames());
            }
            loop.submit(() -> { }).sync();
            executor.runAll();
        }
        loop.submit(() -> { }).sync();
        executor.runAll();
    }

    /** Every SIP message so far left from a non-Netty thread (the SIP executor, or JAIN-SIP's for replies). */
    void assertNoSipSentOnALoop() {
        for (SipFakes.Sent s : sip.sent()) {
            assertFalse(s.thread() instanceof FastThreadLocalThread || s.thread().getName().startsWith("media"),
                    s.what() + " was sent on " + s.thread().getName());
        }
    }

    /** The agent: records what it is told; {@link #failOnStart} makes {@code onStart} throw. */
    static final class Agent implements AgentFactory, CallAgent {
        final CompletableFuture<String> ended = new CompletableFuture<>();
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile RuntimeException failOnStart;
        volatile CompletableFuture<Void> ready = CompletableFuture.completedFuture(null);

        @Override
        public CallAgent create(CallInfo call) {
            events.add("create");
            return this;
        }

        @Override
        public String describe() {
            return "test agent";
        }

        @Override
        public CompletionStage<Void> prepare(PhoneLeg leg) {
            return ready;
        }

        @Override
        public void onRinging() {
            events.add("ringing");
        }

        @Override
        public void onStart(PhoneLeg leg) {
            events.add("start");
            if (failOnStart != null) {
                throw failOnStart;
            }
        }

        @Override
        public void onDtmf(char digit) {
            events.add("dtmf " + digit);
        }

        @Override
        public void onEnd(String reason) {
            events.add("end");
            ended.complete(reason);
        }
    }
}
