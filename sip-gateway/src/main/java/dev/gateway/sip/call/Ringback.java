package dev.gateway.sip.call;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.tone.Tones;
import java.util.function.BooleanSupplier;

/**
 * Ringback for a caller waiting on a transfer (LiveKit's play_dialtone): North American ringing, 440 + 480 Hz,
 * 2 s on, 4 s off, at 8 kHz, played for at most a minute. A {@link FrameSource} the call's media plays instead of
 * the agent while it reports audio: from {@link #start} while {@code wanted} holds (the transfer is pending).
 *
 * <p>Mutable; confined to the call's loop. Allocates nothing per frame.
 */
final class Ringback implements FrameSource {
    private static final short[] TONE = render();
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final int MAX_FRAMES = 60 * 50;

    private final BooleanSupplier wanted;
    private int framesLeft;
    private int position;

    Ringback(BooleanSupplier wanted) {
        this.wanted = wanted;
    }

    void start() {
        framesLeft = MAX_FRAMES;
        position = 0;
    }

    void stop() {
        framesLeft = 0;
    }

    boolean playing() {
        return framesLeft > 0;
    }

    /** The next 20 ms of ringing, or false (and silence) when the caller should hear the agent. */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        if (framesLeft <= 0 || !wanted.getAsBoolean()) {
            framesLeft = 0;
            java.util.Arrays.fill(out, off, off + N, (short) 0);
            return false;
        }
        framesLeft--;
        if (position + N > TONE.length) {
            position = 0;
        }
        System.arraycopy(TONE, position, out, off, N);
        position += N;
        return true;
    }

    @Override
    public String toString() {
        return "ringback";
    }

    private static short[] render() {
        short[] a = Tones.render(8000, new Tones.Segment(440, 2000, 0.2), new Tones.Segment(0, 4000, 0));
        short[] b = Tones.render(8000, new Tones.Segment(480, 2000, 0.2), new Tones.Segment(0, 4000, 0));
        for (int i = 0; i < a.length; i++) {
            a[i] = (short) (a[i] + b[i]);
        }
        return a;
    }
}
