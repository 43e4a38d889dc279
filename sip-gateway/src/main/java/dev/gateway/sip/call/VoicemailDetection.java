package dev.gateway.sip.call;

import dev.gateway.agent.CallAgent;
import dev.gateway.agent.VoicemailResult;
import dev.gateway.media.amd.AmdDecision;
import dev.gateway.media.amd.AmdListener;
import dev.gateway.media.amd.VoicemailDetector;
import dev.gateway.media.call.CallAudio;
import dev.gateway.sip.config.VoicemailConfig;
import dev.gateway.sip.trunk.OutboundTrunk;

/**
 * One call's voicemail (answering-machine) detection: decides at the answer whether it runs (see
 * {@link dev.gateway.sip.config.FeatureSwitches}: the call's {@code sip.amd} attribute, the trunk, the direction),
 * puts a {@link VoicemailDetector} on the caller's audio from then on, logs each result as one line and hands it to
 * the agent ({@link CallAgent#onVoicemail}: attributes and a {@code sip_amd} data packet in the room).
 *
 * <p>Threading: loop-confined; the detector reports from the call's tick, on the same loop. A failing agent
 * callback is logged and contained here, so it cannot stop the call's media.
 */
final class VoicemailDetection implements AmdListener {
    /** The participant attribute that switches detection for one call: {@code on} or {@code off}. */
    static final String ATTRIBUTE = "sip.amd";

    private final Call call;
    private final VoicemailConfig config;
    private CallAgent agent;
    private VoicemailDetector detector;
    private VoicemailResult result;

    VoicemailDetection(Call call, VoicemailConfig config) {
        this.call = call;
        this.config = config;
    }

    /** Whether detection runs on this call, by the switches from the call's own attribute down to its direction. */
    boolean wanted(boolean outbound, OutboundTrunk trunk) {
        return config.switches().enabled(call.info(), outbound, trunk == null ? null : trunk.name(), ATTRIBUTE);
    }

    /** The call is answered: detection runs on the caller's audio from now on, when {@code wanted}. */
    void start(boolean wanted, CallAudio audio, CallAgent agent) {
        if (!wanted || detector != null || audio == null) {
            return;
        }
        this.agent = agent;
        detector = new VoicemailDetector(config.thresholds(), this);
        audio.addTap(detector);
        call.log("voicemail detection started");
    }

    /** What was found so far; null while undecided or when detection does not run. */
    VoicemailResult result() {
        return result;
    }

    @Override
    public void onDecision(AmdDecision decision) {
        report(VoicemailResult.decided(decision.result().wire(), decision.reason(), decision.decisionMs()));
        call.observe(o -> o.voicemailDecided(call.outbound(), decision.result().wire(), decision.decisionMs()));
    }

    @Override
    public void onBeep(long beepEndMs) {
        if (result != null) {
            report(result.withBeep(beepEndMs));
            call.observe(o -> o.voicemailBeep("true"));
        }
    }

    @Override
    public void onBeepTimeout(long ms) {
        if (result != null) {
            report(result.withBeepTimeout());
            call.observe(o -> o.voicemailBeep("timeout"));
        }
    }

    /** The call ended: nothing more is passed on. */
    void stop() {
        agent = null;
    }

    private void report(VoicemailResult next) {
        result = next;
        call.log("voicemail: " + next);
        CallAgent a = agent;
        if (a == null) {
            return;
        }
        try {
            a.onVoicemail(next);
        } catch (RuntimeException e) {
            call.log("voicemail result not passed to the agent: " + CallGuard.describe(e));
        }
    }
}
