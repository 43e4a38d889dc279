package dev.gateway.sip;

import dev.gateway.sip.config.ConfigException;
import dev.gateway.sip.config.ConfigLoader;
import dev.gateway.sip.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** Loads the configuration, builds the gateway, starts it, and drains it on SIGTERM/SIGINT. Nothing else. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        LogFormat.install();
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Sampling leak detection records a stack trace per 128 buffers: 12 B/frame on the media path
            // (bench/README.md). Tests run it at PARANOID; production opts in with -Dio.netty.leakDetection.level.
            io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        }
        GatewayConfig config;
        try {
            config = load(args);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println("usage: gateway [--config FILE]   (YAML or JSON; see deploy/gateway.example.yaml)");
            System.exit(2);
            return;
        }
        if (config.log().format() == dev.gateway.sip.config.LogConfig.Format.JSON) {
            LogFormat.install(true);
        }
        Gateway gateway = new Gateway(config);
        try {
            gateway.start();
        } catch (Exception e) {
            System.err.println("gateway could not start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runnable drain = () -> {
            gateway.drainAndStop();
            stopped.countDown();
        };
        ShutdownSignals.install(drain);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(0);
    }

    private static GatewayConfig load(String[] args) throws ConfigException {
        if (args.length == 0) {
            return ConfigLoader.defaults(System.getenv());
        }
        if (args.length == 2 && args[0].equals("--config")) {
            Path file = Path.of(args[1]);
            if (!Files.isReadable(file)) {
                throw new IllegalArgumentException("config file " + file.toAbsolutePath() + " cannot be read");
            }
            return ConfigLoader.load(file, System.getenv());
        }
        throw new IllegalArgumentException("unknown arguments: " + String.join(" ", args));
    }
}
