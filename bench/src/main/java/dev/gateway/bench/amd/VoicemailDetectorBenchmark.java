package dev.gateway.bench.amd;

import dev.gateway.bench.CpuClock;
import dev.gateway.bench.SpeechLikeSignal;
import dev.gateway.media.amd.AmdDecision;
import dev.gateway.media.amd.AmdListener;
import dev.gateway.media.amd.AmdSettings;
import dev.gateway.media.amd.VoicemailDetector;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link VoicemailDetector#write} of one 20 ms frame (160 samples at 8 kHz), ns per frame.
 *
 * <ul>
 *   <li>{@code speechAndBeep}: 10 s of {@link SpeechLikeSignal} (voiced, 3 dB above the floor most of the time,
 *       so the Goertzel bank runs on most frames), 500 ms of quiet, a 500 ms 1 kHz beep, 500 ms of quiet, cycled.
 *       Settings that never decide on speech keep the detector analysing; the beep decides {@code machine} and
 *       finishes it, and the next frame starts a new detector (one allocation per 11.5 s of audio).</li>
 *   <li>{@code toneOnly}: a 1 kHz tone at -10 dBFS, 3 s on (too long for a beep) and 200 ms off, cycled: the worst
 *       case, where nearly every frame runs the whole bank, the peak refinement and the tonal-run bookkeeping (the
 *       pauses keep the noise floor from settling on the tone, which would skip the bank), and nothing finishes
 *       the detector.</li>
 *   <li>{@code finished}: after the decision: what a call pays for the rest of its life.</li>
 * </ul>
 * Each iteration also prints the thread's own CPU time per frame ({@link CpuClock}), which other load on the
 * machine barely changes. The iteration tear-down checks that the speech input produced beeps (so the beep path was measured).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VoicemailDetectorBenchmark {
    private static final int FRAME = SpeechLikeSignal.FRAME_SAMPLES;
    /** Thresholds that speech never reaches: the detector keeps analysing until the beep. */
    private static final AmdSettings NEVER_ON_SPEECH =
            new AmdSettings(600_000, 600_000, 600_000, 100, 50, 1000, 600_000, 600_000, 256, 3_600_000);

    @Param({"speechAndBeep", "toneOnly", "finished"})
    public String input;

    private short[] signal;
    private int position;
    private VoicemailDetector detector;
    private long beeps;
    private long operations;
    private final CpuClock cpu = new CpuClock();
    private final AmdListener listener = new AmdListener() {
        @Override
        public void onDecision(AmdDecision decision) {
        }

        @Override
        public void onBeep(long beepEndMs) {
            beeps++;
        }

        @Override
        public void onBeepTimeout(long ms) {
        }
    };

    @Setup
    public void setUp() {
        switch (input) {
            case "speechAndBeep" -> {
                short[] speech = SpeechLikeSignal.frames(500);
                signal = new short[speech.length + 75 * FRAME];
                System.arraycopy(speech, 0, signal, 0, speech.length);
                int beepAt = speech.length + 25 * FRAME;
                for (int i = 0; i < 25 * FRAME; i++) {
                    signal[beepAt + i] = (short) Math.round(8000 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
                }
            }
            case "toneOnly", "finished" -> {
                signal = new short[160 * FRAME]; // 3 s of tone (too long for a beep), 200 ms of quiet, cycled
                for (int i = 0; i < 150 * FRAME; i++) {
                    signal[i] = (short) Math.round(10_362 * Math.sin(2 * Math.PI * 1000 * i / 8000.0));
                }
            }
            default -> throw new IllegalArgumentException(input);
        }
        detector = new VoicemailDetector(input.equals("finished") ? AmdSettings.defaults() : NEVER_ON_SPEECH, listener);
        if (input.equals("finished")) {
            short[] silence = new short[FRAME];
            while (!detector.finished()) {
                detector.write(silence, 0, FRAME);
            }
        }
    }

    @Benchmark
    public boolean writeOneFrame() {
        if (position + FRAME > signal.length) {
            position = 0;
        }
        if (detector.finished() && !input.equals("finished")) {
            detector = new VoicemailDetector(NEVER_ON_SPEECH, listener);
        }
        detector.write(signal, position, FRAME);
        position += FRAME;
        operations++;
        return detector.finished();
    }

    @Setup(Level.Iteration)
    public void startClock() {
        operations = 0;
        cpu.start();
    }

    @TearDown(Level.Iteration)
    public void check() {
        cpu.report("amd " + input, operations);
        if (input.equals("speechAndBeep") && beeps == 0) {
            throw new IllegalStateException("the speech-and-beep input found no beep: the beep path was not measured");
        }
    }
}
