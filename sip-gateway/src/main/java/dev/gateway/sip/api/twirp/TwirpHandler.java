package dev.gateway.sip.api.twirp;

import com.google.protobuf.Message;
import dev.gateway.sip.api.ApiEndpoint;
import dev.gateway.sip.api.ApiRequest;
import dev.gateway.sip.api.ApiResponse;
import dev.gateway.sip.store.SipStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

/**
 * LiveKit's server API on the gateway's HTTP port, for the context {@code /twirp/}:
 * <ul>
 *   <li>{@code POST /twirp/livekit.SIP/<Method>} is served here ({@link SipTwirpService}): trunks and dispatch
 *       rules from the {@link SipStore}, calls through {@link SipCallControl};</li>
 *   <li>any other {@code /twirp/livekit.<Service>/<Method>} is forwarded to the LiveKit server
 *       ({@link LiveKitProxy}), which authenticates it itself;</li>
 *   <li>anything else is {@code bad_route}.</li>
 * </ul>
 * For {@code livekit.SIP}, in order: the route ({@code bad_route}: unknown method, not POST, Content-Type neither
 * JSON nor protobuf), the token ({@code unauthenticated}, see {@link AccessTokenVerifier}), the body
 * ({@code malformed}), the grant ({@code permission_denied}), then the method. The response is encoded as the
 * request was; errors are Twirp JSON with their HTTP status.
 *
 * <p>The HTTP API's gate ({@code dev.gateway.sip.api.ApiAccess}) has already refused requests without a valid
 * token before their body was read; the check here stays for the grants and for servers without that gate.
 *
 * <p>Thread-safe. Runs on the HTTP server's workers and blocks one of them for a whole
 * {@code CreateSIPParticipant}/{@code TransferSIPParticipant} (up to {@code callTimeout}, default 3 minutes, as
 * an outbound call may ring for a while): give the server an executor with enough threads for the concurrent
 * calls expected, bounded so a flood cannot exhaust the JVM.
 */
public final class TwirpHandler implements ApiEndpoint {

    /** The context path to register this handler under. */
    public static final String CONTEXT = "/twirp/";
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(3);
    private static final String SIP_SERVICE = "livekit.SIP";
    private static final int MAX_BODY = 1024 * 1024;
    private static final System.Logger LOG = System.getLogger("twirp");

    private final AccessTokenVerifier verifier;
    private final SipTwirpService sip;
    private final LiveKitProxy proxy;

    /**
     * @param verifier checks tokens against the API key and secret
     * @param store    trunks and dispatch rules
     * @param calls    places and transfers calls; null if the gateway cannot (those methods answer
     *                 {@code unavailable})
     * @param proxy    where other LiveKit services go; {@link LiveKitProxy#none()} if there is no LiveKit
     */
    public TwirpHandler(AccessTokenVerifier verifier, SipStore store, SipCallControl calls, LiveKitProxy proxy) {
        this(verifier, store, calls, proxy, DEFAULT_CALL_TIMEOUT);
    }

    public TwirpHandler(AccessTokenVerifier verifier, SipStore store, SipCallControl calls, LiveKitProxy proxy,
                        Duration callTimeout) {
        this(verifier, store, calls, null, proxy, callTimeout);
    }

    /** @param relay carries transfers of calls other nodes hold ({@code redis} configured), or null */
    public TwirpHandler(AccessTokenVerifier verifier, SipStore store, SipCallControl calls, CallRelay relay,
                        LiveKitProxy proxy, Duration callTimeout) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.sip = new SipTwirpService(Objects.requireNonNull(store, "store"), calls, relay, callTimeout);
        this.proxy = Objects.requireNonNull(proxy, "proxy");
    }

    /** The verifier this handler checks tokens with (tests share it with the server's gate). */
    AccessTokenVerifier verifier() {
        return verifier;
    }

    @Override
    public ApiResponse serve(ApiRequest ex) throws IOException {
        try {
            String path = ex.path();
            String rest = path.startsWith(CONTEXT) ? path.substring(CONTEXT.length()) : "";
            int slash = rest.indexOf('/');
            String service = slash < 0 ? rest : rest.substring(0, slash);
            if (service.equals(SIP_SERVICE) && slash >= 0) {
                return handleSip(ex, rest.substring(slash + 1));
            } else if (service.startsWith("livekit.") && slash >= 0) {
                return proxy.forward(ex);
            } else {
                throw new TwirpException("bad_route", "no handler for path " + path
                        + " (expected /twirp/livekit.<Service>/<Method>)");
            }
        } catch (TwirpException e) {
            return errorResponse(e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "Twirp failure on " + ex.path(), e);
            return errorResponse(new TwirpException("internal", "internal error: " + e));
        }
    }

    private ApiResponse handleSip(ApiRequest ex, String methodName) {
        SipTwirpService.Method method = sip.method(methodName);
        if (!ex.method().equals("POST")) {
            throw new TwirpException("bad_route", "unsupported method " + ex.method()
                    + " (only POST is allowed)");
        }
        TwirpCodec.Encoding encoding = TwirpCodec.Encoding.of(ex.header("Content-Type"));
        String authorization = ex.header("Authorization");
        ApiGrants grants = verifier.verify(authorization);
        Message request = TwirpCodec.decode(encoding, body(ex), method.requestPrototype());
        Message response = sip.invoke(method, request, new SipTwirpService.Caller(grants, authorization));
        return new ApiResponse(200, encoding.contentType(), TwirpCodec.encode(encoding, response));
    }

    private static byte[] body(ApiRequest ex) {
        if (ex.body().length > MAX_BODY) {
            throw new TwirpException("malformed", "request body larger than " + MAX_BODY + " bytes");
        }
        return ex.body();
    }

    /** A Twirp error as an HTTP answer: its status and Twirp's JSON error body. */
    public static ApiResponse errorResponse(TwirpException e) {
        return new ApiResponse(e.httpStatus(), "application/json", TwirpCodec.errorBody(e));
    }
}
