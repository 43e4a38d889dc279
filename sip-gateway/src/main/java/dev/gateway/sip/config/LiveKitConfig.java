package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

import dev.gateway.agent.room.LiveKitSettings.RingingTimeoutAction;
import dev.gateway.agent.room.LiveKitSettings.UplinkCodec;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * Connection to a LiveKit server. Immutable; {@link #toString()} hides the secret. When the section is absent
 * the gateway uses its embedded local agent.
 *
 * @param url       {@code ws://}, {@code wss://}, {@code http://} or {@code https://} URL of the server
 * @param apiKey    API key (JWT issuer)
 * @param apiSecret API secret (JWT HS256 key)
 * @param ringingTimeoutSeconds how long an inbound call rings waiting for an agent (a participant other than the
 *                  caller that subscribes to the caller's track or publishes audio), 1..300, default 15
 * @param ringingTimeoutAction what then: {@code answer} anyway (default) or {@code reject} with 480
 * @param uplinkCodec what the caller's track is published as: {@code auto} (default: G.711 in the phone's law when
 *                  the room accepts it, else Opus), {@code pcmu} (G.711 or the call fails) or {@code opus}
 */
public record LiveKitConfig(String url, String apiKey, String apiSecret, int ringingTimeoutSeconds,
                            RingingTimeoutAction ringingTimeoutAction, UplinkCodec uplinkCodec) {

    private static final Set<String> SCHEMES = Set.of("ws", "wss", "http", "https");
    /** Default ringing bound (README explains the choice). */
    public static final int DEFAULT_RINGING_TIMEOUT_SECONDS = 15;
    public static final int MAX_RINGING_TIMEOUT_SECONDS = 300;

    /** A connection with the default ringing policy (15 s, then answer) and uplink codec (auto). */
    public LiveKitConfig(String url, String apiKey, String apiSecret) {
        this(url, apiKey, apiSecret, DEFAULT_RINGING_TIMEOUT_SECONDS, RingingTimeoutAction.ANSWER);
    }

    /** A connection with the default uplink codec (auto). */
    public LiveKitConfig(String url, String apiKey, String apiSecret, int ringingTimeoutSeconds,
                         RingingTimeoutAction ringingTimeoutAction) {
        this(url, apiKey, apiSecret, ringingTimeoutSeconds, ringingTimeoutAction, UplinkCodec.AUTO);
    }

    /** {@code auto}, {@code pcmu} or {@code opus} (any case); null for anything else. */
    public static UplinkCodec uplinkCodec(String name) {
        return switch (name == null ? "" : name.strip().toLowerCase(Locale.ROOT)) {
            case "auto" -> UplinkCodec.AUTO;
            case "pcmu" -> UplinkCodec.PCMU;
            case "opus" -> UplinkCodec.OPUS;
            default -> null;
        };
    }

    public LiveKitConfig {
        check(url != null && !url.isBlank(), "url", "required (or set LIVEKIT_URL)");
        check(validUrl(url), "url", "must be a ws://, wss://, http:// or https:// URL with a host, got '" + url + "'");
        check(apiKey != null && !apiKey.isBlank(), "apiKey", "required when livekit.url is set (or set LIVEKIT_API_KEY)");
        check(apiSecret != null && !apiSecret.isBlank(), "apiSecret",
                "required when livekit.url is set (or set LIVEKIT_API_SECRET)");
        check(ringingTimeoutSeconds >= 1 && ringingTimeoutSeconds <= MAX_RINGING_TIMEOUT_SECONDS,
                "ringingTimeoutSeconds", "must be between 1 and " + MAX_RINGING_TIMEOUT_SECONDS + ", got "
                        + ringingTimeoutSeconds);
        check(ringingTimeoutAction != null, "ringingTimeoutAction", "must be 'answer' or 'reject'");
        check(uplinkCodec != null, "uplinkCodec", "must be 'auto', 'pcmu' or 'opus'");
    }

    /** The URL with its scheme turned into ws/wss, for the signalling WebSocket. */
    public String websocketUrl() {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("https://")) {
            return "wss://" + url.substring(8);
        }
        return lower.startsWith("http://") ? "ws://" + url.substring(7) : url;
    }

    private static boolean validUrl(String url) {
        try {
            URI u = new URI(url);
            return u.getScheme() != null && SCHEMES.contains(u.getScheme().toLowerCase(Locale.ROOT))
                    && u.getHost() != null && !u.getHost().isEmpty();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "LiveKitConfig[url=" + url + ", apiKey=" + apiKey + ", apiSecret=***, ringingTimeoutSeconds="
                + ringingTimeoutSeconds + ", ringingTimeoutAction=" + ringingTimeoutAction + ", uplinkCodec="
                + uplinkCodec + "]";
    }
}
