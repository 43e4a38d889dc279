package dev.gateway.sip;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT start a drain on a thread of their own, so the process exits 0 after a clean drain (a plain
 * shutdown hook would make the JVM exit 143 and cut the drain at the hook's deadline).
 */
final class ShutdownSignals {
    private ShutdownSignals() {
    }

    static void install(Runnable drain) {
        Thread drainer = new Thread(drain, "drain");
        SignalHandler handler = signal -> {
            if (drainer.getState() == Thread.State.NEW) {
                drainer.start();
            }
        };
        Signal.handle(new Signal("TERM"), handler);
        Signal.handle(new Signal("INT"), handler);
    }
}
