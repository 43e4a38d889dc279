package dev.gateway.agent.local;

import dev.gateway.agent.AgentFactory;
import dev.gateway.agent.CallAgent;
import dev.gateway.agent.CallInfo;
import dev.gateway.agent.PhoneLeg;
import dev.gateway.media.tone.Tones;

/**
 * The embedded default agent, used when no LiveKit is configured: a short two-note greeting, then it echoes the
 * caller's audio back. Keys: {@code #} hangs up, {@code 0} transfers to the configured target; every key is
 * already recorded on the call by the gateway.
 *
 * <p>Threading: one instance per call, confined to the call's media loop (as {@link CallAgent} requires).
 */
public final class LocalAgent implements CallAgent {
    /** 8 kHz greeting: two rising notes and a short pause, about 0.5 s, rendered once. */
    static final short[] GREETING = Tones.render(8000,
            new Tones.Segment(660, 160, 0.25), new Tones.Segment(0, 40, 0),
            new Tones.Segment(880, 220, 0.25), new Tones.Segment(0, 100, 0));

    private final LocalAgentConfig config;
    private final System.Logger log = System.getLogger("agent");
    private final String callId;
    private PhoneLeg leg;
    private int greetingFramesLeft;

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
        if (config.greeting()) {
            leg.sendAudio(GREETING, 0, GREETING.length);
            greetingFramesLeft = GREETING.length / 160;
        }
    }

    @Override
    public void onAudio(short[] pcm, int offset, int count) {
        if (greetingFramesLeft > 0) {
            greetingFramesLeft--; // the caller hears the greeting first; their audio in the meantime is not echoed
            return;
        }
        leg.sendAudio(pcm, offset, count);
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
        leg = null;
    }
}
