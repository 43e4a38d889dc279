package dev.gateway.sip.redis;

import dev.gateway.sip.config.RedisConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian package redis-server) for tests, on a free port of 127.0.0.1, its files in
 * {@code dir}, with the append-only file on so a restart on the same dir keeps the data. Not thread-safe.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    public RedisServerProcess(Path dir) throws IOException {
        this(dir, freePort());
    }

    public RedisServerProcess(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public RedisConfig config(String prefix) {
        return new RedisConfig("127.0.0.1:" + port, null, null, 0, prefix, false, 2);
    }

    /** Starts the server and waits (up to 10 s) until it accepts connections. */
    public RedisServerProcess start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        process = new ProcessBuilder(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "yes", "--appendfsync", "always"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return this;
            } catch (IOException e) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis-" + port + ".log")));
                }
                Thread.sleep(20);
            }
        }
        throw new IOException("redis-server on port " + port + " did not start");
    }

    /** SIGTERM (the server writes its append-only file) and waits for the exit. */
    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
