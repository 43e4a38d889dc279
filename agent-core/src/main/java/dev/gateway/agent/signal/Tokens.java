package dev.gateway.agent.signal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import livekit.LivekitAgentDispatch;
import livekit.LivekitRoom;

/**
 * LiveKit access tokens (HS256 JWTs signed with the API secret) for participants the gateway joins.
 *
 * <p>Why not {@code io.livekit.server.AccessToken}: in server-sdk-kotlin 0.13.0 it has identity, name, metadata,
 * attributes and room configuration, but no {@code kind} claim, and LiveKit decides the participant kind
 * ({@code ParticipantInfo.Kind.SIP} for a phone caller) from that claim alone. So the claims are written here,
 * with the names of livekit/protocol {@code auth.ClaimGrants}: {@code iss} (API key), {@code sub} (identity),
 * {@code nbf}, {@code exp}, {@code name}, {@code kind}, {@code metadata}, {@code attributes}, {@code video}
 * {roomJoin, room, canPublish, canSubscribe, canPublishData, canUpdateOwnMetadata, roomAdmin}, {@code sip}
 * {call, admin} and {@code roomConfig} (protobuf JSON of {@code RoomConfiguration}, e.g. agents to dispatch).
 *
 * <p>Thread-safe and immutable; each {@link Builder} is a mutable scratch object for one token.
 */
public final class Tokens {

    public static final Duration DEFAULT_TTL = Duration.ofHours(6);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final String apiKey;
    private final byte[] secret;
    private final Clock clock;

    public Tokens(String apiKey, String apiSecret) {
        this(apiKey, apiSecret, Clock.systemUTC());
    }

    public Tokens(String apiKey, String apiSecret, Clock clock) {
        this.apiKey = requireText(apiKey, "apiKey");
        this.secret = requireText(apiSecret, "apiSecret").getBytes(StandardCharsets.UTF_8);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * A phone caller as LiveKit's own SIP service shows one: identity {@code sip_<number>}, name
     * {@code Phone <number>}, kind {@code sip}, allowed to publish, subscribe, send data and update its own
     * attributes ({@code sip.callStatus} changes).
     */
    public Builder phone(String callerNumber, String room) {
        requireText(callerNumber, "callerNumber");
        return participant("sip_" + callerNumber, room).name("Phone " + callerNumber).kind("sip");
    }

    /** A participant of kind {@code standard} with publish/subscribe/data/own-metadata grants for {@code room}. */
    public Builder participant(String identity, String room) {
        return new Builder(requireText(identity, "identity"), requireText(room, "room"));
    }

    /** Collects the claims of one participant token. Not thread-safe; use it once and drop it. */
    public final class Builder {
        private final String identity;
        private final String room;
        private String name = "";
        private String kind = "standard";
        private String metadata = "";
        private final Map<String, String> attributes = new LinkedHashMap<>();
        private final LivekitRoom.RoomConfiguration.Builder roomConfig = LivekitRoom.RoomConfiguration.newBuilder();
        private Duration ttl = DEFAULT_TTL;
        private boolean roomAdmin;
        private boolean sipCall;
        private boolean sipAdmin;

        private Builder(String identity, String room) {
            this.identity = identity;
            this.room = room;
        }

        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** {@code standard}, {@code sip}, {@code agent}, ... (lower case of {@code ParticipantInfo.Kind}). */
        public Builder kind(String kind) {
            this.kind = requireText(kind, "kind");
            return this;
        }

        public Builder metadata(String metadata) {
            this.metadata = Objects.requireNonNull(metadata, "metadata");
            return this;
        }

        public Builder attributes(Map<String, String> attributes) {
            this.attributes.putAll(attributes);
            return this;
        }

        public Builder ttl(Duration ttl) {
            if (ttl.isNegative() || ttl.isZero()) {
                throw new IllegalArgumentException("ttl must be positive: " + ttl);
            }
            this.ttl = ttl;
            return this;
        }

        /** Dispatches {@code agentName} into the room when this participant creates it ({@code roomConfig.agents}). */
        public Builder agent(String agentName, String agentMetadata) {
            roomConfig.addAgents(LivekitAgentDispatch.RoomAgentDispatch.newBuilder()
                    .setAgentName(requireText(agentName, "agentName"))
                    .setMetadata(Objects.requireNonNull(agentMetadata, "agentMetadata")));
            return this;
        }

        /** Room settings used if this participant's join creates the room; merged with any {@link #agent}s. */
        public Builder roomConfig(LivekitRoom.RoomConfiguration config) {
            roomConfig.mergeFrom(config);
            return this;
        }

        /** {@code video.roomAdmin}: needed for e.g. transferring SIP participants of this room. */
        public Builder roomAdmin(boolean roomAdmin) {
            this.roomAdmin = roomAdmin;
            return this;
        }

        /** {@code sip.call} and {@code sip.admin} grants (Twirp {@code livekit.SIP} API). */
        public Builder sip(boolean call, boolean admin) {
            this.sipCall = call;
            this.sipAdmin = admin;
            return this;
        }

        /** The signed JWT: {@code base64url(header).base64url(claims).base64url(HMAC-SHA256)}. */
        public String toJwt() {
            long now = clock.instant().getEpochSecond();
            ObjectNode claims = JSON.createObjectNode();
            claims.put("iss", apiKey);
            claims.put("sub", identity);
            claims.put("nbf", now);
            claims.put("exp", now + ttl.toSeconds());
            claims.put("name", name);
            claims.put("kind", kind);
            if (!metadata.isEmpty()) {
                claims.put("metadata", metadata);
            }
            if (!attributes.isEmpty()) {
                claims.set("attributes", JSON.valueToTree(attributes));
            }
            ObjectNode video = claims.putObject("video");
            video.put("roomJoin", true);
            video.put("room", room);
            video.put("canPublish", true);
            video.put("canSubscribe", true);
            video.put("canPublishData", true);
            video.put("canUpdateOwnMetadata", true);
            if (roomAdmin) {
                video.put("roomAdmin", true);
            }
            if (sipCall || sipAdmin) {
                ObjectNode sip = claims.putObject("sip");
                sip.put("call", sipCall);
                sip.put("admin", sipAdmin);
            }
            LivekitRoom.RoomConfiguration config = roomConfig.build();
            if (!config.equals(LivekitRoom.RoomConfiguration.getDefaultInstance())) {
                claims.set("roomConfig", protoJson(config));
            }
            return sign(claims);
        }
    }

    private String sign(ObjectNode claims) {
        try {
            String header = B64URL.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
            String payload = B64URL.encodeToString(JSON.writeValueAsBytes(claims));
            String signingInput = header + "." + payload;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return signingInput + "." + B64URL.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (JsonProcessingException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign LiveKit token", e); // HmacSHA256 is in every JRE
        }
    }

    /** protojson form (lowerCamelCase names), which the server's {@code RoomConfiguration.UnmarshalJSON} reads. */
    private static ObjectNode protoJson(LivekitRoom.RoomConfiguration config) {
        try {
            return (ObjectNode) JSON.readTree(JsonFormat.printer().omittingInsignificantWhitespace().print(config));
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException("cannot encode room configuration", e);
        }
    }

    private static String requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
