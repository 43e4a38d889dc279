package dev.gateway.sip.metrics;

import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.endpoint.TickLateness;
import dev.gateway.media.quality.CallQuality;
import dev.gateway.sip.call.Call;
import dev.gateway.sip.call.CallObserver;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.call.CallSnapshot;
import dev.gateway.sip.call.InviteAdmission;
import dev.gateway.sip.signalling.SipMessageCounts;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Every metric of the gateway, named and registered in this one place, and the Prometheus text of them all.
 *
 * <p>Values are pulled at scrape time from the counters the gateway keeps anyway ({@link CallRegistry},
 * {@link SipMessageCounts}, {@link InviteAdmission}'s drops, {@link MediaEngine}'s ticks and ports, the phone legs'
 * {@link RtpEndpointStats}); what only exists as an event (a call starting, answering, ending, a transfer settling)
 * arrives through {@link CallObserver}, a few times per call, never per packet: the media path does no metrics work.
 * RTP counters are those of ended calls, added at their end, plus the live calls' read at the scrape.
 *
 * <p>Thread-safe. {@link #scrape()} runs on an HTTP worker (it waits up to 1 s for the live calls' snapshots, which
 * their loops take).
 */
public final class GatewayMetrics implements CallObserver {
    /** INVITE->200 and agent-ready buckets, s: a ringing agent may take seconds (LiveKit SIP uses similar ones). */
    private static final double[] SETUP_BUCKETS = {0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 15, 30};
    private static final double[] DURATION_BUCKETS = {1, 10, 60, 300, 600, 1800, 3600, 4 * 3600};
    private static final double[] JITTER_BUCKETS = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
    private static final double[] MOS_BUCKETS = {1, 2, 2.58, 3.1, 3.6, 4.03, 4.34, 4.5};
    private static final String[] DIRECTIONS = {"inbound", "outbound"};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final LongAdder[] started = {new LongAdder(), new LongAdder()};
    private final LongAdder[][] ended = new LongAdder[2][EndCause.values().length];
    private final LongAdder transfersOk = new LongAdder();
    private final LongAdder transfersFailed = new LongAdder();
    /** RTP of ended calls (phone leg): packets in/out, bytes in/out, lost, late, concealed. */
    private final LongAdder[] endedRtp = new LongAdder[7];
    private final DistributionDataPoint[] inviteToAnswer = new DistributionDataPoint[2];
    private final DistributionDataPoint[] agentReady = new DistributionDataPoint[2];
    private final DistributionDataPoint[] duration = new DistributionDataPoint[2];
    private final DistributionDataPoint jitter;
    private final DistributionDataPoint mos;
    private volatile long[] liveRtp = new long[7];
    private final long[] exportedRtp = new long[7];
    private static final String[] VOICEMAIL_RESULTS = {"human", "machine", "silence", "unknown"};
    private final LongAdder[][] voicemail = new LongAdder[2][VOICEMAIL_RESULTS.length];
    private final LongAdder[] beeps = {new LongAdder(), new LongAdder()};
    private final DistributionDataPoint[] voicemailDecision = new DistributionDataPoint[VOICEMAIL_RESULTS.length];
    private final CallRegistry liveSource;

    /**
     * Registers everything.
     *
     * @param calls      the live calls
     * @param sip        SIP requests and responses counted by the stack's listener
     * @param admission  the INVITE admission (its silent drops), null before SIP starts
     * @param media      the media engine (ports, tick punctuality)
     * @param readiness  what {@code /readyz} says (exported as 1/0 like LiveKit SIP's {@code available})
     * @param cpu        the process's CPU use
     */
    public GatewayMetrics(CallRegistry calls, SipMessageCounts sip, Supplier<InviteAdmission> admission,
                          MediaEngine media, Readiness readiness, CpuLoad cpu) {
        for (int d = 0; d < 2; d++) {
            for (int c = 0; c < EndCause.values().length; c++) {
                ended[d][c] = new LongAdder();
            }
        }
        for (int i = 0; i < endedRtp.length; i++) {
            endedRtp[i] = new LongAdder();
        }
        for (LongAdder[] byResult : voicemail) {
            for (int r = 0; r < byResult.length; r++) {
                byResult[r] = new LongAdder();
            }
        }
        this.liveSource = calls;
        JvmMetrics.builder().register(registry); // jvm_* and process_* (CPU seconds, memory, threads, GC, fds)

        // ---- calls
        gauge("gateway_calls_active", "Calls in the registry now (ringing or answered), by direction",
                cb -> {
                    long out = calls.all().stream().filter(Call::outbound).count();
                    cb.call(calls.size() - out, "inbound");
                    cb.call(out, "outbound");
                }, "direction");
        counter("gateway_calls_started", "Calls admitted (inbound) or dialled (outbound)",
                cb -> each(d -> cb.call(started[d].sum(), DIRECTIONS[d])), "direction");
        counter("gateway_calls_ended", "Calls ended, by direction and cause (see README: Observe)", cb -> {
            for (int d = 0; d < 2; d++) {
                for (EndCause c : EndCause.values()) {
                    long n = ended[d][c.ordinal()].sum();
                    if (n > 0) {
                        cb.call(n, DIRECTIONS[d], c.label());
                    }
                }
            }
        }, "direction", "reason");
        counter("gateway_calls_swept", "Calls the sweeper had to end (stuck past a state's limit)",
                cb -> cb.call(calls.sweptCalls()));
        Histogram invite = histogram("gateway_invite_to_answer_seconds",
                "Inbound: INVITE received to our 200 OK sent; outbound: the dial request (room join included) to the callee's 200",
                SETUP_BUCKETS, "direction");
        Histogram ready = histogram("gateway_agent_ready_seconds", "Agent asked to get ready (LiveKit: room join, "
                + "track published, an agent seen) until ready", SETUP_BUCKETS, "direction");
        Histogram dur = histogram("gateway_call_duration_seconds", "Call start to end", DURATION_BUCKETS, "direction");
        each(d -> {
            inviteToAnswer[d] = invite.labelValues(DIRECTIONS[d]);
            agentReady[d] = ready.labelValues(DIRECTIONS[d]);
            duration[d] = dur.labelValues(DIRECTIONS[d]);
        });
        counter("gateway_transfers", "Transfers (REFER) settled, by outcome", cb -> {
            cb.call(transfersOk.sum(), "succeeded");
            cb.call(transfersFailed.sum(), "failed");
        }, "outcome");
        counter("gateway_voicemail_results", "Voicemail detection decisions, by direction and result", cb -> {
            for (int d = 0; d < 2; d++) {
                for (int r = 0; r < VOICEMAIL_RESULTS.length; r++) {
                    cb.call(voicemail[d][r].sum(), DIRECTIONS[d], VOICEMAIL_RESULTS[r]);
                }
            }
        }, "direction", "result");
        counter("gateway_voicemail_beeps", "Machines' beeps: ended (true) or none within beepTimeoutMs (timeout)",
                cb -> {
                    cb.call(beeps[0].sum(), "true");
                    cb.call(beeps[1].sum(), "timeout");
                }, "beep");
        Histogram decided = histogram("gateway_voicemail_decision_seconds", "Answer to voicemail detection's decision",
                SETUP_BUCKETS, "result");
        for (int r = 0; r < VOICEMAIL_RESULTS.length; r++) {
            voicemailDecision[r] = decided.labelValues(VOICEMAIL_RESULTS[r]);
        }

        // ---- SIP
        counter("gateway_sip_requests_received", "SIP requests received (retransmissions included), by method",
                cb -> sip.forEachRequest((method, n) -> cb.call(n, method)), "method");
        counter("gateway_sip_responses_sent", "SIP responses sent, by the CSeq method and status code",
                cb -> sip.forEachSent((method, code, n) -> cb.call(n, method, String.valueOf(code))), "method", "code");
        counter("gateway_sip_responses_received", "SIP responses received, by the CSeq method and status code",
                cb -> sip.forEachReceived((method, code, n) -> cb.call(n, method, String.valueOf(code))), "method", "code");
        counter("gateway_admission_dropped", "Requests dropped without any answer before a SIP transaction, by cause",
                cb -> {
                    InviteAdmission a = admission.get();
                    if (a != null) {
                        a.forEachDropped((cause, n) -> cb.call(n, cause));
                    }
                }, "cause");

        // ---- RTP (phone leg)
        counter("gateway_rtp_packets", "RTP packets on the phone leg, in = from the phone, out = to the phone",
                cb -> {
                    cb.call(rtp(0), "in");
                    cb.call(rtp(1), "out");
                }, "direction");
        counter("gateway_rtp_bytes", "RTP payload bytes on the phone leg", cb -> {
            cb.call(rtp(2), "in");
            cb.call(rtp(3), "out");
        }, "direction");
        counter("gateway_rtp_lost", "RTP packets from the phone lost (RFC 3550 count)", cb -> cb.call(rtp(4)));
        counter("gateway_rtp_late", "RTP packets from the phone that came after their play-out time",
                cb -> cb.call(rtp(5)));
        counter("gateway_rtp_concealed", "Frames of the phone's audio filled with silence by the jitter buffer",
                cb -> cb.call(rtp(6)));
        jitter = histogram("gateway_rtp_jitter_seconds", "RFC 3550 interarrival jitter of the phone's RTP at call end",
                JITTER_BUCKETS).labelValues();
        mos = histogram("gateway_call_mos", "E-model (ITU-T G.107) MOS estimate of the phone leg at call end",
                MOS_BUCKETS).labelValues();

        // ---- media engine
        registry.register(new TickLatenessCollector(media));
        counter("gateway_media_tick_skipped_slots", "20 ms media slots skipped after a stall (more than 200 ms late)",
                cb -> cb.call(media.tickStats().skippedSlots()));
        gauge("gateway_rtp_ports_in_use", "RTP port pairs bound now", cb -> cb.call(media.portsInUse()));

        // ---- node
        gauge("gateway_ready", "1 when /readyz answers 200 (LiveKit SIP: livekit_sip_available)",
                cb -> cb.call(readiness.verdict().ready() ? 1 : 0));
        gauge("gateway_cpu_load", "The process's CPU use, fraction of all cores (LiveKit: livekit_node_cpu_load)",
                cb -> cb.call(cpu.fraction()));
    }

    /** The Prometheus text format (version 0.0.4) of every metric. */
    public byte[] scrape() throws IOException {
        refreshLiveRtp();
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        PrometheusTextFormatWriter.create().write(out, registry.scrape(),
                io.prometheus.metrics.config.EscapingScheme.UNDERSCORE_ESCAPING);
        return out.toByteArray();
    }

    /** The content type of {@link #scrape()}. */
    public static String contentType() {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    // ---------------------------------------------------------------- CallObserver

    @Override
    public void started(boolean outbound) {
        started[index(outbound)].increment();
    }

    @Override
    public void answered(boolean outbound, long millis) {
        inviteToAnswer[index(outbound)].observe(millis / 1000.0);
    }

    @Override
    public void agentReady(boolean outbound, long millis) {
        agentReady[index(outbound)].observe(millis / 1000.0);
    }

    @Override
    public void ended(boolean outbound, String reason, RtpEndpointStats media, CallQuality quality,
                      long durationMillis) {
        ended[index(outbound)][EndCause.of(reason).ordinal()].increment();
        duration[index(outbound)].observe(durationMillis / 1000.0);
        if (media != null) {
            long[] v = values(media);
            for (int i = 0; i < v.length; i++) {
                endedRtp[i].add(v[i]);
            }
        }
        if (quality != null && quality.rated()) {
            jitter.observe(quality.jitterMs() / 1000.0);
            mos.observe(quality.mos());
        }
    }

    @Override
    public void transferSettled(boolean ok) {
        (ok ? transfersOk : transfersFailed).increment();
    }

    @Override
    public void voicemailDecided(boolean outbound, String result, long millis) {
        int r = java.util.Arrays.asList(VOICEMAIL_RESULTS).indexOf(result);
        if (r >= 0) {
            voicemail[index(outbound)][r].increment();
            voicemailDecision[r].observe(millis / 1000.0);
        }
    }

    @Override
    public void voicemailBeep(String beep) {
        beeps["true".equals(beep) ? 0 : 1].increment();
    }

    /** The recorder's counters: recordings in progress, incomplete and failed ones, frames dropped. */
    public void watch(dev.gateway.media.record.RecordingService recorder) {
        gauge("gateway_recordings_active", "Recordings being written now", cb -> cb.call(recorder.active()));
        counter("gateway_recordings_incomplete", "Recordings finished with audio missing (slow or full disk, "
                + "refused, failed)", cb -> cb.call(recorder.recordingsIncomplete()));
        counter("gateway_recordings_failed", "Recordings ended by a write error", cb -> cb.call(recorder.recordingsFailed()));
        counter("gateway_recording_frames_dropped", "20 ms stereo frames a recording could not keep (its writer behind)",
                cb -> cb.call(recorder.framesDropped()));
    }

    // ---------------------------------------------------------------- helpers

    /** The live calls' phone-leg counters, read on their loops (at most 1 s), for this scrape. */
    private void refreshLiveRtp() {
        CallRegistry calls = liveSource;
        long[] sum = new long[7];
        if (calls != null) {
            List<CompletableFuture<CallSnapshot>> futures = new ArrayList<>();
            for (Call c : calls.all()) {
                futures.add(c.snapshot());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            for (CompletableFuture<CallSnapshot> f : futures) {
                try {
                    CallSnapshot s = f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (s.media() != null) {
                        long[] v = values(s.media());
                        for (int i = 0; i < v.length; i++) {
                            sum[i] += v[i];
                        }
                    }
                } catch (Exception e) {
                    // ended meanwhile (its counters are in the totals now) or its loop is busy: left out this time
                }
            }
        }
        liveRtp = sum;
    }

    /**
     * Ended calls' totals plus the live calls' counts, never below what an earlier scrape said: a live call whose
     * snapshot missed the scrape's deadline, or one ending between its snapshot and the ended totals, would
     * otherwise make the counter dip, which Prometheus reads as a reset.
     */
    private long rtp(int i) {
        synchronized (exportedRtp) {
            long now = Math.max(exportedRtp[i], endedRtp[i].sum() + liveRtp[i]);
            exportedRtp[i] = now;
            return now;
        }
    }

    private static long[] values(RtpEndpointStats s) {
        return new long[] {s.packetsIn(), s.packetsOut(), s.bytesIn(), s.bytesOut(), Math.max(0, s.lost()), s.late(),
                s.concealed()};
    }

    private static int index(boolean outbound) {
        return outbound ? 1 : 0;
    }

    private static void each(java.util.function.IntConsumer d) {
        d.accept(0);
        d.accept(1);
    }

    private void counter(String name, String help, java.util.function.Consumer<CounterWithCallback.Callback> cb,
                         String... labels) {
        CounterWithCallback.builder().name(name).help(help).labelNames(labels).callback(cb).register(registry);
    }

    private void gauge(String name, String help, java.util.function.Consumer<GaugeWithCallback.Callback> cb,
                       String... labels) {
        GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(cb).register(registry);
    }

    private Histogram histogram(String name, String help, double[] buckets, String... labels) {
        return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly().classicUpperBounds(buckets)
                .register(registry);
    }

    /** The media ticks' lateness, from {@link MediaEngine#tickLateness()}'s buckets, as a histogram in seconds. */
    private static final class TickLatenessCollector implements Collector {
        private static final String NAME = "gateway_media_tick_lateness_seconds";
        private final MediaEngine media;

        TickLatenessCollector(MediaEngine media) {
            this.media = media;
        }

        @Override
        public MetricSnapshot collect() {
            TickLateness l = media.tickLateness();
            double[] bounds = new double[TickLateness.BOUNDS_MILLIS.length + 1];
            for (int i = 0; i < TickLateness.BOUNDS_MILLIS.length; i++) {
                bounds[i] = TickLateness.BOUNDS_MILLIS[i] / 1000.0;
            }
            bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
            return HistogramSnapshot.builder().name(NAME)
                    .help("How late the 20 ms media ticks woke after their slot (pacing of the audio sent)")
                    .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
                            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, l.counts()))
                            .sum(l.sumNanos() / 1e9).build())
                    .build();
        }

        @Override
        public String getPrometheusName() {
            return NAME;
        }
    }
}
