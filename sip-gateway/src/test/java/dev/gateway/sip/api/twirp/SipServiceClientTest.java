package dev.gateway.sip.api.twirp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.store.SipStore;
import io.livekit.server.CreateSipInboundTrunkOptions;
import io.livekit.server.SipDispatchRuleDirect;
import io.livekit.server.SipServiceClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import retrofit2.Response;

/** LiveKit's own Kotlin/Java server SDK ({@code SipServiceClient}, protobuf over Twirp) against the gateway. */
class SipServiceClientTest {

    @TempDir
    Path dir;

    @Test
    void theServerSdkManagesTrunksAndRules() throws Exception {
        SipStore store = SipStore.open(dir, List.of(), List.of(), List.of(), Clock.systemUTC());
        try (TwirpTestServer server = new TwirpTestServer(new TwirpHandler(new AccessTokenVerifier(
                TwirpHandlerTest.KEY, TwirpHandlerTest.SECRET, Clock.systemUTC()), store, null, LiveKitProxy.none()))) {
            SipServiceClient sdk = SipServiceClient.createClient(server.baseUrl(), TwirpHandlerTest.KEY,
                    TwirpHandlerTest.SECRET);

            SIPInboundTrunkInfo in = body(sdk.createSipInboundTrunk("sdk-in", List.of("+15550130"),
                    new CreateSipInboundTrunkOptions("meta", List.of("198.51.100.0/24"), null, null, null)).execute());
            assertTrue(in.getSipTrunkId().startsWith("ST_"));
            assertEquals("198.51.100.0/24", store.snapshot().inbound().get(0).allowedAddresses().get(0).toString());

            SIPOutboundTrunkInfo out = body(sdk.createSipOutboundTrunk("sdk-out", "sip.example.org",
                    List.of("+15550131")).execute());
            assertEquals(List.of(in), body(sdk.listSipInboundTrunk().execute()));
            assertEquals(List.of(out), body(sdk.listSipOutboundTrunk().execute()));

            SIPDispatchRuleInfo rule = body(sdk.createSipDispatchRule(new SipDispatchRuleDirect("lobby", null))
                    .execute());
            assertEquals("lobby", rule.getRule().getDispatchRuleDirect().getRoomName());
            assertEquals(1, body(sdk.listSipDispatchRule().execute()).size());

            body(sdk.deleteSipDispatchRule(rule.getSipDispatchRuleId()).execute());
            body(sdk.deleteSipTrunk(in.getSipTrunkId()).execute());
            body(sdk.deleteSipTrunk(out.getSipTrunkId()).execute());
            assertEquals(new SipStore.Snapshot(List.of(), List.of(), List.of()), store.snapshot());
        }
    }

    private static <T> T body(Response<T> r) throws Exception {
        assertTrue(r.isSuccessful(), () -> {
            try {
                return r.code() + " " + r.errorBody().string();
            } catch (Exception e) {
                return r.code() + "";
            }
        });
        return r.body();
    }
}
