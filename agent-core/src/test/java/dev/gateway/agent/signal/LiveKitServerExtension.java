package dev.gateway.agent.signal;

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
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real livekit-server ({@code --dev}: key {@code devkey}, secret {@code secret}) for one test class and
 * stops it afterwards. The binary is {@code $LIVEKIT_SERVER_BIN} or {@code /root/go/bin/server}; if neither
 * exists the tests fail with how to build it. Ports are picked free at start (HTTP/WebSocket, ICE/TCP, ICE/UDP)
 * so parallel builds and a developer's own server on 7880 do not clash. The node IP is 127.0.0.1 so the
 * server's ICE candidates are loopback. Server output goes to {@code target/livekit-server-<port>.log}.
 */
public final class LiveKitServerExtension implements BeforeAllCallback, AfterAllCallback {

    public static final String API_KEY = "devkey";
    public static final String API_SECRET = "secret";
    private static final String DEFAULT_BIN = "/root/go/bin/server";
    private static final long START_TIMEOUT_MS = 30_000;

    private Process process;
    private int port;
    private Path log;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        String bin = System.getenv().getOrDefault("LIVEKIT_SERVER_BIN", DEFAULT_BIN);
        if (!new File(bin).canExecute()) {
            throw new IllegalStateException("livekit-server binary not found at " + bin
                    + " (set LIVEKIT_SERVER_BIN or build it: "
                    + "go install github.com/livekit/livekit-server/cmd/server@v1.13.5)");
        }
        port = freeTcpPort();
        int tcpPort = freeTcpPort();
        int udpPort = freeUdpPort();
        log = Path.of("target", "livekit-server-" + port + ".log");
        Files.createDirectories(log.getParent());
        List<String> command = List.of(bin, "--dev", "--bind", "127.0.0.1", "--node-ip", "127.0.0.1",
                "--port", Integer.toString(port), "--rtc.tcp_port", Integer.toString(tcpPort),
                "--udp-port", Integer.toString(udpPort));
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        waitUntilUp();
        System.out.println("[livekit-server] " + String.join(" ", command) + " (log " + log + ")");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process == null) {
            return;
        }
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** {@code ws://127.0.0.1:<port>}. */
    public String wsUrl() {
        return "ws://127.0.0.1:" + port;
    }

    private void waitUntilUp() throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("livekit-server exited with " + process.exitValue()
                        + "; see " + log.toAbsolutePath());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL()
                        .openConnection();
                c.setConnectTimeout(500);
                c.setReadTimeout(500);
                if (c.getResponseCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("livekit-server did not answer on port " + port + " within "
                + START_TIMEOUT_MS + " ms; see " + log.toAbsolutePath());
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
