package dev.gateway.agent.signal;

import java.net.URI;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * A LiveKit server's base address, given as {@code ws://}, {@code wss://}, {@code http://} or {@code https://}
 * (all four name the same server: WebSocket signalling and the Twirp API share one port). Immutable.
 *
 * <p>The signalling URL is {@code <base>/rtc?access_token=..&protocol=..&auto_subscribe=1&sdk=..&version=..};
 * the API URL is the same host over HTTP(S) ({@code ws} maps to {@code http}, {@code wss} to {@code https}).
 */
public final class LiveKitUrl {

    /**
     * Signalling protocol version we announce. livekit-server 1.13.5 speaks 17 ({@code types.CurrentProtocol});
     * at 15+ it also sends {@code request_response} for successful requests, at 17 it would strip RTP packet
     * trailers only if the client did not announce {@code CAP_PACKET_TRAILER} (we do not).
     */
    public static final int PROTOCOL = 17;
    /** Accepted by the server's {@code sdk} switch ({@code "go"}, {@code "js"}, ...); anything else is UNKNOWN. */
    public static final String SDK = "unknown";
    public static final String CLIENT_VERSION = "0.1.0";

    private final HttpUrl http;

    private LiveKitUrl(HttpUrl http) {
        this.http = http;
    }

    /** @throws IllegalArgumentException if {@code url} is not a ws/wss/http/https URL */
    public static LiveKitUrl parse(String url) {
        Objects.requireNonNull(url, "url");
        String trimmed = url.trim();
        String lower = trimmed.toLowerCase(java.util.Locale.ROOT);
        String asHttp;
        if (lower.startsWith("ws://")) {
            asHttp = "http://" + trimmed.substring(5);
        } else if (lower.startsWith("wss://")) {
            asHttp = "https://" + trimmed.substring(6);
        } else {
            asHttp = trimmed;
        }
        HttpUrl parsed = HttpUrl.parse(asHttp);
        if (parsed == null) {
            throw new IllegalArgumentException("not a LiveKit URL (ws://, wss://, http://, https://): " + url);
        }
        return new LiveKitUrl(parsed.newBuilder().query(null).fragment(null).build());
    }

    /** {@code http(s)://host:port} plus any path prefix, without a trailing slash: what the Twirp clients want. */
    public String httpBase() {
        String s = http.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /**
     * The {@code /rtc} signalling URL for {@code token}, as http(s) (OkHttp upgrades it to a WebSocket).
     * The token travels in the query as the server and all SDKs expect.
     */
    public HttpUrl rtcUrl(String token, boolean autoSubscribe) {
        return rtcUrl(token, autoSubscribe, null);
    }

    /**
     * The {@code /rtc} URL; with a {@code resumeSid} (our participant's sid from the join) it asks to resume that
     * participant's session ({@code reconnect=1&sid=..&reconnect_reason=1}, RR_SIGNAL_DISCONNECTED): the server
     * keeps the participant and its connections and answers {@code reconnect} instead of {@code join}.
     */
    public HttpUrl rtcUrl(String token, boolean autoSubscribe, String resumeSid) {
        HttpUrl.Builder b = http.newBuilder()
                .addPathSegment("rtc")
                .addQueryParameter("access_token", Objects.requireNonNull(token, "token"))
                .addQueryParameter("protocol", Integer.toString(PROTOCOL))
                .addQueryParameter("auto_subscribe", autoSubscribe ? "1" : "0")
                .addQueryParameter("sdk", SDK)
                .addQueryParameter("version", CLIENT_VERSION);
        if (resumeSid != null) {
            b.addQueryParameter("reconnect", "1")
                    .addQueryParameter("sid", resumeSid)
                    .addQueryParameter("reconnect_reason",
                            Integer.toString(livekit.LivekitModels.ReconnectReason.RR_SIGNAL_DISCONNECTED_VALUE));
        }
        return b.build();
    }

    /**
     * The same {@code /rtc} URL as a WebSocket URI ({@code ws} or {@code wss}) with the port always spelled out,
     * for the WebSocket handshake (its request line and {@code Host} header).
     */
    public URI webSocketUri(String token, boolean autoSubscribe) {
        return webSocketUri(token, autoSubscribe, null);
    }

    /** {@link #webSocketUri(String, boolean)}, resuming {@code resumeSid}'s session when not null. */
    public URI webSocketUri(String token, boolean autoSubscribe, String resumeSid) {
        HttpUrl rtc = rtcUrl(token, autoSubscribe, resumeSid);
        String host = rtc.host().indexOf(':') >= 0 ? "[" + rtc.host() + "]" : rtc.host();
        return URI.create((rtc.isHttps() ? "wss" : "ws") + "://" + host + ":" + rtc.port() + rtc.encodedPath()
                + "?" + rtc.encodedQuery());
    }

    /** The server's host name or IP literal (IPv6 without brackets). */
    public String host() {
        return http.host();
    }

    /** The server's port, the scheme's default when the URL names none. */
    public int port() {
        return http.port();
    }

    /** True for {@code wss}/{@code https}. */
    public boolean tls() {
        return http.isHttps();
    }

    @Override
    public String toString() {
        return httpBase();
    }
}
