package dev.gateway.sip.metrics;

import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.IntSupplier;

/**
 * Whether this node should get new calls, for {@code GET /readyz} and the answer to SIP OPTIONS:
 * <ul>
 *   <li>503 while starting (until SIP, media and the warm-up are done: {@link #started()}) and while draining;</li>
 *   <li>429 when every one of {@code limits.maxCalls} is taken, or the process's CPU use is over
 *       {@code limits.maxCpuPercent} (of all cores; 0 = no CPU limit);</li>
 *   <li>200 otherwise.</li>
 * </ul>
 * The reason travels in the body and in the OPTIONS 503's reason phrase. Thread-safe; {@link #verdict()} never
 * blocks (it is asked on the HTTP event loop and JAIN-SIP threads).
 */
public final class Readiness {
    private final BooleanSupplier draining;
    private final IntSupplier calls;
    private final int maxCalls;
    private final DoubleSupplier cpu;
    private final int maxCpuPercent;
    private volatile boolean started;

    /** The state and its reason. {@code status} is the HTTP status of {@code /readyz}. */
    public record Verdict(int status, String state, String reason) {
        public boolean ready() {
            return status == 200;
        }
    }

    /**
     * @param draining      true once SIGTERM started the drain
     * @param calls         calls in the registry now
     * @param maxCalls      {@code limits.maxCalls}
     * @param cpu           the process's CPU use, fraction of all cores
     * @param maxCpuPercent over this, not ready (429); 0 = never for CPU
     */
    public Readiness(BooleanSupplier draining, IntSupplier calls, int maxCalls, DoubleSupplier cpu, int maxCpuPercent) {
        this.draining = draining;
        this.calls = calls;
        this.maxCalls = maxCalls;
        this.cpu = cpu;
        this.maxCpuPercent = maxCpuPercent;
    }

    /** SIP, media, HTTP and the warm-up are up: from now on the verdict follows load and drain. */
    public void started() {
        started = true;
    }

    public Verdict verdict() {
        if (draining.getAsBoolean()) {
            return new Verdict(503, "draining", "draining: no new calls, the calls up finish");
        }
        if (!started) {
            return new Verdict(503, "starting", "starting: warm-up not done");
        }
        int n = calls.getAsInt();
        if (n >= maxCalls) {
            return new Verdict(429, "full", "call limit: " + n + " calls up, limits.maxCalls " + maxCalls);
        }
        if (maxCpuPercent > 0) {
            double percent = cpu.getAsDouble() * 100;
            if (percent > maxCpuPercent) {
                return new Verdict(429, "busy", String.format(java.util.Locale.ROOT,
                        "CPU limit: %.0f%% of all cores, limits.maxCpuPercent %d", percent, maxCpuPercent));
            }
        }
        return new Verdict(200, "ready", "ready");
    }

    /** Null when ready, else the reason, for the phrase of an OPTIONS 503 (short, ASCII). */
    public String sipUnavailableReason() {
        Verdict v = verdict();
        return v.ready() ? null : switch (v.state()) {
            case "draining" -> "Draining, try another node";
            case "starting" -> "Starting";
            case "full" -> "Too many calls";
            default -> "Overloaded";
        };
    }
}
