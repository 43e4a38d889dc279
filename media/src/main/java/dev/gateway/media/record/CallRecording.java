package dev.gateway.media.record;

import dev.gateway.media.audio.AudioStage;
import dev.gateway.media.audio.AudioWriter;
import io.netty.channel.EventLoop;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * One call's recording, as the call's event loop sees it: two taps that copy each tick's audio into the
 * recording's {@link RecordingRing}, and pause/resume/stop. A writer thread of the {@link RecordingService} drains
 * the ring, encodes and writes the file; nothing here blocks, locks or allocates per frame.
 *
 * <p>Alignment: the media tick runs the downlink ({@code CallMedia.pace}) before the uplink ({@code tick}) every
 * 20 ms. The {@link #downlinkTap()} copies the frame sent to the phone into the right half of the slot being
 * filled; the {@link #uplinkTap()} copies the caller's frame into its left half and publishes it: one stereo frame
 * per tick, the right half silent when nothing was sent to the phone that tick. While {@link #paused()} both
 * halves are zeros (no audio, no tone of any kind) and the file keeps the call's timeline. A frame that finds the
 * ring full is dropped and counted; the writer writes silence in its place and marks the recording incomplete.
 *
 * <p>Ending: {@link #stop()} (or closing either tap, which the call's media does when it closes) ends the
 * recording; the writer finishes the file off the loop and completes {@link #result()}. An I/O error on the writer
 * side (disk full) ends the recording as incomplete; the taps then write nothing, and the call goes on.
 *
 * <p>Threading: created by {@link RecordingService#start} and driven on the call's event loop (taps, pause, resume,
 * stop). {@link #pause()}, {@link #resume()} and {@link #stop()} are also safe from another thread (volatile
 * flags), at the price of one frame's exactness. {@link #result()} completes on a writer thread: dependants must
 * not block it.
 */
public final class CallRecording {
    private static final int N = RecordingRing.N;

    private final String callId;
    private final EventLoop loop;
    private final RecordingFormat format;
    /** Null for a recording that was refused at start (its result is already complete). */
    private final RecordingRing ring;
    private final Runnable onDrop;
    private final CompletableFuture<RecordingResult> result = new CompletableFuture<>();
    private final Tap uplink = new Tap(true);
    private final Tap downlink = new Tap(false);

    // loop side
    private boolean rightPending;
    private int pendingGap;
    private volatile boolean paused;
    /** Frames written as silence because paused; written by the loop, read by the writer after it sees a stop. */
    private volatile long pausedFrames;
    /** Frames dropped after the last published one; set by stop, read by the writer. */
    private volatile int trailingGap;
    private volatile boolean stopRequested;
    /** Set by the writer when the file is finished or failed: the taps stop copying. */
    private volatile boolean writerDone;

    CallRecording(String callId, EventLoop loop, RecordingFormat format, int ringFrames, Runnable onDrop) {
        this.callId = callId;
        this.loop = loop;
        this.format = format;
        this.ring = new RecordingRing(ringFrames);
        this.onDrop = onDrop;
    }

    /** A recording that records nothing: its result is incomplete with {@code problem} from the start. */
    private CallRecording(String callId, EventLoop loop, RecordingFormat format, String problem) {
        this.callId = callId;
        this.loop = loop;
        this.format = format;
        this.ring = null;
        this.onDrop = () -> { };
        this.stopRequested = true;
        this.writerDone = true;
        result.complete(new RecordingResult(null, format, 0, 0, true, problem));
    }

    static CallRecording refused(String callId, EventLoop loop, RecordingFormat format, String problem) {
        return new CallRecording(callId, loop, format, problem);
    }

    /** Left channel: attach with {@code CallAudio.addTap} (the caller as received). 8 kHz. */
    public AudioWriter uplinkTap() {
        return uplink;
    }

    /** Right channel: attach with {@code CallAudio.addDownlinkTap} (what the caller hears). 8 kHz. */
    public AudioWriter downlinkTap() {
        return downlink;
    }

    /** From the next frame on, silence is written in place of both sides, until {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    public boolean paused() {
        return paused;
    }

    /**
     * Ends the recording: no frame after this one is kept. Idempotent. The future completes, on a writer thread,
     * once the file is finished, synced and renamed to its final name (or at once for a refused recording).
     */
    public CompletableFuture<RecordingResult> stop() {
        if (!stopRequested) {
            trailingGap = pendingGap;
            stopRequested = true;
        }
        return result;
    }

    /** How the recording ended; completes when it ends (stop, I/O failure, service closed). Does not stop it. */
    public CompletableFuture<RecordingResult> result() {
        return result;
    }

    public String callId() {
        return callId;
    }

    public EventLoop eventLoop() {
        return loop;
    }

    public RecordingFormat format() {
        return format;
    }

    @Override
    public String toString() {
        return "recording(" + callId + ", " + format.extension() + (paused ? ", paused" : "") + ")";
    }

    // ---- for the writer ----

    RecordingRing ring() {
        return ring;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    int trailingGap() {
        return trailingGap;
    }

    long pausedFrames() {
        return pausedFrames;
    }

    /** The writer is done with this recording (finished or failed): the taps stop copying. */
    void writerDone() {
        writerDone = true;
    }

    CompletableFuture<RecordingResult> completion() {
        return result;
    }

    // ---- the loop's side ----

    private boolean recording() {
        return !stopRequested && !writerDone;
    }

    /** Pace phase: the frame sent to the phone goes into the right half of the slot being filled. */
    private void downlinkFrame(short[] pcm, int off, int len) {
        if (!recording() || paused || ring.full()) {
            return;
        }
        short[] s = ring.samples();
        int o = ring.writeSlot() + N;
        int n = Math.min(len, N);
        System.arraycopy(pcm, off, s, o, n);
        if (n < N) {
            Arrays.fill(s, o + n, o + N, (short) 0);
        }
        rightPending = true;
    }

    /** Work phase: the caller's frame goes into the left half, and the stereo frame is published. */
    private void uplinkFrame(short[] pcm, int off, int len) {
        if (!recording()) {
            return;
        }
        if (ring.full()) {
            rightPending = false;
            pendingGap++;
            onDrop.run();
            return;
        }
        short[] s = ring.samples();
        int o = ring.writeSlot();
        if (paused) {
            Arrays.fill(s, o, o + 2 * N, (short) 0);
            pausedFrames = pausedFrames + 1;
        } else {
            int n = Math.min(len, N);
            System.arraycopy(pcm, off, s, o, n);
            if (n < N) {
                Arrays.fill(s, o + n, o + N, (short) 0);
            }
            if (!rightPending) {
                Arrays.fill(s, o + N, o + 2 * N, (short) 0);
            }
        }
        rightPending = false;
        ring.publish(pendingGap);
        pendingGap = 0;
    }

    /** Either side's tap; closing it (the call's media closing) stops the recording. */
    private final class Tap extends AudioStage {
        private final boolean left;

        Tap(boolean left) {
            super("record", 8000, null);
            this.left = left;
        }

        @Override
        protected void process(short[] pcm, int off, int len) {
            if (ring == null) {
                return;
            }
            if (left) {
                uplinkFrame(pcm, off, len);
            } else {
                downlinkFrame(pcm, off, len);
            }
        }

        @Override
        protected void release() {
            stop();
        }

        @Override
        public String toString() {
            return "record(" + (left ? "left" : "right") + ")";
        }
    }
}
