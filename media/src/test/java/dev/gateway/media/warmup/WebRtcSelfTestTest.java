package dev.gateway.media.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.media.endpoint.MediaEngineConfig;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two transports of one engine over loopback UDP: ICE, DTLS on a pool, SCTP, SRTP. */
class WebRtcSelfTestTest {
    /** Only to keep a broken build from hanging; nothing asserts on time. */
    private static final long PATIENCE_SECONDS = 30;

    private MediaEngine engine;
    private ThreadPoolExecutor pool;

    @BeforeEach
    void start() {
        int portMin = ThreadLocalRandom.current().nextInt(10_000, 30_000) * 2;
        engine = new MediaEngine(new MediaEngineConfig("127.0.0.1", portMin, portMin + 19, 30_000, 20, 100, 1),
                System::nanoTime);
        engine.start();
        pool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
    }

    @AfterEach
    void stop() throws InterruptedException {
        engine.stop();
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }

    @Test
    void connectsSendsAndClosesBothTransports() throws Exception {
        new WebRtcSelfTest(engine, pool).start().get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        // both sockets are given back when it completes (closing happens on the loop before completion)
        assertEquals(0, engine.portsInUse());
    }
}
