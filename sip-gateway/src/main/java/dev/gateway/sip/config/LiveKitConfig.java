package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

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
 */
public record LiveKitConfig(String url, String apiKey, String apiSecret) {

    private static final Set<String> SCHEMES = Set.of("ws", "wss", "http", "https");

    public LiveKitConfig {
        check(url != null && !url.isBlank(), "url", "required (or set LIVEKIT_URL)");
        check(validUrl(url), "url", "must be a ws://, wss://, http:// or https:// URL with a host, got '" + url + "'");
        check(apiKey != null && !apiKey.isBlank(), "apiKey", "required when livekit.url is set (or set LIVEKIT_API_KEY)");
        check(apiSecret != null && !apiSecret.isBlank(), "apiSecret",
                "required when livekit.url is set (or set LIVEKIT_API_SECRET)");
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
        return "LiveKitConfig[url=" + url + ", apiKey=" + apiKey + ", apiSecret=***]";
    }
}
