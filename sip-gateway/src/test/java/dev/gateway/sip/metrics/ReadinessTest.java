package dev.gateway.sip.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReadinessTest {
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicInteger calls = new AtomicInteger();
    private final AtomicReference<Double> cpu = new AtomicReference<>(0.1);

    private Readiness readiness(int maxCpuPercent) {
        return new Readiness(draining::get, calls::get, 3, cpu::get, maxCpuPercent);
    }

    @Test
    void startingThenReadyThenFullThenDraining() {
        Readiness r = readiness(0);
        assertEquals(new Readiness.Verdict(503, "starting", "starting: warm-up not done"), r.verdict());
        assertEquals("Starting", r.sipUnavailableReason());
        r.started();
        assertEquals(200, r.verdict().status());
        assertNull(r.sipUnavailableReason());
        calls.set(3);
        assertEquals(new Readiness.Verdict(429, "full", "call limit: 3 calls up, limits.maxCalls 3"), r.verdict());
        assertEquals("Too many calls", r.sipUnavailableReason());
        draining.set(true); // draining wins over everything
        assertEquals(503, r.verdict().status());
        assertEquals("draining", r.verdict().state());
        assertEquals("Draining, try another node", r.sipUnavailableReason());
    }

    @Test
    void cpuOverTheLimitIs429OnlyWhenALimitIsSet() {
        Readiness off = readiness(0);
        Readiness on = readiness(80);
        off.started();
        on.started();
        cpu.set(0.95);
        assertEquals(200, off.verdict().status());
        assertEquals(new Readiness.Verdict(429, "busy", "CPU limit: 95% of all cores, limits.maxCpuPercent 80"),
                on.verdict());
        assertEquals("Overloaded", on.sipUnavailableReason());
        cpu.set(0.80); // at the limit: still ready
        assertEquals(200, on.verdict().status());
    }
}
