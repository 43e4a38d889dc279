package dev.gateway.media.amd;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.AudioStage;
import java.util.Objects;

/**
 * Answering-machine detection on the called party's audio from the answer on: decides whether a person, a machine
 * (voicemail greeting, hold audio), silence or something unclear answered, and for a machine reports when its beep
 * ends, so an agent can speak its message right after it.
 *
 * <p>A tap ({@link dev.gateway.media.audio.TapWriter} observer) at 8 kHz named {@code amd}, with no next stage.
 * Time is the audio itself: a decision or timeout is stamped with the end of the frame it was made in,
 * {@code 20 ms x whole frames written}, counted from the first sample; a beep end to the 5 ms quarter and better.
 * The call's tick writes a frame every 20 ms from the answer on, so that is also time since the answer.
 *
 * <p>Each 20 ms frame, high-passed at 200 Hz ({@link HighPass}), is classified as speech or silence against an
 * adaptive {@link NoiseFloor}; speech runs of at least {@code minimumWordLengthMs} are words, ended by
 * {@code betweenWordsSilenceMs} of silence. After each frame the rules are tried in this order (Asterisk
 * {@code app_amd}'s, plus the beep):
 * <ol>
 *   <li>a beep ({@link BeepDetector}) ended: {@code machine}, {@code beep};</li>
 *   <li>no word and {@code initialSilenceMs} elapsed: {@code silence}, {@code initial_silence};</li>
 *   <li>the words' voiced time reached {@code greetingMs}: {@code machine}, {@code long_greeting};</li>
 *   <li>{@code maximumNumberOfWords} words: {@code machine}, {@code max_words};</li>
 *   <li>the current word reached {@code maximumWordLengthMs}: {@code machine}, {@code long_word};</li>
 *   <li>after a word, {@code afterGreetingSilenceMs} of silence: {@code human}, {@code after_greeting_silence};</li>
 *   <li>{@code totalAnalysisTimeMs} elapsed: {@code unknown}, {@code too_long}.</li>
 * </ol>
 * After a {@code machine} decision only the beep detector runs, until the beep ends ({@link AmdListener#onBeep})
 * or {@code beepTimeoutMs} pass ({@link AmdListener#onBeepTimeout}). Then, and after any other decision, the
 * detector is {@link #finished()} and a frame costs one branch (plus the base stage's two clock reads).
 *
 * <p>Loop-confined: written and read on the call's media loop; the listener runs there. No allocation and no lock
 * per frame. Frames of any length are accepted (they are cut into 160-sample frames internally).
 */
public final class VoicemailDetector extends AudioStage {
    private static final int FRAME = AudioFrames.SAMPLES_8K;
    private static final int FRAME_MS = AudioFrames.FRAME_MS;

    private final AmdSettings settings;
    private final AmdListener listener;
    private final NoiseFloor noise;
    private final BeepDetector beeps = new BeepDetector();
    private final short[] pending = new short[FRAME];
    private final float[] quarters = new float[4];
    private final float[] filtered = new float[FRAME];
    private final HighPass highPass = new HighPass(200, 8000);
    private int pendingSamples;
    private long frames;

    private AmdResult result;
    private long decisionMs;
    private boolean finished;

    private int words;
    private boolean inWord;
    private int voicedRunMs;
    private int silenceRunMs;
    private int voicedTotalMs;

    public VoicemailDetector(AmdSettings settings, AmdListener listener) {
        super("amd", 8000, null);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.noise = new NoiseFloor(settings.silenceThreshold());
    }

    /** True after a human, silence or unknown decision, or after a machine's beep or beep timeout. */
    public boolean finished() {
        return finished;
    }

    /** The decision so far, null before it. */
    public AmdResult result() {
        return result;
    }

    @Override
    protected void process(short[] pcm, int off, int len) {
        if (finished) {
            return;
        }
        int i = off;
        int end = off + len;
        if (pendingSamples == 0) {
            for (; end - i >= FRAME && !finished; i += FRAME) {
                frame(pcm, i);
            }
        }
        while (i < end && !finished) {
            int n = Math.min(FRAME - pendingSamples, end - i);
            System.arraycopy(pcm, i, pending, pendingSamples, n);
            pendingSamples += n;
            i += n;
            if (pendingSamples == FRAME) {
                pendingSamples = 0;
                frame(pending, 0);
            }
        }
    }

    private void frame(short[] pcm, int off) {
        float[] x = filtered;
        highPass.filter(pcm, off, x, FRAME);
        float sumAbs = 0;
        float sumSquares = 0;
        for (int q = 0; q < 4; q++) {
            float squares = 0;
            for (int n = q * BeepDetector.QUARTER, e = n + BeepDetector.QUARTER; n < e; n++) {
                float s = x[n];
                squares += s * s;
                sumAbs += Math.abs(s);
            }
            quarters[q] = squares / BeepDetector.QUARTER;
            sumSquares += squares;
        }
        float meanSquare = sumSquares / FRAME;
        float floorBefore = noise.floor();
        boolean beepEnded = beeps.analyze(x, 0, frames, quarters, meanSquare, floorBefore);
        boolean speech = noise.speech(meanSquare, sumAbs / FRAME, beeps.lastConcentration());
        frames++;
        long nowMs = frames * FRAME_MS;
        if (result == AmdResult.MACHINE) {
            if (beepEnded) {
                finished = true;
                listener.onBeep(beeps.beepEndMs());
            } else if (nowMs - decisionMs >= settings.beepTimeoutMs()) {
                finished = true;
                listener.onBeepTimeout(nowMs);
            }
            return;
        }
        if (beepEnded) {
            decide(AmdResult.MACHINE, AmdDecision.BEEP, nowMs);
            finished = true;
            listener.onBeep(beeps.beepEndMs());
            return;
        }
        count(speech);
        if (words == 0 && voicedRunMs == 0 && nowMs >= settings.initialSilenceMs()) {
            decide(AmdResult.SILENCE, AmdDecision.INITIAL_SILENCE, nowMs);
        } else if (voicedTotalMs >= settings.greetingMs()) {
            decide(AmdResult.MACHINE, AmdDecision.LONG_GREETING, nowMs);
        } else if (words >= settings.maximumNumberOfWords()) {
            decide(AmdResult.MACHINE, AmdDecision.MAX_WORDS, nowMs);
        } else if (inWord && voicedRunMs >= settings.maximumWordLengthMs()) {
            decide(AmdResult.MACHINE, AmdDecision.LONG_WORD, nowMs);
        } else if (words > 0 && silenceRunMs >= settings.afterGreetingSilenceMs()) {
            decide(AmdResult.HUMAN, AmdDecision.AFTER_GREETING_SILENCE, nowMs);
        } else if (nowMs >= settings.totalAnalysisTimeMs()) {
            decide(AmdResult.UNKNOWN, AmdDecision.TOO_LONG, nowMs);
        }
    }

    /** Words and silences, as app_amd counts them. */
    private void count(boolean speech) {
        if (speech) {
            silenceRunMs = 0;
            voicedRunMs += FRAME_MS;
            if (inWord) {
                voicedTotalMs += FRAME_MS;
            } else if (voicedRunMs >= settings.minimumWordLengthMs()) {
                inWord = true;
                words++;
                voicedTotalMs += voicedRunMs;
            }
        } else {
            silenceRunMs += FRAME_MS;
            if (silenceRunMs >= settings.betweenWordsSilenceMs()) {
                inWord = false;
                voicedRunMs = 0;
            }
        }
    }

    private void decide(AmdResult r, String reason, long nowMs) {
        result = r;
        decisionMs = nowMs;
        finished = r != AmdResult.MACHINE || settings.beepTimeoutMs() == 0;
        listener.onDecision(new AmdDecision(r, reason, nowMs));
        if (r == AmdResult.MACHINE && settings.beepTimeoutMs() == 0) {
            listener.onBeepTimeout(nowMs);
        }
    }
}
