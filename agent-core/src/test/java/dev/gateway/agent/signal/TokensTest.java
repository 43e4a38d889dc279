package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class TokensTest {

    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Tokens tokens = new Tokens("APIkey1", "s3cret", Clock.fixed(NOW, ZoneOffset.UTC));

    private static JsonNode part(String jwt, int index) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]));
    }

    @Test
    void phoneTokenCarriesLiveKitSipParticipantClaims() throws Exception {
        String jwt = tokens.phone("+15550100", "call-1")
                .attributes(Map.of("sip.callStatus", "ringing", "sip.phoneNumber", "+15550100"))
                .metadata("{\"x\":1}").ttl(Duration.ofMinutes(10)).toJwt();

        JsonNode header = part(jwt, 0);
        assertEquals("HS256", header.get("alg").asText());
        assertEquals("JWT", header.get("typ").asText());
        JsonNode c = part(jwt, 1);
        assertEquals("APIkey1", c.get("iss").asText());
        assertEquals("sip_+15550100", c.get("sub").asText());
        assertEquals("Phone +15550100", c.get("name").asText());
        assertEquals("sip", c.get("kind").asText());
        assertEquals("{\"x\":1}", c.get("metadata").asText());
        assertEquals(NOW.getEpochSecond(), c.get("nbf").asLong());
        assertEquals(NOW.getEpochSecond() + 600, c.get("exp").asLong());
        assertEquals("ringing", c.get("attributes").get("sip.callStatus").asText());
        JsonNode video = c.get("video");
        assertEquals("call-1", video.get("room").asText());
        for (String grant : new String[] {"roomJoin", "canPublish", "canSubscribe", "canPublishData",
                "canUpdateOwnMetadata"}) {
            assertTrue(video.get(grant).asBoolean(), grant);
        }
        assertFalse(video.has("roomAdmin"));
        assertFalse(c.has("sip"));
        assertFalse(c.has("roomConfig"));
    }

    @Test
    void signatureIsHmacSha256OfHeaderDotPayload() throws Exception {
        String jwt = tokens.participant("agent-1", "r").toJwt();
        String[] parts = jwt.split("\\.");
        assertEquals(3, parts.length);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(expected, Base64.getUrlDecoder().decode(parts[2]));
        assertFalse(jwt.contains("="), "base64url without padding");
        assertEquals("standard", part(jwt, 1).get("kind").asText());
    }

    @Test
    void agentsGoToRoomConfigInProtoJson() throws Exception {
        JsonNode c = part(tokens.phone("+1", "r").agent("phone-agent", "{\"a\":2}").agent("second", "")
                .roomAdmin(true).sip(true, false).toJwt(), 1);
        JsonNode agents = c.get("roomConfig").get("agents");
        assertEquals(2, agents.size());
        assertEquals("phone-agent", agents.get(0).get("agentName").asText());
        assertEquals("{\"a\":2}", agents.get(0).get("metadata").asText());
        assertEquals("second", agents.get(1).get("agentName").asText());
        assertTrue(c.get("video").get("roomAdmin").asBoolean());
        assertTrue(c.get("sip").get("call").asBoolean());
        assertFalse(c.get("sip").get("admin").asBoolean());
    }

    @Test
    void rejectsBlankIdentityRoomAndNonPositiveTtl() {
        assertThrows(IllegalArgumentException.class, () -> tokens.participant(" ", "r"));
        assertThrows(IllegalArgumentException.class, () -> tokens.participant("a", ""));
        assertThrows(IllegalArgumentException.class, () -> tokens.phone("", "r"));
        assertThrows(IllegalArgumentException.class, () -> tokens.participant("a", "r").ttl(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> new Tokens("k", ""));
    }
}
