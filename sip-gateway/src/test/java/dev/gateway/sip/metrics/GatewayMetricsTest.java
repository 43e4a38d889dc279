package dev.gateway.sip.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.quality.CallQuality;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.signalling.SipMessageCounts;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The exported text for known events: names, labels and values (no gateway, no calls in the registry). */
class GatewayMetricsTest {

    @Test
    void eventsAndCountersAppearUnderTheirNames() throws Exception {
        CallRegistry registry = new CallRegistry(10);
        SipMessageCounts sip = new SipMessageCounts();
        MediaEngine media = new MediaEngine(new MediaEngineConfig("127.0.0.1", 47100, 47198, 30_000, 20, 100, 1),
                System::nanoTime);
        Readiness readiness = new Readiness(() -> false, registry::size, 10, () -> 0.5, 0);
        GatewayMetrics metrics = new GatewayMetrics(registry, sip, () -> null, media, readiness,
                new CpuLoad(() -> 0, () -> 0, 1));
        sip.responseSent("INVITE", 404);
        sip.responseReceived("BYE", 200);
        sip.requestReceived("OPTIONS");
        metrics.started(false);
        metrics.started(false);
        metrics.started(true);
        metrics.answered(false, 120);
        RtpEndpointStats rtp = new RtpEndpointStats(990, 1000, 158_400, 160_000, 10, 3.0, 0, 0, 5, 15, 0, 0, 0, 60,
                "", "", 1, 0, 0, "", 0, 0);
        metrics.ended(false, "caller hung up", rtp, CallQuality.of(rtp, 20), 7_000);
        metrics.ended(false, "media timeout", null, null, 31_000);
        metrics.ended(true, "dial failed 486 Busy Here", null, null, 2_000);
        metrics.transferSettled(true);

        String text = new String(metrics.scrape(), StandardCharsets.UTF_8);
        for (String line : new String[] {
                "gateway_calls_started_total{direction=\"inbound\"} 2.0",
                "gateway_calls_started_total{direction=\"outbound\"} 1.0",
                "gateway_calls_ended_total{direction=\"inbound\",reason=\"caller_bye\"} 1.0",
                "gateway_calls_ended_total{direction=\"inbound\",reason=\"media_timeout\"} 1.0",
                "gateway_calls_ended_total{direction=\"outbound\",reason=\"dial_failed\"} 1.0",
                "gateway_calls_active{direction=\"inbound\"} 0.0",
                "gateway_sip_responses_sent_total{code=\"404\",method=\"INVITE\"} 1.0",
                "gateway_sip_responses_received_total{code=\"200\",method=\"BYE\"} 1.0",
                "gateway_sip_requests_received_total{method=\"OPTIONS\"} 1.0",
                "gateway_invite_to_answer_seconds_bucket{direction=\"inbound\",le=\"0.1\"} 0",
                "gateway_invite_to_answer_seconds_bucket{direction=\"inbound\",le=\"0.25\"} 1",
                "gateway_invite_to_answer_seconds_sum{direction=\"inbound\"} 0.12",
                "gateway_rtp_packets_total{direction=\"in\"} 990.0",
                "gateway_rtp_packets_total{direction=\"out\"} 1000.0",
                "gateway_rtp_bytes_total{direction=\"in\"} 158400.0",
                "gateway_rtp_lost_total 10.0",
                "gateway_rtp_late_total 5.0",
                "gateway_rtp_concealed_total 15.0",
                "gateway_rtp_jitter_seconds_bucket{le=\"0.002\"} 0",
                "gateway_rtp_jitter_seconds_bucket{le=\"0.005\"} 1",
                "gateway_call_mos_count 1",
                "gateway_call_mos_bucket{le=\"3.6\"} 1",   // 1.5 % loss without PLC: MOS 3.53
                "gateway_call_mos_bucket{le=\"3.1\"} 0",
                "gateway_transfers_total{outcome=\"succeeded\"} 1.0",
                "gateway_transfers_total{outcome=\"failed\"} 0.0",
                "gateway_call_duration_seconds_count{direction=\"inbound\"} 2",
                "gateway_ready 0.0",                       // never started
                "gateway_media_tick_lateness_seconds_count 0",
                "gateway_media_tick_lateness_seconds_bucket{le=\"0.002\"} 0"}) {
            assertTrue(text.contains("\n" + line + "\n"), "missing line: " + line + "\n" + text);
        }
        assertTrue(text.contains("\njvm_threads_current "), "JVM metrics are exported");
        assertTrue(text.contains("\nprocess_cpu_seconds_total "), "process metrics are exported");
    }
}
