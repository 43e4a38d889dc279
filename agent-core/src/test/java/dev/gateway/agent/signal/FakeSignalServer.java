package dev.gateway.agent.signal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;

/**
 * A one-connection RFC 6455 server for failure cases the real LiveKit server does not produce: it completes the
 * upgrade, sends the given binary messages (each in one frame, or cut into fragments of {@code fragmentBytes}
 * as §5.4 allows), then reads and discards whatever the client sends (so pings go unanswered), or reads nothing
 * more at all. It can also refuse the upgrade with an HTTP status. Server frames are unmasked (§5.1). Test only;
 * not a WebSocket implementation.
 */
final class FakeSignalServer implements AutoCloseable {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 §1.3
    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private final Thread thread;

    /** The status line and body of a refused upgrade, or null to accept it. */
    private final String refusal;
    private final int fragmentBytes;
    private final boolean readAfter;

    FakeSignalServer(List<byte[]> messagesToSend) throws IOException {
        this(messagesToSend, Integer.MAX_VALUE, true, null, null);
    }

    private FakeSignalServer(List<byte[]> messages, int fragmentBytes, boolean readAfter, String refusal,
                             SSLContext tls) throws IOException {
        this.refusal = refusal;
        this.fragmentBytes = fragmentBytes;
        this.readAfter = readAfter;
        server = tls == null ? new ServerSocket(0, 1, InetAddress.getLoopbackAddress())
                : tls.getServerSocketFactory().createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = new Thread(() -> serve(messages), "fake-signal-server");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends each message as fragments of at most {@code fragmentBytes} (a binary frame, then continuations). */
    static FakeSignalServer fragmenting(List<byte[]> messages, int fragmentBytes) throws IOException {
        return new FakeSignalServer(messages, fragmentBytes, true, null, null);
    }

    /** Upgrades, sends the messages, then never reads again: the client's frames pile up in the socket. */
    static FakeSignalServer deaf(List<byte[]> messages) throws IOException {
        return new FakeSignalServer(messages, Integer.MAX_VALUE, false, null, null);
    }

    /** Answers the upgrade with {@code statusLine} (e.g. "401 Unauthorized") and a text body, then closes. */
    static FakeSignalServer refusing(String statusLine, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new FakeSignalServer(List.of(), 0, false, "HTTP/1.1 " + statusLine + "\r\nContent-Type: text/plain"
                + "\r\nContent-Length: " + bytes.length + "\r\n\r\n" + body, null);
    }

    /** The same over TLS with {@code tls}'s key; reach it as {@link #wssUrl()}. */
    static FakeSignalServer tls(List<byte[]> messages, SSLContext tls) throws IOException {
        return new FakeSignalServer(messages, Integer.MAX_VALUE, true, null, tls);
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + server.getLocalPort();
    }

    /** By host name (localhost), as a certificate names it. */
    String wssUrl() {
        return "wss://localhost:" + server.getLocalPort();
    }

    private void serve(List<byte[]> frames) {
        try (Socket s = server.accept()) {
            accepted.add(s);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String key = null;
            for (String line : readHead(in).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            if (refusal != null) {
                out.write(refusal.getBytes(StandardCharsets.UTF_8));
                out.flush();
                return;
            }
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Base64.getEncoder().encodeToString(sha1) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            for (byte[] payload : frames) {
                writeMessage(out, payload);
            }
            out.flush();
            if (!readAfter) {
                Thread.sleep(Long.MAX_VALUE); // until close() interrupts the socket
            }
            while (in.read() >= 0) {
                // swallow client frames (pings included) until the client goes away
            }
        } catch (Exception ignored) {
            // the test closed us or the client cancelled
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("eof in request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private void writeMessage(OutputStream out, byte[] payload) throws IOException {
        int offset = 0;
        do {
            int n = Math.min(fragmentBytes, payload.length - offset);
            boolean last = offset + n == payload.length;
            int opcode = offset == 0 ? 0x2 : 0x0; // binary, then continuation (§5.4)
            writeFrame(out, (last ? 0x80 : 0) | opcode, java.util.Arrays.copyOfRange(payload, offset, offset + n));
            offset += n;
        } while (offset < payload.length);
    }

    /** @param first FIN bit and opcode */
    private static void writeFrame(OutputStream out, int first, byte[] payload) throws IOException {
        out.write(first);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65_536) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xff);
            }
        }
        out.write(payload);
    }

    @Override
    public void close() throws IOException {
        thread.interrupt();
        server.close();
        for (Socket s : accepted) {
            s.close();
        }
    }
}
