package dev.gateway.media.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class CodecSelfTestTest {

    @Test
    void framesComeBackOutBehindTheJitterBuffersDelay() {
        int out = new CodecSelfTest(PooledByteBufAllocator.DEFAULT, 32_000, 3).run(100, () -> 0L, 1L);
        // the jitter buffer starts at its 20 ms minimum: the first frame or two stay in it
        assertTrue(out >= 97 && out < 100, "frames out: " + out);
    }

    @Test
    void aPassedDeadlineStopsBeforeTheFirstFrame() {
        assertEquals(0, new CodecSelfTest(PooledByteBufAllocator.DEFAULT, 32_000, 3).run(100, () -> 5L, 5L));
    }
}
