package dev.gateway.agent;

import dev.gateway.media.call.CallMedia;
import dev.gateway.media.call.RtpLeg;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A phone leg for agent tests: a real {@link CallMedia} over a fake {@link RtpLeg}. {@link #tick} runs one 20 ms
 * tick as the engine does (pace phase, then work phase) with the caller saying the given frame; what the call sends
 * to the phone is recorded. Not thread-safe; tests drive it from one thread.
 */
public final class FakePhone implements RtpLeg {
    public static final int FRAME = 160;
    private static final long TICK_NANOS = 20_000_000L;

    public final CallMedia media;
    /** Every frame sent to the phone, copied, in order. */
    public final List<short[]> sent = new ArrayList<>();
    private short[] next;
    private long now = 1_000_000_000L;

    public FakePhone(String callId) {
        this.media = new CallMedia(callId, null, this, CallMedia.DEFAULT_HOLD_FRAMES, reason -> {
            throw new AssertionError("media failed: " + reason);
        });
    }

    /** One tick in which the caller says {@code callerFrame} (null: silence). */
    public void tick(short[] callerFrame) {
        next = callerFrame;
        media.pace(now);
        media.tick(now);
        now += TICK_NANOS;
    }

    @Override
    public boolean playOut(long nowNanos, short[] out, int off) {
        if (next == null) {
            Arrays.fill(out, off, off + FRAME, (short) 0);
            return false;
        }
        System.arraycopy(next, 0, out, off, FRAME);
        return true;
    }

    @Override
    public void send(short[] pcm, int off, int count) {
        sent.add(Arrays.copyOfRange(pcm, off, off + count));
    }

    @Override
    public void housekeeping(long nowNanos) {
    }

    @Override
    public String receivePath() {
        return "phone PCMU/8000";
    }

    @Override
    public String sendPath() {
        return "g711(PCMU) -> rtp";
    }
}
