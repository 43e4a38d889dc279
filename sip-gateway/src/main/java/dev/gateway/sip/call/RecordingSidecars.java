package dev.gateway.sip.call;

import dev.gateway.media.record.RecordingService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes recordings' JSON sidecars off the media loops, on one thread with a bounded queue. A sidecar's space is
 * reserved when its recording starts (a hidden file of {@link #RESERVE} bytes), so a disk that fills up during the
 * call still takes the sidecar that says the recording is incomplete: the final text overwrites the reserved bytes,
 * is synced, and the file is renamed to its name atomically.
 *
 * <p>Thread-safe. A full queue or a failing disk loses that sidecar (logged by the caller), never blocks a loop.
 */
final class RecordingSidecars {
    static final int RESERVE = 8192;
    private static final ThreadPoolExecutor WRITER = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(1024), r -> {
                Thread t = new Thread(r, "recording-sidecars");
                t.setDaemon(true);
                return t;
            });

    static {
        WRITER.allowCoreThreadTimeOut(true);
    }

    private RecordingSidecars() {
    }

    /** Runs {@code task} on the sidecar thread; false when its queue is full. */
    static boolean submit(Runnable task) {
        try {
            WRITER.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Gives a reservation's space back (sidecar thread); a failure is only logged by the caller's recording. */
    static void release(Path reservation) {
        if (reservation == null) {
            return;
        }
        submit(() -> {
            try {
                Files.deleteIfExists(reservation);
            } catch (IOException ignored) {
                // the disk is gone: the hidden file goes with it
            }
        });
    }

    /**
     * Waits (at most {@code millis}) until the sidecars queued so far are written: at shutdown, after the recorder
     * has finished its recordings, so their sidecars are not lost with the process.
     */
    static void flush(long millis) {
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        if (!submit(() -> done.complete(null))) {
            return;
        }
        try {
            done.get(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // gave it the time it had
        }
    }

    /** The hidden file reserving a sidecar's space in {@code dir} for the recording {@code name}. */
    static Path reservation(Path dir, String name) {
        return dir.resolve(".reserved-" + RecordingService.safeName(name) + ".json");
    }

    /** Reserves the space (sidecar thread). */
    static void reserve(Path reservation) throws IOException {
        Files.createDirectories(reservation.getParent());
        ByteBuffer spaces = ByteBuffer.allocate(RESERVE);
        while (spaces.hasRemaining()) {
            spaces.put((byte) ' ');
        }
        spaces.flip();
        try (FileChannel ch = FileChannel.open(reservation, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (spaces.hasRemaining()) {
                ch.write(spaces);
            }
            ch.force(true);
        }
    }

    /**
     * Writes {@code json} into the reservation (or a new file when there is none), syncs it and renames it to
     * {@code target} (sidecar thread).
     */
    static void publish(Path reservation, Path target, byte[] json) throws IOException {
        Path file = reservation != null && Files.exists(reservation) ? reservation
                : target.resolveSibling("." + target.getFileName() + ".part");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(json);
            while (b.hasRemaining()) {
                ch.write(b, b.position());
            }
            ch.truncate(json.length);
            ch.force(true);
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
