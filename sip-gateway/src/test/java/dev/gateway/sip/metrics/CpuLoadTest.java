package dev.gateway.sip.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuLoadTest {
    private static final long S = 1_000_000_000L;

    @Test
    void fractionOfAllCoresSinceThePreviousSample() {
        AtomicLong cpu = new AtomicLong(5 * S);
        AtomicLong wall = new AtomicLong(100 * S);
        CpuLoad load = new CpuLoad(cpu::get, wall::get, 2);
        assertEquals(0, load.fraction(), 1e-12); // no interval yet
        cpu.addAndGet(S);                      // 1 s of CPU in 2 s on 2 cores: 25 %
        wall.addAndGet(2 * S);
        assertEquals(0.25, load.fraction(), 1e-12);
        cpu.addAndGet(S / 10);                 // within the interval: the previous figure, no new sample
        wall.addAndGet(S / 2);
        assertEquals(0.25, load.fraction(), 1e-12);
        cpu.addAndGet(3 * S);                  // 3.1 s of CPU in 1.5 s on 2 cores: capped at 1
        wall.addAndGet(S);
        assertEquals(1.0, load.fraction(), 1e-12);
    }

    @Test
    void unknownCpuTimeReadsAsZero() {
        AtomicLong wall = new AtomicLong();
        CpuLoad load = new CpuLoad(() -> -1, wall::get, 4);
        wall.addAndGet(5 * S);
        assertEquals(0, load.fraction(), 1e-12);
    }
}
