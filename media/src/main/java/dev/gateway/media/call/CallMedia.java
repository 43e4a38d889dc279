package dev.gateway.media.call;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.AudioStage;
import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.audio.TapWriter;
import dev.gateway.media.endpoint.MediaTick;
import dev.gateway.media.g711.G711;
import dev.gateway.media.mix.Mixer;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;

/**
 * One call's media, and its only tick: the phone leg and whatever the room side (or a local agent) attaches, on
 * the call's event loop.
 *
 * <pre>
 *  uplink   phone RTP -> jitter -> g711 -> tap[level, ...] -> [uplink sink: opus -> rtp -> srtp]
 *  downlink [sources: room tracks, local agent] -> mix -> hold -> tap[recorder] -> g711 -> rtp -> phone
 * </pre>
 *
 * <p>Each 20 ms tick, in the engine's pace phase ({@link #pace}), the downlink sources are mixed and the frame is
 * sent to the phone at once, in the same tick: no queue between the mix and the packet, no extra tick. In the work
 * phase ({@link #tick}) the caller's play-out goes through the taps into the uplink sink, then the leg's timers run.
 *
 * <p>Before {@link #answer()}, and after it until the phone leg {@link RtpLeg#canSend() can send} (its first packet
 * proved its address), nothing is sent to the phone; the room's audio is held (bounded, see {@link DownlinkHold})
 * and played from then on, catching up with live in the agent's first pauses.
 *
 * <p>Attaching: media knows neither SIP nor LiveKit. The room side attaches an uplink {@link AudioWriter} (8 kHz)
 * and downlink {@link FrameSource}s; observers (level meter, voicemail detector, recorder) go on the uplink tap, and
 * observers of what the caller hears (recorder) on the downlink tap.
 * The owner registers this object on its loop's tick ({@code MediaEngine.register}) and unregisters it at the end.
 *
 * <p>Failure: a stage that throws ends this call's media, not the tick: the failure is logged once as one line
 * with the call id and handed to the owner's handler, and the media stops.
 *
 * <p>Threading: loop-confined, every method on {@link #eventLoop()}. Allocation: none per tick.
 */
public final class CallMedia implements MediaTick, CallAudio {
    /** Room audio held before the answer: 3 s. */
    public static final int DEFAULT_HOLD_FRAMES = 150;
    private static final int N = AudioFrames.SAMPLES_8K;
    private static final System.Logger LOG = System.getLogger("media");

    private final String callId;
    private final EventLoop loop;
    private final RtpLeg phone;
    private final Mixer mixer = new Mixer();
    private final DownlinkHold hold;
    private final UplinkSlot uplink = new UplinkSlot();
    private final TapWriter tap = new TapWriter(uplink);
    private final TapWriter downTap;
    private final Consumer<String> onFailure;
    private final short[] up = new short[N];
    private final short[] mixed = new short[N];
    private final short[] out = new short[N];
    private final short[] instead = new short[N];
    private FrameSource override;
    private G711 expectedCodec = G711.PCMU;
    private boolean answered;
    private boolean failed;
    private long ticks;
    private long uplinkFrames;
    private long downlinkFrames;
    private long downlinkAudio;

    /**
     * @param onFailure told once, with a one-line reason, when a stage fails and the call's media stops
     */
    public CallMedia(String callId, EventLoop loop, RtpLeg phone, int holdFrames, Consumer<String> onFailure) {
        this.callId = callId;
        this.loop = loop;
        this.phone = phone;
        this.hold = new DownlinkHold(holdFrames);
        this.onFailure = onFailure;
        this.downTap = new TapWriter(new PhoneSlot(phone));
    }

    @Override
    public EventLoop eventLoop() {
        return loop;
    }

    /** Where the caller's audio goes (the room's publisher); null detaches. 8 kHz. */
    @Override
    public void attachUplink(AudioWriter sink) {
        if (sink != null && sink.sampleRate() != 8000) {
            throw new IllegalArgumentException("uplink sink " + sink + " takes " + sink.sampleRate() + " Hz, need 8000");
        }
        uplink.sink = sink;
    }

    /** Adds an observer of the caller's audio (level meter, voicemail detector, recorder). */
    @Override
    public void addTap(AudioWriter observer) {
        tap.add(observer);
    }

    @Override
    public boolean removeTap(AudioWriter observer) {
        return tap.remove(observer);
    }

    @Override
    public void addDownlinkTap(AudioWriter observer) {
        downTap.add(observer);
    }

    @Override
    public boolean removeDownlinkTap(AudioWriter observer) {
        return downTap.remove(observer);
    }

    /** Adds a source of audio for the caller (the room's mix, a local agent). False when the mixer is full. */
    @Override
    public boolean attachDownlink(FrameSource source) {
        return mixer.add(source);
    }

    @Override
    public void detachDownlink(FrameSource source) {
        mixer.remove(source);
    }

    /**
     * The law negotiated with the phone before its RTP opens (inbound: from the INVITE's offer, known while it
     * rings); {@link #phoneCodec()} reports it until the leg has its own. Null keeps PCMU.
     */
    public void expectPhoneCodec(G711 law) {
        expectedCodec = law == null ? G711.PCMU : law;
    }

    @Override
    public G711 phoneCodec() {
        G711 c = phone.codec();
        return c != null ? c : expectedCodec;
    }

    /**
     * While set, a frame {@code source} reports as audio replaces the mix towards the phone (ringback while a
     * transfer rings: the caller hears ringing, not the agent); the mix is still read, so its sources keep time.
     * When the source reports no audio the mix plays. Null removes it.
     */
    public void playInstead(FrameSource source) {
        override = source;
    }

    /** The call is answered: from the next tick on, audio goes to the phone, held audio first. */
    public void answer() {
        answered = true;
    }

    public boolean answered() {
        return answered;
    }

    /**
     * The whole pipeline, both directions, as one line for the call's log and {@code /calls}, e.g.
     * {@code phone PCMU/8000 -> jitter(20..100ms) -> g711(PCMU) -> tap[level,record] -> opus(8k,cx3) -> rtp -> srtp |
     * mix(room) -> hold(3000ms) -> tap[record] -> g711(PCMU) -> rtp -> udp}.
     */
    public String pipeline() {
        return phone.receivePath() + " -> " + tap + " | " + mixer + " -> " + hold + " -> " + downTap;
    }

    // ---- the tick ----

    /** Downlink, in the pace phase: mix what is due now and send it to the phone in this same tick. */
    @Override
    public void pace(long nowNanos) {
        if (failed) {
            return;
        }
        try {
            boolean audio = mixer.read(nowNanos, mixed, 0);
            if (override != null && override.read(nowNanos, instead, 0)) {
                System.arraycopy(instead, 0, mixed, 0, N);
                audio = true;
            }
            if (!answered || !phone.canSend()) { // the phone has not sent yet: we do not know where it is
                hold.hold(mixed, 0);
                return;
            }
            hold.next(mixed, 0, out, 0);
            downTap.write(out, 0, N); // its observers, then the phone

            downlinkFrames++;
            if (audio) {
                downlinkAudio++;
            }
        } catch (RuntimeException e) {
            fail("downlink", e);
        }
    }

    /** Uplink and timers, in the work phase: the caller's play-out through the taps into the uplink sink. */
    @Override
    public void tick(long nowNanos) {
        if (failed) {
            return;
        }
        ticks++;
        try {
            phone.playOut(nowNanos, up, 0);
            tap.write(up, 0, N);
            if (uplink.sink != null) {
                uplinkFrames++;
            }
            phone.housekeeping(nowNanos);
        } catch (RuntimeException e) {
            fail("uplink", e);
        }
    }

    private void fail(String direction, RuntimeException e) {
        failed = true;
        String reason = direction + " media failed: " + e;
        LOG.log(System.Logger.Level.WARNING, "[" + callId + "] " + reason);
        onFailure.accept(reason);
    }

    /** True once a stage failed: the media has stopped. */
    public boolean failed() {
        return failed;
    }

    public CallMediaStats stats() {
        return new CallMediaStats(ticks, uplinkFrames, downlinkFrames, downlinkAudio, hold.held(), hold.overflowed(),
                hold.droppedSilent(), hold.backlogFrames(), hold.maxBacklogFrames());
    }

    /** Closes the attached uplink chain and both taps' observers (the room side closes its sources itself). */
    public void close() {
        tap.close();
        downTap.close();
    }

    @Override
    public String toString() {
        return "call " + callId + " media";
    }

    /** The end of the downlink tap: this tick's frame to the phone. Prints as the phone's send chain. */
    private static final class PhoneSlot implements AudioWriter {
        private final RtpLeg phone;

        PhoneSlot(RtpLeg phone) {
            this.phone = phone;
        }

        @Override
        public int sampleRate() {
            return 8000;
        }

        @Override
        public void write(short[] pcm, int off, int len) { // no stage timing: the leg keeps its own counters
            phone.send(pcm, off, len);
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return phone.sendPath();
        }
    }

    /** The end of the uplink tap: the attached sink, or nowhere. */
    private static final class UplinkSlot extends AudioStage {
        private AudioWriter sink;

        UplinkSlot() {
            super("uplink", 8000, null);
        }

        @Override
        protected void process(short[] pcm, int off, int len) {
            if (sink != null) {
                sink.write(pcm, off, len);
            }
        }

        @Override
        protected void release() {
            if (sink != null) {
                sink.close();
            }
        }

        @Override
        public String toString() {
            return sink == null ? "(no uplink)" : sink.toString();
        }
    }
}
