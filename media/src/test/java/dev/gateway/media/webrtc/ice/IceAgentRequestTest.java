package dev.gateway.media.webrtc.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.webrtc.stun.StunClass;
import dev.gateway.media.webrtc.stun.StunCodec;
import dev.gateway.media.webrtc.stun.StunIntegrity;
import dev.gateway.media.webrtc.stun.StunMessage;
import dev.gateway.media.webrtc.stun.StunVerifyResult;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One agent fed hand-made Binding requests; asserts on what it answers. */
class IceAgentRequestTest {

    private static final String LOCAL_UFRAG = "locl";
    private static final String LOCAL_PWD = "local-password-22chars";
    private static final String REMOTE_UFRAG = "remt";
    private static final String REMOTE_PWD = "remote-password-22char";
    private static final InetSocketAddress PEER = new InetSocketAddress("192.0.2.9", 7882);
    private static final byte[] TX = new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    private static final long OUR_TIE_BREAKER = 1000;

    private record Sent(ByteBuf packet, InetSocketAddress to) {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final IceAgent agent = new IceAgent(IceRole.CONTROLLING, LOCAL_UFRAG, LOCAL_PWD, OUR_TIE_BREAKER,
            (p, to) -> sent.add(new Sent(p, to)), new IceAgent.Listener() {
                @Override
                public void onConnected(InetSocketAddress remote) {
                }

                @Override
                public void onFailed(String reason) {
                }
            }, UnpooledByteBufAllocator.DEFAULT);

    @AfterEach
    void release() {
        agent.close();
        for (Sent s : sent) {
            s.packet().release();
            assertEquals(0, s.packet().refCnt());
        }
    }

    private static StunMessage.Builder request() {
        return StunMessage.bindingRequest(TX).username(LOCAL_UFRAG + ":" + REMOTE_UFRAG).priority(1862270975L)
                .iceControlled(5);
    }

    private StunMessage feed(StunMessage request, String pwd) {
        ByteBuf buf = Unpooled.buffer();
        try {
            StunCodec.encode(request, pwd == null ? null : StunIntegrity.shortTermKey(pwd), true, buf);
            agent.onStun(buf, PEER, 0);
        } finally {
            assertTrue(buf.release());
        }
        assertEquals(1, sent.size(), "exactly one answer");
        assertEquals(PEER, sent.get(0).to());
        ByteBuf answer = sent.get(0).packet();
        assertEquals(StunVerifyResult.OK, StunIntegrity.verifyFingerprint(answer));
        StunMessage m = StunCodec.decode(answer).message();
        assertTrue(m.hasTransactionId(TX));
        return m;
    }

    @Test
    void validRequestGetsAuthenticatedSuccessAndCreatesPeerReflexivePair() {
        agent.setRemoteCredentials(REMOTE_UFRAG, REMOTE_PWD);
        StunMessage answer = feed(request().build(), LOCAL_PWD);
        assertEquals(StunClass.SUCCESS_RESPONSE, answer.messageClass());
        assertEquals(PEER, answer.xorMappedAddress());
        assertEquals(StunVerifyResult.OK,
                StunIntegrity.verifyIntegrity(sent.get(0).packet(), StunIntegrity.shortTermKey(LOCAL_PWD)));
        assertEquals(IceState.CHECKING, agent.state());
        assertEquals(1, agent.stats().requestsReceived());
    }

    @Test
    void requestBeforeRemoteCredentialsChecksLocalHalfOfUsername() {
        assertEquals(StunClass.SUCCESS_RESPONSE, feed(request().build(), LOCAL_PWD).messageClass());
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of("wrongLocalUfrag", (UnaryOperator<StunMessage.Builder>) b -> b.username("xxxx:remt"),
                        LOCAL_PWD, 401),
                Arguments.of("wrongRemoteUfrag", (UnaryOperator<StunMessage.Builder>) b -> b.username("locl:xxxx"),
                        LOCAL_PWD, 401),
                Arguments.of("wrongPassword", UnaryOperator.<StunMessage.Builder>identity(), REMOTE_PWD, 401),
                Arguments.of("noIntegrity", UnaryOperator.<StunMessage.Builder>identity(), null, 400),
                Arguments.of("noUsername", (UnaryOperator<StunMessage.Builder>) b -> b.username(null),
                        LOCAL_PWD, 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void badCredentialsAreRejectedWithoutIntegrity(String name, UnaryOperator<StunMessage.Builder> edit,
                                                   String pwd, int code) {
        agent.setRemoteCredentials(REMOTE_UFRAG, REMOTE_PWD);
        StunMessage answer = feed(edit.apply(request()).build(), pwd);
        assertEquals(StunClass.ERROR_RESPONSE, answer.messageClass());
        assertEquals(code, answer.errorCode());
        assertFalse(answer.hasIntegrity());
        assertEquals(IceState.NEW, agent.state(), "no peer-reflexive candidate from an unauthenticated request");
        assertEquals(1, agent.stats().unauthenticated());
    }

    @Test
    void controllingWithLargerTieBreakerAnswers487AndKeepsRole() {
        agent.setRemoteCredentials(REMOTE_UFRAG, REMOTE_PWD);
        StunMessage answer = feed(StunMessage.bindingRequest(TX).username(LOCAL_UFRAG + ":" + REMOTE_UFRAG)
                .iceControlling(OUR_TIE_BREAKER - 1).build(), LOCAL_PWD);
        assertEquals(487, answer.errorCode());
        assertTrue(answer.hasIntegrity());
        assertEquals(IceRole.CONTROLLING, agent.role());
    }

    @Test
    void controllingWithSmallerTieBreakerSwitchesAndAccepts() {
        agent.setRemoteCredentials(REMOTE_UFRAG, REMOTE_PWD);
        StunMessage answer = feed(StunMessage.bindingRequest(TX).username(LOCAL_UFRAG + ":" + REMOTE_UFRAG)
                .iceControlling(-1L).build(), LOCAL_PWD);
        assertEquals(StunClass.SUCCESS_RESPONSE, answer.messageClass());
        assertEquals(IceRole.CONTROLLED, agent.role());
    }

    @Test
    void garbageAndStrayResponsesAreCounted() {
        ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {0, 1, 0, 0});
        ByteBuf stray = Unpooled.buffer();
        try {
            agent.onStun(garbage, PEER, 0);
            StunCodec.encode(StunMessage.bindingSuccess(TX, PEER).build(), null, true, stray);
            agent.onStun(stray, PEER, 0);
        } finally {
            garbage.release();
            stray.release();
        }
        assertTrue(sent.isEmpty());
        assertEquals(1, agent.stats().malformed());
        assertEquals(1, agent.stats().unknownTransaction());
    }
}
