package dev.gateway.media.record;

import io.netty.channel.EventLoop;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The gateway's call recorder: hands out {@link CallRecording}s and owns the writer threads that turn their frames
 * into files under one directory, in one {@link RecordingFormat}. One per gateway.
 *
 * <p>Bounded: at most {@code maxRecordings} in flight (a {@link #start} past that returns a recording that records
 * nothing and reports itself incomplete, "too many recordings"); each recording's ring holds {@code queueFrames}
 * frames (20 ms each) between its call's loop and its writer; {@code writerThreads} threads write all files. A writer
 * that falls behind (slow disk, busy CPU) makes the loop drop frames, counted in {@link #framesDropped()}, never
 * wait.
 *
 * <p>Files: {@code .<name>.part} while written, fsync'd, then renamed atomically to {@code <name>.<ext>};
 * {@code <name>} is {@link #safeName} of the call id, with {@code -2}, {@code -3}, ... appended when taken (a call
 * recorded twice, a name already on disk).
 *
 * <p>Threads: none until the first {@link #start}, which starts the writers (daemon threads
 * {@code recording-writer-N}); {@link #close()} stops them. Thread-safe.
 */
public final class RecordingService implements AutoCloseable {
    /** Recordings in flight at most, with the four-argument constructor. */
    public static final int DEFAULT_MAX_RECORDINGS = 256;
    /** How long {@link #close()} waits for the writers to finish their files. */
    static final long CLOSE_WAIT_MS = 5_000;
    private static final int MAX_NAME = 120;
    private static final System.Logger LOG = System.getLogger("media");

    private final Path dir;
    private final RecordingFormat format;
    private final int queueFrames;
    private final int maxRecordings;
    private final RecordingWorker[] workers;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger active = new AtomicInteger();
    private final Set<String> namesInUse = ConcurrentHashMap.newKeySet();
    private final LongAdder framesDropped = new LongAdder();
    private final LongAdder incomplete = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private volatile boolean closed;
    /** How a writer creates a {@code .part} file; tests substitute one that fails like a full disk. */
    private volatile PartOpener opener = part -> FileChannel.open(part, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE);

    /** Creates a new {@code .part} file for writing; throws FileAlreadyExistsException when it exists. */
    @FunctionalInterface
    interface PartOpener {
        FileChannel open(Path part) throws IOException;
    }

    public RecordingService(Path dir, RecordingFormat format, int writerThreads, int queueFrames) {
        this(dir, format, writerThreads, queueFrames, DEFAULT_MAX_RECORDINGS);
    }

    /**
     * @param dir           where files go; must exist (checked by the writers: a missing or read-only directory
     *                      makes each recording fail, not the gateway)
     * @param writerThreads 1..64
     * @param queueFrames   frames each recording's ring holds, 2..30000 (e.g. 100 = 2 s: a writer may stall that
     *                      long before frames are dropped); costs 640 bytes per frame per recording
     * @param maxRecordings recordings in flight at most, >= 1
     */
    public RecordingService(Path dir, RecordingFormat format, int writerThreads, int queueFrames, int maxRecordings) {
        if (dir == null || format == null) {
            throw new IllegalArgumentException("dir and format are required");
        }
        if (writerThreads < 1 || writerThreads > 64) {
            throw new IllegalArgumentException("writerThreads must be 1..64, got " + writerThreads);
        }
        if (queueFrames < 2 || queueFrames > 30_000) {
            throw new IllegalArgumentException("queueFrames must be 2..30000, got " + queueFrames);
        }
        if (maxRecordings < 1) {
            throw new IllegalArgumentException("maxRecordings must be >= 1, got " + maxRecordings);
        }
        this.dir = dir;
        this.format = format;
        this.queueFrames = queueFrames;
        this.maxRecordings = maxRecordings;
        this.workers = new RecordingWorker[writerThreads];
        for (int i = 0; i < writerThreads; i++) {
            workers[i] = new RecordingWorker();
        }
    }

    /**
     * Starts recording a call. Called on the call's event loop: it allocates the recording's ring and queues it to
     * a writer (no I/O; the writer creates the file). Never throws for a full service or a closed one: the
     * recording returned then records nothing and its result says why.
     */
    public CallRecording start(String callId, EventLoop loop) {
        if (closed) {
            incomplete.increment();
            return CallRecording.refused(callId, loop, format, "recording service closed");
        }
        int now;
        do {
            now = active.get();
            if (now >= maxRecordings) {
                incomplete.increment();
                LOG.log(System.Logger.Level.WARNING, "[" + callId + "] recording refused: too many recordings ("
                        + maxRecordings + " in flight)");
                return CallRecording.refused(callId, loop, format, "too many recordings (" + maxRecordings
                        + " in flight)");
            }
        } while (!active.compareAndSet(now, now + 1));
        startWriters();
        CallRecording recording = new CallRecording(callId, loop, format, queueFrames, framesDropped::increment);
        workers[Math.floorMod(next.getAndIncrement(), workers.length)].add(new RecordingJob(recording, this));
        return recording;
    }

    private void startWriters() {
        if (started.compareAndSet(false, true)) {
            for (int i = 0; i < workers.length; i++) {
                workers[i].start("recording-writer-" + i);
            }
        }
    }

    /** Frames the loops dropped because a writer was behind (each written back as silence). */
    public long framesDropped() {
        return framesDropped.sum();
    }

    /** Recordings that ended incomplete: dropped frames, I/O errors, refused at start. */
    public long recordingsIncomplete() {
        return incomplete.sum();
    }

    /** Recordings ended by an I/O error (file not created, disk full), a subset of the incomplete ones. */
    public long recordingsFailed() {
        return failed.sum();
    }

    /** Recordings started and not yet finished. */
    public int active() {
        return active.get();
    }

    public Path directory() {
        return dir;
    }

    public RecordingFormat format() {
        return format;
    }

    /**
     * Stops every recording and waits (at most {@value #CLOSE_WAIT_MS} ms) for the writers to finish, sync and rename
     * their files; files still open then are ended as incomplete. Later {@link #start}s record nothing. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RecordingWorker w : workers) {
            w.close();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
        boolean late = !joinAll(deadline);
        if (late) {
            for (RecordingWorker w : workers) {
                w.abandon("recording service closed before the file was finished");
            }
            joinAll(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        }
        for (RecordingWorker w : workers) {
            w.drainInbox(job -> {
                job.abandon("recording service closed");
            });
        }
    }

    private boolean joinAll(long deadlineNanos) {
        for (RecordingWorker w : workers) {
            Thread t = w.thread();
            if (t == null) {
                continue;
            }
            long left = deadlineNanos - System.nanoTime();
            try {
                if (left > 0) {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A file name from a call id: only {@code [A-Za-z0-9._-]} kept (anything else becomes {@code _}), no leading dot,
     * at most {@value #MAX_NAME} characters, never empty. {@code "../x"} gives {@code "___x"}, {@code "a/b"}
     * gives {@code "a_b"}.
     */
    public static String safeName(String callId) {
        String id = callId == null ? "" : callId;
        StringBuilder s = new StringBuilder(Math.min(id.length(), MAX_NAME));
        for (int i = 0; i < id.length() && s.length() < MAX_NAME; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            s.append(ok ? c : '_');
        }
        for (int i = 0; i < s.length() && s.charAt(i) == '.'; i++) {
            s.setCharAt(i, '_');
        }
        return s.isEmpty() ? "call" : s.toString();
    }

    // ---- for the writers ----

    void openWith(PartOpener opener) {
        this.opener = opener;
    }

    FileChannel openPart(Path part) throws IOException {
        return opener.open(part);
    }

    boolean reserve(String name) {
        return namesInUse.add(name);
    }

    void unreserve(String name) {
        namesInUse.remove(name);
    }

    /** After a rename: the directory entry itself is made durable (best effort). */
    void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    void ended(RecordingResult result, boolean ioFailure) {
        active.decrementAndGet();
        if (result.incomplete()) {
            incomplete.increment();
        }
        if (ioFailure) {
            failed.increment();
        }
    }

    @Override
    public String toString() {
        return "recorder(" + format.extension() + ", " + dir + ", " + workers.length + " writers, " + active()
                + " active)";
    }
}
