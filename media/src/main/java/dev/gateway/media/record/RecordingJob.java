package dev.gateway.media.record;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The writer's side of one {@link CallRecording}: opens {@code .<name>.part}, drains the ring into the
 * {@link RecordingFile}, and at the end finishes, syncs and renames it to {@code <name>.<ext>}. Every failure (the
 * file cannot be created, a write fails because the disk is full) ends this recording as incomplete and nothing
 * else; an incomplete file is still renamed, partial audio being better than none.
 *
 * <p>Confined to its writer thread.
 */
final class RecordingJob {
    private static final System.Logger LOG = System.getLogger("media");
    private static final int FRAME_MS = 20;

    private final CallRecording recording;
    private final RecordingService service;
    private String name;
    private Path part;
    private FileChannel channel;
    private RecordingFile file;
    private long frames;
    private long gapFrames;
    private boolean done;

    RecordingJob(CallRecording recording, RecordingService service) {
        this.recording = recording;
        this.service = service;
    }

    CallRecording recording() {
        return recording;
    }

    /**
     * Writes what the loop has published; finishes the file once the recording is stopped and drained.
     *
     * @param stereo the writer's scratch frame, 320 values
     * @return true when this recording is over (finished or failed)
     */
    private boolean fileFinished;

    boolean pass(short[] stereo) {
        if (done) {
            return true;
        }
        try {
            if (file == null) {
                open();
            }
            boolean stop = recording.stopRequested(); // read before the index: every frame published before the stop
            RecordingRing ring = recording.ring();
            long until = ring.published();
            while (ring.consumed() < until) {
                silence(ring.readGap(), stereo);
                short[] s = ring.samples();
                int o = ring.readSlot();
                for (int i = 0; i < RecordingRing.N; i++) {
                    stereo[2 * i] = s[o + i];
                    stereo[2 * i + 1] = s[o + RecordingRing.N + i];
                }
                ring.release();
                file.write(stereo);
                frames++;
            }
            if (stop) {
                silence(recording.trailingGap(), stereo);
                finish();
            }
        } catch (IOException | RuntimeException | Error e) { // an Error too: the result must complete, the writer live on
            fail(e);
        }
        return done;
    }

    /** The service is closing and cannot wait longer: ends the file with what it has. */
    void abandon(String why) {
        if (!done) {
            fail(new IOException(why));
        }
    }

    private void silence(int count, short[] stereo) throws IOException {
        if (count == 0) {
            return;
        }
        java.util.Arrays.fill(stereo, (short) 0);
        for (int i = 0; i < count; i++) {
            file.write(stereo);
            frames++;
        }
        gapFrames += count;
    }

    private void open() throws IOException {
        String base = RecordingService.safeName(recording.callId());
        String ext = service.format().extension();
        Path dir = service.directory();
        Files.createDirectories(dir); // created on first use, off the loop; a path that cannot be one fails here
        for (int n = 1; file == null; n++) {
            if (n > 1000) {
                throw new IOException("no free file name for " + base + " in " + dir);
            }
            String candidate = n == 1 ? base : base + "-" + n;
            if (!service.reserve(candidate)) {
                continue;
            }
            Path p = dir.resolve("." + candidate + ".part");
            if (Files.exists(dir.resolve(candidate + "." + ext))) {
                service.unreserve(candidate);
                continue;
            }
            try {
                channel = service.openPart(p);
            } catch (FileAlreadyExistsException e) {
                service.unreserve(candidate);
                continue;
            } catch (IOException e) {
                service.unreserve(candidate);
                throw e;
            }
            name = candidate;
            part = p;
            file = RecordingFile.of(service.format(), channel);
        }
        file.begin();
        LOG.log(System.Logger.Level.INFO, "[" + recording.callId() + "] recording to "
                + dir.resolve(name + "." + ext) + " (" + file + ")");
    }

    private void finish() throws IOException {
        file.finish();
        channel.force(true);
        channel.close();
        file.release();
        fileFinished = true;
        Path target = rename();
        String problem = gapFrames > 0 ? gapFrames + " frames dropped (writer behind)" : null;
        end(target, problem, false);
    }

    private void fail(Throwable e) {
        String problem = (file == null ? "cannot create the file: " : "write failed: ") + e;
        Path target = null;
        if (file != null && !fileFinished) { // a rename that failed after finish() has nothing more to finish
            try {
                file.finish(); // best effort: a WAV header's sizes, the last Ogg page
            } catch (IOException | RuntimeException ignored) {
                // the disk is full or gone; what reached it stays
            }
            file.release();
        }
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing after a failed write; nothing more to lose
            }
            try {
                target = rename();
            } catch (IOException renameFailed) {
                problem += "; rename failed: " + renameFailed;
            }
        }
        end(target, problem, true);
    }

    private Path rename() throws IOException {
        Path target = service.directory().resolve(name + "." + service.format().extension());
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, target);
        }
        service.syncDirectory();
        return target;
    }

    private void end(Path target, String problem, boolean failed) {
        done = true;
        recording.writerDone();
        if (name != null) {
            service.unreserve(name);
        }
        RecordingResult result = new RecordingResult(target, service.format(), frames * FRAME_MS,
                recording.pausedFrames() * FRAME_MS, problem != null, problem);
        service.ended(result, failed);
        LOG.log(failed ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "[" + recording.callId()
                + "] recording ended: " + (target == null ? "no file" : target.getFileName()) + ", "
                + result.durationMs() + " ms, paused " + result.pausedMs() + " ms"
                + (problem == null ? "" : ", incomplete: " + problem));
        recording.completion().complete(result);
    }
}
