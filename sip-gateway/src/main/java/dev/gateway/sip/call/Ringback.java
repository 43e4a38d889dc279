package dev.gateway.sip.call;

import dev.gateway.media.tone.Tones;

/**
 * Ringback for a caller waiting on a transfer (LiveKit's play_dialtone): North American ringing, 440 + 480 Hz,
 * 2 s on, 4 s off, at 8 kHz, played for at most a minute. Mutable; confined to the call's loop.
 */
final class Ringback {
    private static final short[] TONE = render();
    private static final int MAX_FRAMES = 60 * 50;

    private int framesLeft;
    private int position;

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

    /** Sends the next {@code count} samples of ringing to the phone instead of the agent's audio. */
    void playTo(dev.gateway.media.endpoint.RtpEndpoint endpoint, int count) {
        framesLeft--;
        if (position + count > TONE.length) {
            position = 0;
        }
        endpoint.sendAudio(TONE, position, count);
        position += count;
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
