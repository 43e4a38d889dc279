package dev.gateway.sip.api.twirp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.signal.Tokens;
import dev.gateway.sip.redis.RedisLink;
import dev.gateway.sip.redis.RedisServerProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import livekit.LivekitSip.TransferSIPParticipantRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three relays ("nodes") on one real redis-server; node C holds the call, node A is asked. */
class CallRelayTest {

    private static final String KEY = "devkey";
    private static final String SECRET = "secret-secret-secret-secret-secret";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private RedisServerProcess redis;
    private final List<RedisLink> links = new ArrayList<>();
    private final Tokens tokens = new Tokens(KEY, SECRET);
    private final List<TransferSIPParticipantRequest> transferred = new CopyOnWriteArrayList<>();
    private CompletableFuture<Void> outcome = CompletableFuture.completedFuture(null);

    @BeforeEach
    void start() throws Exception {
        redis = new RedisServerProcess(dir).start();
    }

    @AfterEach
    void stop() throws Exception {
        links.forEach(RedisLink::close);
        redis.close();
    }

    /** A node holding the calls of {@code room}/{@code identity} (none if null). */
    private CallRelay node(String heldRoom, String heldIdentity) throws Exception {
        RedisLink link = RedisLink.connect(redis.config("relay:"));
        links.add(link);
        CallRelay relay = new CallRelay(link, new AccessTokenVerifier(KEY, SECRET, Clock.systemUTC()),
                new CallRelay.Local() {
                    @Override
                    public boolean holds(TransferSIPParticipantRequest r) {
                        return r.getRoomName().equals(heldRoom) && r.getParticipantIdentity().equals(heldIdentity);
                    }

                    @Override
                    public CompletableFuture<Void> transfer(TransferSIPParticipantRequest r) {
                        transferred.add(r);
                        return outcome;
                    }
                }, System::currentTimeMillis);
        relay.start();
        return relay;
    }

    private static TransferSIPParticipantRequest request(String room, String identity) {
        return TransferSIPParticipantRequest.newBuilder().setRoomName(room).setParticipantIdentity(identity)
                .setTransferTo("sip:agent2@127.0.0.1:5099").putHeaders("X-Why", "relay").build();
    }

    private String bearer(String room, boolean call, boolean roomAdmin) {
        return "Bearer " + tokens.participant("agent", room).sip(call, false).roomAdmin(roomAdmin).toJwt();
    }

    private static TwirpException failure(CompletableFuture<Void> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return assertInstanceOf(TwirpException.class, e.getCause());
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void theNodeHoldingTheCallTransfersItAndTheAskingNodeGetsTheOutcome() throws Exception {
        CallRelay a = node(null, null);
        node(null, null);
        node("room-1", "sip_+1555");
        TransferSIPParticipantRequest r = request("room-1", "sip_+1555");
        assertNull(a.transfer(bearer("room-1", true, true), r, WAIT).get(30, TimeUnit.SECONDS));
        assertEquals(List.of(r), transferred, "node C ran the transfer with the request as sent, headers included");
    }

    @Test
    void theHoldersFailureComesBackWithItsCodeAndMeta() throws Exception {
        CallRelay a = node(null, null);
        node("room-1", "sip_+1555");
        outcome = CompletableFuture.failedFuture(new TwirpException("failed_precondition", "transfer failed: 603 Decline",
                Map.of("sip_status_code", "603")));
        TwirpException e = failure(a.transfer(bearer("room-1", true, true), request("room-1", "sip_+1555"), WAIT));
        assertEquals("failed_precondition", e.code());
        assertEquals("transfer failed: 603 Decline", e.getMessage());
        assertEquals(Map.of("sip_status_code", "603"), e.meta());
    }

    @Test
    void noNodeHoldingTheCallIsNotFoundOnceEveryNodeAnswered() throws Exception {
        CallRelay a = node(null, null);
        node(null, null);
        node("room-1", "sip_+1555");
        long t0 = System.nanoTime();
        TwirpException e = failure(a.transfer(bearer("room-1", true, true), request("room-1", "sip_other"), WAIT));
        assertEquals("not_found", e.code());
        assertTrue(System.nanoTime() - t0 < WAIT.toNanos(), "answered by the nodes, not by the timeout");
        assertTrue(transferred.isEmpty());
    }

    @Test
    void aSingleNodeAnswersNotFoundAtOnce() throws Exception {
        CallRelay a = node(null, null);
        assertEquals("not_found", failure(a.transfer(bearer("r", true, true), request("r", "x"), WAIT)).code());
    }

    @Test
    void theHolderChecksTheTokenItself() throws Exception {
        CallRelay a = node(null, null);
        node("room-1", "sip_+1555");
        TransferSIPParticipantRequest r = request("room-1", "sip_+1555");
        assertEquals("permission_denied", failure(a.transfer(bearer("other-room", true, true), r, WAIT)).code());
        assertEquals("permission_denied", failure(a.transfer(bearer("room-1", false, true), r, WAIT)).code());
        assertEquals("unauthenticated", failure(a.transfer("Bearer "
                + new Tokens(KEY, "not-the-secret-not-the-secret").participant("x", "room-1").sip(true, false)
                .roomAdmin(true).toJwt(), r, WAIT)).code());
        assertEquals("unauthenticated", failure(a.transfer(null, r, WAIT)).code());
        assertTrue(transferred.isEmpty(), "no transfer without a valid token for the room");
    }

    @Test
    void aTransferOutlivingTheAskersTimeoutEndsInATimeoutAndFreesItsSlot() throws Exception {
        CallRelay a = node(null, null);
        node("room-1", "sip_+1555");
        outcome = new CompletableFuture<>(); // the holder's transfer never finishes
        TwirpException e = failure(a.transfer(bearer("room-1", true, true), request("room-1", "sip_+1555"),
                Duration.ofMillis(300)).handle((v, x) -> {
                    if (x instanceof java.util.concurrent.TimeoutException) {
                        throw new TwirpException("deadline_exceeded", "timed out");
                    }
                    throw new java.util.concurrent.CompletionException(x);
                }));
        assertEquals("deadline_exceeded", e.code());
    }
}
