package dev.gateway.sip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.config.HttpConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP server over real loopback sockets: the gate, the worker pool and its overflow, timeouts, keep-alive. */
class HttpApiTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef";
    private HttpApi api;

    /** One parsed response: status, lower-case header block, body. */
    record Reply(int status, String headers, String body) {
    }

    private HttpApi start(int readTimeoutSeconds, ApiEndpoint endpoint) throws Exception {
        api = new HttpApi(new HttpConfig("127.0.0.1", 0, null, List.of(), readTimeoutSeconds, 60, 256, 200),
                new ApiAccess(null, TOKEN), () -> ApiResponse.json(200, java.util.Map.of("status", "ok")));
        api.mount("/", endpoint);
        api.start();
        return api;
    }

    @AfterEach
    void stop() {
        if (api != null) {
            api.stop();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", api.port());
        s.setSoTimeout(20_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    private static String request(String method, String path, String token, boolean close) {
        return method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (token == null ? "" : "Authorization: Bearer " + token + "\r\n")
                + (close ? "Connection: close\r\n" : "") + "\r\n";
    }

    /** Reads one response (status line, headers, Content-Length body). */
    private static Reply read(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(h.substring(9, 12));
        int at = h.indexOf("content-length: ");
        int length = Integer.parseInt(h.substring(at + 16, h.indexOf("\r\n", at)).strip());
        return new Reply(status, h, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    private static void assertClosed(Socket s) throws IOException {
        assertEquals(-1, s.getInputStream().read(), "the server closes the connection");
    }

    @Test
    void healthAnswersWhileEveryWorkerIsBlockedAndTheOverflowGets503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(HttpApi.WORKERS);
        start(10, r -> {
            started.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ApiResponse.json(200, java.util.Map.of("path", r.path()));
        });
        List<Socket> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < HttpApi.WORKERS + HttpApi.QUEUED; i++) {
                Socket s = connect();
                write(s, request("POST", "/calls/c" + i + "/hangup", TOKEN, true));
                waiting.add(s);
            }
            assertTrue(started.await(20, TimeUnit.SECONDS), "16 workers busy");
            while (api.queued() < HttpApi.QUEUED) {
                Thread.sleep(10); // the queue fills as the loop reads the other 64 requests
            }
            try (Socket health = connect()) {
                write(health, request("GET", "/healthz", null, false));
                Reply r = read(health);
                assertEquals(200, r.status());
                assertEquals("{\"status\":\"ok\"}", r.body());
                assertTrue(r.headers().contains("connection: keep-alive"), r.headers());
                write(health, request("HEAD", "/healthz", null, true));
                assertEquals(200, read(health).status());
            }
            try (Socket overflow = connect()) {
                write(overflow, request("GET", "/calls", TOKEN, false));
                Reply r = read(overflow);
                assertEquals(503, r.status());
                assertTrue(r.headers().contains("retry-after: 1"), r.headers());
                assertClosed(overflow);
            }
            release.countDown();
            for (int i = 0; i < waiting.size(); i++) {
                Reply r = read(waiting.get(i));
                assertEquals(200, r.status());
                assertEquals("{\"path\":\"/calls/c" + i + "/hangup\"}", r.body());
            }
        } finally {
            release.countDown();
            for (Socket s : waiting) {
                s.close();
            }
        }
    }

    @Test
    void refusesWithoutCredentialsOrWithAForeignHostBeforeReadingTheBody() throws Exception {
        start(10, r -> ApiResponse.json(200, java.util.Map.of("served", true)));
        try (Socket s = connect()) {
            // a 1 MB body is announced and never sent: the answer comes from the headers alone
            write(s, "POST /calls/c1/transfer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000000\r\n\r\n");
            Reply r = read(s);
            assertEquals(401, r.status());
            assertTrue(r.body().contains("no credentials"), r.body());
            assertClosed(s);
        }
        try (Socket s = connect()) {
            write(s, "GET /calls HTTP/1.1\r\nHost: evil.example:8080\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
            Reply r = read(s);
            assertEquals(421, r.status());
            assertTrue(r.body().contains("http.allowedHosts"), r.body());
            assertClosed(s);
        }
        try (Socket s = connect()) {
            write(s, "GET /calls HTTP/1.1\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");
            assertEquals(400, read(s).status());
        }
        try (Socket s = connect()) {
            write(s, "GET /calls HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(9000) + "\r\n\r\n");
            assertEquals(431, read(s).status());
            assertClosed(s);
        }
        try (Socket s = connect()) {
            write(s, "POST /calls HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Length: " + (HttpApi.MAX_BODY + 1) + "\r\n\r\n");
            assertEquals(413, read(s).status());
        }
    }

    @Test
    void keepAliveServesRequestsInTurnAndTheReadTimeoutClosesASlowOne() throws Exception {
        start(1, r -> ApiResponse.json(200, java.util.Map.of("path", r.path())));
        try (Socket s = connect()) {
            for (String path : new String[] {"/calls", "/calls/a", "/healthz", "/calls/b"}) {
                write(s, request("GET", path, path.equals("/healthz") ? null : TOKEN, false));
                Reply r = read(s);
                assertEquals(200, r.status(), path);
            }
        }
        try (Socket s = connect()) {
            write(s, "GET /calls HTTP/1.1\r\nHost: 127.");
            assertClosed(s); // the rest of the headers never comes: closed at the read timeout, nothing answered
        }
    }
}
