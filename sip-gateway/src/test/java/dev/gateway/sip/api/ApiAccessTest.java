package dev.gateway.sip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.agent.signal.Tokens;
import dev.gateway.sip.api.twirp.AccessTokenVerifier;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ApiAccessTest {

    private static final String OPERATOR = "0123456789abcdef0123456789abcdef";
    private final Tokens tokens = new Tokens("devkey", "secret");
    private final AccessTokenVerifier verifier = new AccessTokenVerifier("devkey", "secret", Clock.systemUTC());

    @Test
    void healthNeedsNothingAndCallsNeedTheOperatorToken() {
        ApiAccess access = new ApiAccess(null, OPERATOR);
        assertNull(access.refusal("/healthz", null));
        assertNull(access.refusal("/calls", "Bearer " + OPERATOR));
        assertNull(access.refusal("/calls/c-1/hangup", "bearer  " + OPERATOR + " "));
        for (String bad : new String[] {null, "", "Bearer ", "Basic " + OPERATOR, OPERATOR, "Bearer " + OPERATOR + "0",
                "Bearer " + OPERATOR.substring(1), "Bearer " + tokens.participant("x", "r").sip(true, true).toJwt()}) {
            ApiResponse r = access.refusal("/calls", bad);
            assertEquals(401, r.status(), String.valueOf(bad));
            assertEquals("Bearer", r.headers().get("WWW-Authenticate"));
            assertTrue(r.text().contains("\"error\""), r.text());
        }
        // no path but /healthz is open, whatever it is called
        assertEquals(401, access.refusal("/healthz/", null).status());
        assertEquals(401, access.refusal("/", null).status());
        assertEquals(401, access.refusal("/twirp/livekit.SIP/ListSIPInboundTrunk", null).status());
    }

    @Test
    void liveKitTokensNeedRoomAdminOrASipGrant() {
        ApiAccess access = new ApiAccess(verifier, null);
        assertNull(access.refusal("/calls", "Bearer " + tokens.participant("ops", "r").sip(true, false).toJwt()));
        assertNull(access.refusal("/calls", "Bearer " + tokens.participant("ops", "r").sip(false, true).toJwt()));
        assertNull(access.refusal("/calls", "Bearer " + tokens.participant("ops", "r").roomAdmin(true).toJwt()));
        ApiResponse joinOnly = access.refusal("/calls", "Bearer " + tokens.participant("ops", "r").toJwt());
        assertEquals(403, joinOnly.status());
        assertTrue(joinOnly.text().contains("video.roomAdmin, sip.call, sip.admin"), joinOnly.text());
        ApiResponse otherSecret = access.refusal("/calls", "Bearer " + new Tokens("devkey", "nope")
                .participant("ops", "r").sip(true, true).toJwt());
        assertEquals(401, otherSecret.status());
        assertTrue(otherSecret.text().contains("signature"), otherSecret.text());
        assertEquals(401, access.refusal("/calls", "Bearer " + OPERATOR).status(), "no operator token configured");
    }

    @Test
    void twirpPathsNeedAValidLiveKitTokenAndAnswerInTwirpsShape() {
        ApiAccess access = new ApiAccess(verifier, OPERATOR);
        String path = "/twirp/livekit.RoomService/ListRooms";
        assertNull(access.refusal(path, "Bearer " + tokens.participant("ops", "r").toJwt()), "grants are checked later");
        ApiResponse none = access.refusal(path, null);
        assertEquals(401, none.status());
        assertTrue(none.text().contains("\"code\":\"unauthenticated\""), none.text());
        assertEquals(401, access.refusal(path, "Bearer " + OPERATOR).status(), "the operator token is not a JWT");
        assertNull(access.refusal("/calls", "Bearer " + OPERATOR), "but it opens /calls");
    }

    @Test
    void needsSomeCredential() {
        assertThrows(IllegalArgumentException.class, () -> new ApiAccess(null, null));
    }

    @Test
    void readyzIsOpenAndTheMetricsTokenOpensMetricsOnly() {
        String metrics = "fedcba9876543210fedcba9876543210";
        ApiAccess access = new ApiAccess(null, OPERATOR, metrics);
        assertNull(access.refusal("/readyz", null));
        assertNull(access.refusal("/metrics", "Bearer " + metrics));
        assertNull(access.refusal("/metrics", "Bearer " + OPERATOR));
        assertEquals(401, access.refusal("/metrics", null).status());
        for (String path : new String[] {"/calls", "/calls/c-1/hangup", "/metrics/", "/"}) {
            assertEquals(403, access.refusal(path, "Bearer " + metrics).status(), path);
        }
        assertEquals(401, new ApiAccess(null, OPERATOR).refusal("/metrics", "Bearer " + metrics).status());
    }
}
