package dev.gateway.media.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.testing.Goertzel;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole recordings through the service: frames written on a real event loop the way CallMedia drives the taps
 * (downlink in the pace phase, then uplink), files read back (Ogg/Opus decoded by ffmpeg, WAV parsed here) and
 * checked by content: two channels, the right length, the caller's tone on the left and the agent's on the right,
 * silence where paused; failures end the recording, never the loop.
 */
class RecordingServiceTest {
    private static final int N = 160;
    private static final int LEFT_HZ = 440;
    private static final int RIGHT_HZ = 1000;
    private static final int AMPLITUDE = 8000;
    private static EventLoop loop;

    @TempDir
    Path dir;

    @BeforeAll
    static void startLoop() {
        loop = new DefaultEventLoop();
    }

    @AfterAll
    static void stopLoop() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    /** Drives {@code frames} ticks on the loop: right (if {@code sendsRight}) then left; pauses where told. */
    private static RecordingResult record(CallRecording rec, int frames, IntPredicate pausedAt,
                                          IntPredicate sendsRight) throws Exception {
        return loop.submit(() -> {
            short[] left = new short[N];
            short[] right = new short[N];
            for (int t = 0; t < frames; t++) {
                if (pausedAt.test(t)) {
                    rec.pause();
                } else {
                    rec.resume();
                }
                tone(left, t, LEFT_HZ);
                tone(right, t, RIGHT_HZ);
                if (sendsRight.test(t)) {
                    rec.downlinkTap().write(right, 0, N);
                }
                rec.uplinkTap().write(left, 0, N);
            }
            return rec.stop();
        }).get().get(20, TimeUnit.SECONDS);
    }

    private static void tone(short[] frame, int tick, int hz) {
        for (int i = 0; i < N; i++) {
            long n = (long) tick * N + i;
            frame[i] = (short) Math.round(AMPLITUDE * Math.sin(2 * Math.PI * hz * n / 8000.0));
        }
    }

    /** Interleaved stereo s16 at 8 kHz: ffmpeg's decode of an Ogg file, the data chunk of a WAV file. */
    private static short[] decode(Path file, RecordingFormat format) throws Exception {
        byte[] bytes;
        if (format == RecordingFormat.WAV) {
            byte[] all = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(all.length - 8, b.getInt(4), "RIFF size");
            assertEquals(2, b.getShort(22), "channels");
            assertEquals(8000, b.getInt(24), "rate");
            assertEquals(all.length - 44, b.getInt(40), "data size");
            bytes = java.util.Arrays.copyOfRange(all, 44, all.length);
        } else {
            Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-i", file.toString(), "-f", "s16le", "-ac", "2",
                    "-ar", "8000", "-").redirectError(ProcessBuilder.Redirect.INHERIT).start();
            bytes = p.getInputStream().readAllBytes();
            assertEquals(0, p.waitFor(), "ffmpeg exit status");
        }
        short[] pcm = new short[bytes.length / 2];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        return pcm;
    }

    private static short[] channel(short[] stereo, int ch, double fromS, double toS) {
        int from = (int) (fromS * 8000);
        int to = Math.min((int) (toS * 8000), stereo.length / 2);
        short[] out = new short[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = stereo[2 * i + ch];
        }
        return out;
    }

    private static double rms(short[] pcm) {
        double sum = 0;
        for (short s : pcm) {
            sum += (double) s * s;
        }
        return Math.sqrt(sum / pcm.length);
    }

    @ParameterizedTest
    @EnumSource(RecordingFormat.class)
    void twoChannelsOfTheRightLengthWithEachSideOnItsOwn(RecordingFormat format) throws Exception {
        try (RecordingService service = new RecordingService(dir, format, 1, 100)) {
            CallRecording rec = service.start("call-1", loop);
            RecordingResult result = record(rec, 100, t -> false, t -> true);

            assertFalse(result.incomplete(), result.problem());
            assertEquals(dir.resolve("call-1." + format.extension()), result.file());
            assertEquals(2000, result.durationMs());
            assertEquals(0, result.pausedMs());
            assertEquals(format, result.format());
            short[] pcm = decode(result.file(), format);
            assertEquals(2000.0, pcm.length / 2 / 8.0, 40.0, "decoded length, ms");
            short[] left = channel(pcm, 0, 0.2, 1.8);
            short[] right = channel(pcm, 1, 0.2, 1.8);
            double leftOwn = Goertzel.amplitude(left, LEFT_HZ, 8000);
            double rightOwn = Goertzel.amplitude(right, RIGHT_HZ, 8000);
            assertEquals(AMPLITUDE, leftOwn, AMPLITUDE * 0.15, "left: the caller's tone");
            assertEquals(AMPLITUDE, rightOwn, AMPLITUDE * 0.15, "right: what the caller hears");
            assertTrue(Goertzel.amplitude(left, RIGHT_HZ, 8000) < AMPLITUDE * 0.03, "right leaks into left");
            assertTrue(Goertzel.amplitude(right, LEFT_HZ, 8000) < AMPLITUDE * 0.03, "left leaks into right");
            assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().endsWith(".part")), "no .part left");
            assertEquals(0, service.active());
        }
    }

    /** A voiced, speech-like signal: harmonics (below 1.2 kHz) of a gliding pitch under a syllable envelope. */
    private static short[] speech(int samples, double pitchHz, double syllableHz) {
        short[] out = new short[samples];
        double phase = 0;
        for (int n = 0; n < samples; n++) {
            double t = n / 8000.0;
            double f0 = pitchHz * (1 + 0.2 * Math.sin(2 * Math.PI * 0.7 * t));
            phase += 2 * Math.PI * f0 / 8000.0;
            double v = 0;
            for (int h = 1; h * f0 < 1200; h++) {
                v += Math.sin(h * phase) / h;
            }
            double envelope = 0.5 + 0.5 * Math.sin(2 * Math.PI * syllableHz * t);
            out[n] = (short) Math.round(6000 * envelope * v);
        }
        return out;
    }

    private static double correlation(short[] a, short[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    /**
     * Recordings are coded by CELT, which keeps the waveform: on this signal each decoded channel correlates 0.995
     * with its source (SILK, Opus's speech coder, gave 0.82 at the same bitrate), so the bar is 0.95 for the own
     * side and near 0 for the other side.
     */
    @Test
    void speechOnEachSideComesBackOnItsOwnChannel() throws Exception {
        short[] caller = speech(3 * 8000, 120, 3);
        short[] agent = speech(3 * 8000, 210, 4.3);
        try (RecordingService service = new RecordingService(dir, RecordingFormat.OGG_OPUS, 1, 200)) {
            CallRecording rec = service.start("speech", loop);
            RecordingResult result = loop.submit(() -> {
                for (int t = 0; t < 150; t++) {
                    rec.downlinkTap().write(agent, t * N, N);
                    rec.uplinkTap().write(caller, t * N, N);
                }
                return rec.stop();
            }).get().get(20, TimeUnit.SECONDS);
            short[] pcm = decode(result.file(), RecordingFormat.OGG_OPUS);
            short[] left = channel(pcm, 0, 0, 3);
            short[] right = channel(pcm, 1, 0, 3);
            double leftCaller = correlation(left, caller);
            double rightAgent = correlation(right, agent);
            assertTrue(leftCaller >= 0.95, "left vs the caller: " + leftCaller);
            assertTrue(rightAgent >= 0.95, "right vs the agent: " + rightAgent);
            assertTrue(Math.abs(correlation(left, agent)) < 0.1, "left vs the agent: " + correlation(left, agent));
            assertTrue(Math.abs(correlation(right, caller)) < 0.1, "right vs the caller: "
                    + correlation(right, caller));
        }
    }

    @Test
    void oggPagesFollowRfc7845() throws Exception {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.OGG_OPUS, 1, 100)) {
            RecordingResult result = record(service.start("pages", loop), 120, t -> false, t -> true);
            byte[] file = Files.readAllBytes(result.file());
            List<OggPages.Page> pages = OggPages.parse(file);
            OggPages.Page head = pages.get(0);
            assertTrue(head.bos());
            byte[] opusHead = head.packets().get(0);
            assertEquals("OpusHead", new String(opusHead, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(1, opusHead[8], "version");
            assertEquals(2, opusHead[9], "channels");
            int preSkip = OggPages.le16(opusHead, 10);
            assertEquals(120, preSkip, "CELT's lookahead: 2.5 ms = 120 samples at 48 kHz");
            assertEquals(8000, OggPages.le32(opusHead, 12), "input rate");
            assertEquals("OpusTags", new String(pages.get(1).packets().get(0), 0, 8,
                    java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(1, pages.get(1).packets().size());
            OggPages.Page last = pages.get(pages.size() - 1);
            assertTrue(last.eos());
            assertEquals(preSkip + 120 * 960L, last.granule());
            int audioPackets = 0;
            long granule = 0;
            for (int i = 0; i < pages.size(); i++) {
                OggPages.Page p = pages.get(i);
                assertEquals(i, p.sequence());
                assertEquals(p.storedCrc(), OggPages.crcOf(file, p));
                assertEquals(i == 0, p.bos());
                assertEquals(i == pages.size() - 1, p.eos());
                if (i >= 2) {
                    audioPackets += p.packets().size();
                    if (!p.eos()) {
                        assertEquals(960L * audioPackets, p.granule(), "granule of page " + i);
                    }
                    assertTrue(p.granule() >= granule);
                    granule = p.granule();
                }
            }
            assertEquals(121, audioPackets, "one per frame and one that flushes the lookahead");
        }
    }

    @ParameterizedTest
    @EnumSource(RecordingFormat.class)
    void pauseWritesSilenceOfTheSameLength(RecordingFormat format) throws Exception {
        try (RecordingService service = new RecordingService(dir, format, 1, 200)) {
            // 1 s of both tones, 1 s paused, 1 s of both tones
            RecordingResult result = record(service.start("paused", loop), 150, t -> t >= 50 && t < 100, t -> true);
            assertFalse(result.incomplete(), result.problem());
            assertEquals(3000, result.durationMs());
            assertEquals(1000, result.pausedMs());
            short[] pcm = decode(result.file(), format);
            assertEquals(3000.0, pcm.length / 2 / 8.0, 40.0, "decoded length, ms");
            for (int ch = 0; ch < 2; ch++) {
                assertTrue(rms(channel(pcm, ch, 0.1, 0.9)) > AMPLITUDE * 0.5, "audio before the pause, ch " + ch);
                assertTrue(rms(channel(pcm, ch, 1.1, 1.9)) < 30, "silence while paused, ch " + ch + ": "
                        + rms(channel(pcm, ch, 1.1, 1.9)));
                assertTrue(rms(channel(pcm, ch, 2.1, 2.9)) > AMPLITUDE * 0.5, "audio after the pause, ch " + ch);
            }
        }
    }

    @Test
    void nothingSentToThePhoneIsSilenceOnTheRight() throws Exception {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 100)) {
            // the phone hears nothing for the first second (before the answer), then the agent
            RecordingResult result = record(service.start("early", loop), 100, t -> false, t -> t >= 50);
            short[] pcm = decode(result.file(), RecordingFormat.WAV);
            assertEquals(0.0, rms(channel(pcm, 1, 0, 1.0)));
            assertEquals(AMPLITUDE, Goertzel.amplitude(channel(pcm, 1, 1.0, 2.0), RIGHT_HZ, 8000), 1.0);
            assertEquals(AMPLITUDE, Goertzel.amplitude(channel(pcm, 0, 0, 1.0), LEFT_HZ, 8000), 1.0);
        }
    }

    @Test
    void aFullDiskEndsTheRecordingIncompleteAndTheLoopNeverSeesIt() throws Exception {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.OGG_OPUS, 1, 50)) {
            // /dev/full fails every write with ENOSPC, like a full file system
            service.openWith(part -> {
                Files.createFile(part);
                return FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE);
            });
            CallRecording rec = service.start("full", loop);
            RecordingResult failed = rec.result().get(10, TimeUnit.SECONDS); // ends without waiting for stop
            assertTrue(failed.incomplete());
            assertTrue(failed.problem().contains("No space left on device"), failed.problem());
            assertEquals(dir.resolve("full.ogg"), failed.file(), "what reached the disk is kept under its name");
            // the call goes on: the taps take frames and stop() answers, on the loop, without an exception
            RecordingResult later = record(rec, 100, t -> t % 2 == 0, t -> true);
            assertSame(failed, later);
            assertEquals(1, service.recordingsFailed());
            assertEquals(1, service.recordingsIncomplete());
            assertEquals(0, service.active());
        }
    }

    @Test
    void aDirectoryThatCannotBeCreatedFailsEachRecordingNotTheService() throws Exception {
        Path aFile = Files.writeString(dir.resolve("a-file"), "not a directory");
        Path impossible = aFile.resolve("recordings");
        try (RecordingService service = new RecordingService(impossible, RecordingFormat.WAV, 1, 50)) {
            RecordingResult result = record(service.start("x", loop), 20, t -> false, t -> true);
            assertTrue(result.incomplete());
            assertNull(result.file());
            assertTrue(result.problem().startsWith("cannot create the file"), result.problem());
            assertEquals(1, service.recordingsFailed());
        }
    }

    @Test
    void aMissingDirectoryIsCreatedByTheFirstRecording() throws Exception {
        Path later = dir.resolve("made").resolve("on-first-use");
        try (RecordingService service = new RecordingService(later, RecordingFormat.WAV, 1, 50)) {
            RecordingResult result = record(service.start("first", loop), 20, t -> false, t -> true);
            assertFalse(result.incomplete(), result.problem());
            assertEquals(later.resolve("first.wav"), result.file());
        }
    }

    @Test
    void aWriterThatFallsBehindCostsFramesNotTheTimeline() throws Exception {
        // a ring of 2 frames and 1,000 frames written at once: the writer (a pass every 20 ms) cannot keep up
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 2)) {
            RecordingResult result = record(service.start("slow", loop), 1000, t -> false, t -> true);
            assertTrue(result.incomplete());
            assertTrue(result.problem().contains("frames dropped"), result.problem());
            assertTrue(service.framesDropped() > 0);
            assertEquals(20_000, result.durationMs(), "dropped frames are written back as silence");
            assertEquals(20_000.0, decode(result.file(), RecordingFormat.WAV).length / 2 / 8.0);
            assertEquals(1, service.recordingsIncomplete());
            assertEquals(0, service.recordingsFailed());
        }
    }

    @Test
    void pastTheLimitARecordingRecordsNothingAndSaysWhy() throws Exception {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 50, 1)) {
            CallRecording first = service.start("one", loop);
            CallRecording second = service.start("two", loop);
            RecordingResult refused = record(second, 10, t -> false, t -> true);
            assertTrue(refused.incomplete());
            assertNull(refused.file());
            assertTrue(refused.problem().startsWith("too many recordings"), refused.problem());
            assertEquals(1, service.active());
            assertFalse(record(first, 10, t -> false, t -> true).incomplete());
            assertEquals(0, service.active());
            assertEquals(1, service.recordingsIncomplete());
        }
    }

    @Test
    void hostileCallIdsGiveSafeNames() throws Exception {
        assertEquals("___x", RecordingService.safeName("../x"));
        assertEquals("_a", RecordingService.safeName(".a"));
        assertEquals("a_b", RecordingService.safeName("a/b"));
        assertEquals("__", RecordingService.safeName(".."));
        assertEquals("a_b_c", RecordingService.safeName("a\\b\0c"));
        assertEquals("call", RecordingService.safeName(""));
        assertEquals("call", RecordingService.safeName(null));
        assertEquals("abc-123_X.y", RecordingService.safeName("abc-123_X.y"));
        assertEquals(120, RecordingService.safeName("x".repeat(500)).length());
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 50)) {
            for (String id : new String[] {"../x", ".a", "a/b", "/etc/passwd"}) {
                RecordingResult r = record(service.start(id, loop), 5, t -> false, t -> true);
                assertEquals(dir, r.file().getParent(), id);
                assertFalse(r.file().getFileName().toString().startsWith("."), id);
            }
            assertFalse(Files.exists(dir.getParent().resolve("x.wav")));
        }
    }

    @Test
    void aCallRecordedTwiceGetsTwoFilesAndStopIsIdempotent() throws Exception {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.OGG_OPUS, 2, 50)) {
            CallRecording first = service.start("same", loop);
            RecordingResult a = record(first, 10, t -> false, t -> true);
            assertSame(first.stop(), first.stop());
            assertSame(a, first.stop().get());
            RecordingResult b = record(service.start("same", loop), 10, t -> false, t -> true);
            assertEquals(dir.resolve("same.ogg"), a.file());
            assertEquals(dir.resolve("same-2.ogg"), b.file());
            assertNotEquals(Files.size(a.file()), 0L);
        }
    }

    @Test
    void closeFinishesOpenRecordingsAndLaterStartsRecordNothing() throws Exception {
        RecordingService service = new RecordingService(dir, RecordingFormat.OGG_OPUS, 1, 100);
        CallRecording open = service.start("open", loop);
        loop.submit(() -> {
            short[] frame = new short[N];
            for (int t = 0; t < 50; t++) {
                tone(frame, t, LEFT_HZ);
                open.uplinkTap().write(frame, 0, N);
            }
        }).get();
        service.close();
        RecordingResult result = open.result().getNow(null);
        assertNotNull(result, "close waited for the file");
        assertFalse(result.incomplete(), result.problem());
        assertEquals(1000, result.durationMs());
        assertTrue(Files.exists(dir.resolve("open.ogg")));
        RecordingResult after = service.start("late", loop).stop().getNow(null);
        assertEquals("recording service closed", after.problem());
    }

    @Test
    void closingTheTapStopsTheRecording() throws Exception {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 50)) {
            CallRecording rec = service.start("closed-by-media", loop);
            loop.submit(() -> {
                rec.uplinkTap().write(new short[N], 0, N);
                rec.downlinkTap().close(); // CallMedia.close() closes its taps' observers
            }).get();
            assertEquals(20, rec.result().get(10, TimeUnit.SECONDS).durationMs());
        }
    }

    @Test
    void tapsPrintThemselves() {
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 50)) {
            CallRecording rec = service.start("p", loop);
            assertEquals("record(left)", rec.uplinkTap().toString());
            assertEquals("record(right)", rec.downlinkTap().toString());
            assertEquals(8000, rec.uplinkTap().sampleRate());
        }
    }
}
