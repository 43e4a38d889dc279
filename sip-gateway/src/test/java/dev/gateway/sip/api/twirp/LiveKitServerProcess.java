package dev.gateway.sip.api.twirp;

import java.io.File;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real livekit-server in {@code --dev} mode (key {@code devkey}, secret {@code secret}) on free loopback ports;
 * the binary is {@code $LIVEKIT_SERVER_BIN} or {@code /root/go/bin/server}. (agent-core's tests have the same
 * helper, but its test classes are not visible to this module.) Output goes to
 * {@code target/livekit-server-<port>.log}.
 */
final class LiveKitServerProcess implements AutoCloseable {

    static final String API_KEY = "devkey";
    static final String API_SECRET = "secret";
    private static final String DEFAULT_BIN = "/root/go/bin/server";
    private static final long START_TIMEOUT_MS = 30_000;

    private final Process process;
    private final int port;

    private LiveKitServerProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static LiveKitServerProcess start() throws Exception {
        String bin = System.getenv().getOrDefault("LIVEKIT_SERVER_BIN", DEFAULT_BIN);
        if (!new File(bin).canExecute()) {
            throw new IllegalStateException("livekit-server binary not found at " + bin + " (set LIVEKIT_SERVER_BIN "
                    + "or build it: go install github.com/livekit/livekit-server/cmd/server@v1.13.5)");
        }
        int port = freeTcpPort();
        Path log = Path.of("target", "livekit-server-" + port + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = List.of(bin, "--dev", "--bind", "127.0.0.1", "--node-ip", "127.0.0.1",
                "--port", Integer.toString(port), "--rtc.tcp_port", Integer.toString(freeTcpPort()),
                "--udp-port", Integer.toString(freeUdpPort()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LiveKitServerProcess server = new LiveKitServerProcess(p, port);
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("livekit-server exited with " + p.exitValue() + "; see "
                        + log.toAbsolutePath());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(server.httpUrl() + "/").toURL().openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(500);
                if (c.getResponseCode() == 200) {
                    return server;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IllegalStateException("livekit-server did not answer within " + START_TIMEOUT_MS + " ms; see "
                + log.toAbsolutePath());
    }

    String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }
}
