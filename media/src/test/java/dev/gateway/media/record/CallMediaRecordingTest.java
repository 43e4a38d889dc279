package dev.gateway.media.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.audio.AudioFrames;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.call.CallMedia;
import dev.gateway.media.call.RtpLeg;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording wired to a real {@link CallMedia} as the call side will wire it (uplink tap, downlink tap), driven
 * tick by tick on an event loop with a fake phone leg: the WAV's left channel is sample for sample what the phone
 * played out, its right channel what was sent to the phone in the same tick, and silence before the answer.
 */
class CallMediaRecordingTest {
    private static final int N = AudioFrames.SAMPLES_8K;

    @TempDir
    Path dir;

    /** The phone: plays out frame k as the value 100 + k, keeps what it is sent. */
    static final class Phone implements RtpLeg {
        final List<short[]> sent = new ArrayList<>();
        int played;

        @Override
        public boolean playOut(long nowNanos, short[] out, int off) {
            Arrays.fill(out, off, off + N, (short) (100 + played++));
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
            return "phone";
        }

        @Override
        public String sendPath() {
            return "g711 -> rtp";
        }
    }

    @Test
    void leftIsWhatThePhonePlayedOutRightIsWhatItWasSentInTheSameTick() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try (RecordingService service = new RecordingService(dir, RecordingFormat.WAV, 1, 100)) {
            Phone phone = new Phone();
            CallMedia media = new CallMedia("c1", loop, phone, 0, reason -> {
                throw new AssertionError(reason);
            });
            int[] roomTick = {0};
            FrameSource room = (now, out, off) -> { // the agent: frame k is -(1000 + k), voiced from the start
                Arrays.fill(out, off, off + N, (short) -(1000 + roomTick[0]++));
                return true;
            };
            media.attachDownlink(room);
            RecordingResult result = loop.submit(() -> {
                CallRecording rec = service.start("c1", loop);
                media.addTap(rec.uplinkTap());
                media.addDownlinkTap(rec.downlinkTap());
                assertTrue(media.pipeline().contains("-> tap[record] -> g711 -> rtp"), media.pipeline());
                for (int t = 0; t < 60; t++) {
                    if (t == 10) {
                        media.answer();
                    }
                    long now = t * AudioFrames.FRAME_NANOS;
                    media.pace(now);
                    media.tick(now);
                }
                media.close(); // closes the taps' observers: the recording stops with the call's media
                return rec.result();
            }).get().get(20, TimeUnit.SECONDS);
            assertFalse(result.incomplete(), result.problem());
            assertEquals(60 * 20, result.durationMs());

            byte[] all = Files.readAllBytes(result.file());
            short[] pcm = new short[(all.length - WavFile.HEADER_BYTES) / 2];
            ByteBuffer.wrap(all, WavFile.HEADER_BYTES, all.length - WavFile.HEADER_BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
            assertEquals(60 * N * 2, pcm.length);
            assertEquals(50, phone.sent.size(), "sent from the answer on");
            for (int t = 0; t < 60; t++) {
                short[] left = new short[N];
                short[] right = new short[N];
                for (int i = 0; i < N; i++) {
                    left[i] = pcm[2 * (t * N + i)];
                    right[i] = pcm[2 * (t * N + i) + 1];
                }
                short[] played = new short[N];
                Arrays.fill(played, (short) (100 + t));
                assertArrayEquals(played, left, "left, tick " + t);
                assertArrayEquals(t < 10 ? new short[N] : phone.sent.get(t - 10), right, "right, tick " + t);
            }
        } finally {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
