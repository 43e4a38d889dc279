package dev.gateway.media.tone;

/**
 * Builds short tone sequences (greetings, ringback, beeps) as 16-bit PCM. Pure, thread-safe; allocates the
 * returned array, so call it at start-up or call set-up, never per packet.
 */
public final class Tones {
    private Tones() {
    }

    /** One segment of a sequence: {@code frequencyHz} 0 means silence. */
    public record Segment(double frequencyHz, int durationMs, double amplitude) {
        public Segment {
            if (frequencyHz < 0 || durationMs <= 0 || amplitude < 0 || amplitude > 1) {
                throw new IllegalArgumentException("bad tone segment: " + frequencyHz + " Hz, " + durationMs + " ms, amplitude " + amplitude);
            }
        }
    }

    /**
     * Renders the segments back to back at {@code sampleRate}, with 5 ms raised-cosine ramps at each edge so the
     * caller hears no clicks.
     */
    public static short[] render(int sampleRate, Segment... segments) {
        int total = 0;
        for (Segment s : segments) {
            total += s.durationMs() * sampleRate / 1000;
        }
        short[] out = new short[total];
        int pos = 0;
        int ramp = sampleRate * 5 / 1000;
        for (Segment s : segments) {
            int n = s.durationMs() * sampleRate / 1000;
            double w = 2 * Math.PI * s.frequencyHz() / sampleRate;
            for (int i = 0; i < n; i++) {
                double env = 1.0;
                if (i < ramp) {
                    env = 0.5 - 0.5 * Math.cos(Math.PI * i / ramp);
                } else if (i >= n - ramp) {
                    env = 0.5 - 0.5 * Math.cos(Math.PI * (n - 1 - i) / ramp);
                }
                double v = s.frequencyHz() == 0 ? 0 : Math.sin(w * i) * s.amplitude() * env * 32767;
                out[pos + i] = (short) Math.round(v);
            }
            pos += n;
        }
        return out;
    }
}
