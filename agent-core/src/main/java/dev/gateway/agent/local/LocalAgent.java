package dev.gateway.agent.local;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.audio.PcmRing;
import dev.gateway.media.call.CallAudio;
import dev.gateway.media.tone.Tones;

/**
 * The embedded default agent, used when no LiveKit is configured: a short two-note greeting, then it echoes the
 * caller's audio back. Keys: {@code #} hangs up, {@code 0} transfers to the configured target; every key is
 * already recorded on the call by the gateway.
 *
 * <p>Audio goes through the call's media like any agent's: at the start it taps the caller's audio
 * ({@link Echo}, an {@link AudioWriter} that keeps the last few frames) and attaches itself as a downlink
 * {@link FrameSource}: the greeting first, then the echo, one tick (20 ms) behind the caller.
 *
 * <p>Threading: one instance per call, confined to the call's media loop (as {@link CallAgent} requires).
 * Allocates nothing per frame.
 */
public final class LocalAgent implements CallAgent, FrameSource {
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final int ECHO_FRAMES = 5; // at most 100 ms queued: a late tick cannot grow the echo's delay

    /** 8 kHz greeting: two rising notes and a short pause, about 0.5 s, rendered once. */
    static final short[] GREETING = Tones.render(8000,
            new Tones.Segment(660, 160, 0.25), new Tones.Segment(0, 40, 0),
            new Tones.Segment(880, 220, 0.25), new Tones.Segment(0, 100, 0));

    private final LocalAgentConfig config;
    private final System.Logger log = System.getLogger("agent");
    private final String callId;
    private final PcmRing echo = new PcmRing(ECHO_FRAMES * N);
    private final Echo tap = new Echo();
    private PhoneLeg leg;
    private CallAudio media;
    private int greetingPosition = GREETING.length;
    private int framesNotEchoed;

    LocalAgent(LocalAgentConfig config, CallInfo call) {
        this.config = config;
        this.callId = call.id();
    }

    /** The factory the gateway uses when no LiveKit section is configured. */
    public static AgentFactory factory(LocalAgentConfig config) {
        return new AgentFactory() {
            @Override
            public CallAgent create(CallInfo call) {
                return new LocalAgent(config, call);
            }

            @Override
            public String describe() {
                return "embedded local agent (" + (config.greeting() ? "greeting, " : "") + "echo, # hangs up"
                        + (config.transferTarget() != null ? ", 0 transfers to " + config.transferTarget() : "") + ")";
            }
        };
    }

    @Override
    public void onStart(PhoneLeg leg) {
        this.leg = leg;
        this.media = leg.media();
        if (config.greeting()) {
            greetingPosition = 0;
            framesNotEchoed = GREETING.length / N;
        }
        media.addTap(tap);
        media.attachDownlink(this);
    }

    /** The next 20 ms for the caller: the greeting while it lasts, then the caller's own audio of the last tick. */
    @Override
    public boolean read(long nowNanos, short[] out, int off) {
        if (greetingPosition < GREETING.length) {
            int n = Math.min(N, GREETING.length - greetingPosition);
            System.arraycopy(GREETING, greetingPosition, out, off, n);
            java.util.Arrays.fill(out, off + n, off + N, (short) 0);
            greetingPosition += n;
            return true;
        }
        if (echo.size() < N) {
            java.util.Arrays.fill(out, off, off + N, (short) 0);
            return false;
        }
        echo.read(out, off, N);
        return true;
    }

    @Override
    public void onDtmf(char digit) {
        if (digit == '#') {
            leg.hangup("caller pressed #");
        } else if (digit == '0' && config.transferTarget() != null) {
            log.log(System.Logger.Level.INFO, "[" + callId + "] local agent transfers to " + config.transferTarget());
            leg.transfer(config.transferTarget());
        }
    }

    @Override
    public void onEnd(String reason) {
        if (media != null) {
            media.detachDownlink(this);
            media = null;
        }
        leg = null;
    }

    @Override
    public String toString() {
        return "local agent(" + (config.greeting() ? "greeting, " : "") + "echo)";
    }

    /** The caller's audio, kept for the echo; what the caller says during the greeting is not echoed. */
    private final class Echo implements AudioWriter {
        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public void write(short[] pcm, int off, int len) {
            if (framesNotEchoed > 0) {
                framesNotEchoed--; // the caller hears the greeting first; what they say meanwhile is not echoed
                return;
            }
            echo.write(pcm, off, len); // a full ring drops its oldest samples
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "echo";
        }
    }
}
