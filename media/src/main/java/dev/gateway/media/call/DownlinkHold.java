package dev.gateway.media.call;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.AudioLevel;
import dev.gateway.media.audio.PcmRing;

/**
 * The room's audio that arrives before the call is answered, held so that the caller hears an eager agent's
 * greeting from its first syllable, then drained back to live.
 *
 * <p><b>Before the answer</b> ({@link #hold}) frames are kept up to {@code maxFrames} (3 s by default; beyond
 * that the oldest go). Silent frames before the first voiced one are not kept: a track that sends silence while
 * the phone rings adds no delay.
 *
 * <p><b>After the answer</b> ({@link #next}) the live frame joins the back of the queue and the head is played,
 * so nothing is lost, but the caller is behind live by the backlog. To shrink it, while a backlog remains every
 * pause is cut short: of each run of silent frames (level below {@link AudioLevel#VOICE_THRESHOLD}, -50 dBov) the
 * first {@value #KEEP_SILENT_FRAMES} (60 ms, enough to keep words apart) are played and the rest are dropped. The
 * delay therefore melts within the agent's first pauses; speech itself is never dropped or sped up. Once the queue
 * is empty, live frames pass straight through (no added delay, no copy beyond one frame).
 *
 * <p>Loop-confined; allocates nothing after construction.
 */
final class DownlinkHold {
    static final int KEEP_SILENT_FRAMES = 3;
    private static final int N = AudioFrames.SAMPLES_8K;

    private final PcmRing ring;
    private final int maxFrames;
    private final short[] head = new short[N];
    private int silentRun;
    private long held;
    private long overflowed;
    private long droppedSilent;
    private int maxBacklog;

    DownlinkHold(int maxFrames) {
        this.maxFrames = maxFrames;
        this.ring = new PcmRing(maxFrames * N + N);
    }

    /** Before the answer: keeps one frame (voiced, or any frame once something voiced is held). */
    void hold(short[] frame, int off) {
        if (ring.size() == 0 && !AudioLevel.isVoice(AudioLevel.of(frame, off, N))) {
            return;
        }
        if (ring.size() >= maxFrames * N) {
            ring.skip(N);
            overflowed++;
        }
        ring.write(frame, off, N);
        held++;
        maxBacklog = Math.max(maxBacklog, backlogFrames());
    }

    /** After the answer: the frame to play now, into {@code out[off..]}, given this tick's live frame. */
    void next(short[] live, int liveOff, short[] out, int off) {
        if (ring.size() == 0) {
            System.arraycopy(live, liveOff, out, off, N);
            return;
        }
        ring.write(live, liveOff, N);
        while (true) {
            ring.read(head, 0, N);
            boolean silent = !AudioLevel.isVoice(AudioLevel.of(head, 0, N));
            silentRun = silent ? silentRun + 1 : 0;
            if (!silent || silentRun <= KEEP_SILENT_FRAMES || ring.size() == 0) {
                break;
            }
            droppedSilent++;
        }
        System.arraycopy(head, 0, out, off, N);
    }

    /** Frames queued now (behind live by this many ticks). */
    int backlogFrames() {
        return ring.size() / N;
    }

    long held() {
        return held;
    }

    long overflowed() {
        return overflowed;
    }

    long droppedSilent() {
        return droppedSilent;
    }

    int maxBacklogFrames() {
        return maxBacklog;
    }

    @Override
    public String toString() {
        return "hold(" + maxFrames * AudioFrames.FRAME_MS + "ms)";
    }
}
