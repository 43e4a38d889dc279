package dev.gateway.media.amd;

import java.util.ArrayList;
import java.util.List;

/** Records a detector's events in order, for the tests. */
final class RecordingListener implements AmdListener {
    final List<AmdDecision> decisions = new ArrayList<>();
    final List<Long> beeps = new ArrayList<>();
    final List<Long> timeouts = new ArrayList<>();
    /** ms of audio written when the first beep was reported, -1 before. */
    long beepReportedAtMs = -1;

    @Override
    public void onDecision(AmdDecision decision) {
        decisions.add(decision);
    }

    @Override
    public void onBeep(long beepEndMs) {
        beeps.add(beepEndMs);
    }

    @Override
    public void onBeepTimeout(long ms) {
        timeouts.add(ms);
    }

    /** Feeds {@code pcm} to a new detector in frames of {@code frame} samples, then silence until it finishes. */
    static RecordingListener run(short[] pcm, AmdSettings settings, int frame) {
        RecordingListener l = new RecordingListener();
        VoicemailDetector d = new VoicemailDetector(settings, l);
        long written = 0;
        for (int i = 0; i < pcm.length && !d.finished(); i += frame) {
            int n = Math.min(frame, pcm.length - i);
            d.write(pcm, i, n);
            written += n;
            l.noteBeep(written);
        }
        short[] zeros = new short[160];
        for (int f = 0; f < 10_000 && !d.finished(); f++) {
            d.write(zeros, 0, 160);
            written += 160;
            l.noteBeep(written);
        }
        return l;
    }

    static RecordingListener run(short[] pcm) {
        return run(pcm, AmdSettings.defaults(), 160);
    }

    private void noteBeep(long samplesWritten) {
        if (beepReportedAtMs < 0 && !beeps.isEmpty()) {
            beepReportedAtMs = samplesWritten / 8;
        }
    }

    AmdDecision decision() {
        if (decisions.size() != 1) {
            throw new AssertionError("expected exactly one decision, got " + decisions);
        }
        return decisions.get(0);
    }
}
