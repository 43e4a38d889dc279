package dev.gateway.sip.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gateway.media.dtmf.DtmfDigit;
import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.sip.call.Call;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.call.CallSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP API: {@code GET /healthz}, {@code GET /calls}, {@code POST /calls/{id}/hangup|transfer|dtmf}.
 * JSON in and out; errors are {@code {"error": "..."}} with 400 (bad body), 404 (unknown call or path), 405, and
 * 504 when a hung-up call is not gone within 5 s.
 *
 * <p>Threading: its own two threads (the JDK server); they may block briefly waiting for call snapshots, which
 * the calls take on their own loops.
 */
public final class HttpApi {
    private static final System.Logger LOG = System.getLogger("http");
    private static final int MAX_BODY = 16 * 1024;
    /** How long {@code POST /calls/{id}/hangup} waits for the call to be gone. */
    static final long HANGUP_WAIT_MILLIS = 5_000;

    private final String bind;
    private final int port;
    private final CallRegistry registry;
    private final BooleanSupplier draining;
    private final ObjectMapper json = new ObjectMapper();
    private HttpServer server;
    private ExecutorService executor;
    private final java.util.Map<String, com.sun.net.httpserver.HttpHandler> mounts = new java.util.LinkedHashMap<>();

    public HttpApi(String bind, int port, CallRegistry registry, BooleanSupplier draining) {
        this.bind = bind;
        this.port = port;
        this.registry = registry;
        this.draining = draining;
    }

    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(bind, port), 64);
        // LiveKit's call-control methods block a thread until the call is answered or transferred: 16 at most.
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "http-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        mounts.forEach(server::createContext);
        server.start();
        LOG.log(System.Logger.Level.INFO, "HTTP API on http://" + bind + ":" + server.getAddress().getPort());
    }

    /** Serves {@code handler} under {@code path} too (call before {@link #start()}). */
    public void mount(String path, com.sun.net.httpserver.HttpHandler handler) {
        mounts.put(path, handler);
    }

    public void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            if (path.equals("/healthz")) {
                ObjectNode body = json.createObjectNode();
                body.put("status", draining.getAsBoolean() ? "draining" : "ok");
                body.put("calls", registry.size());
                body.put("draining", draining.getAsBoolean());
                body.put("sweptCalls", registry.sweptCalls());
                send(ex, 200, body);
            } else if (path.equals("/calls") || path.equals("/calls/")) {
                requireMethod(method, "GET");
                send(ex, 200, callsJson());
            } else if (path.startsWith("/calls/")) {
                String[] parts = path.substring("/calls/".length()).split("/");
                Call call = registry.byId(parts[0]);
                if (call == null) {
                    throw new ApiError(404, "no call with id '" + parts[0] + "' (GET /calls lists them)");
                }
                if (parts.length == 1) {
                    requireMethod(method, "GET");
                    send(ex, 200, callJson(snapshot(call)));
                    return;
                }
                requireMethod(method, "POST");
                handleAction(ex, call, parts[1]);
            } else {
                throw new ApiError(404, "unknown path " + path + " (try /healthz or /calls)");
            }
        } catch (ApiError e) {
            error(ex, e.status, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "HTTP API failure on " + ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e.getMessage());
        } finally {
            ex.close();
        }
    }

    private void handleAction(HttpExchange ex, Call call, String action) throws IOException {
        switch (action) {
            case "hangup" -> hangup(ex, call);
            case "transfer" -> {
                String to = textField(body(ex), "to");
                String problem = dev.gateway.agent.TransferTarget.problem(to);
                if (problem != null) {
                    throw new ApiError(400, "\"to\": " + problem);
                }
                String refused = call.transferRefusal(to);
                if (refused != null) {
                    throw new ApiError(403, "\"to\": " + refused);
                }
                call.transfer(to);
                send(ex, 202, json.createObjectNode().put("id", call.id()).put("transfer", to).put("status", "pending"));
            }
            case "dtmf" -> {
                String digits = textField(body(ex), "digits");
                for (char c : digits.toCharArray()) {
                    if (!DtmfDigit.isValid(c)) {
                        throw new ApiError(400, "\"digits\" may hold 0-9, *, #, A-D only, got '" + c + "'");
                    }
                }
                call.sendDtmf(digits);
                send(ex, 202, json.createObjectNode().put("id", call.id()).put("digits", digits));
            }
            default -> throw new ApiError(404, "unknown action '" + action + "' (hangup, transfer, dtmf)");
        }
    }

    /**
     * Asks the call to end and answers once it has left the registry (BYE sent or attempted, ports and slot freed),
     * waiting at most {@link #HANGUP_WAIT_MILLIS} on this HTTP thread (never a Netty or SIP one).
     */
    private void hangup(HttpExchange ex, Call call) throws IOException {
        call.hangup("hangup requested through the HTTP API");
        try {
            String reason = call.ended().toCompletableFuture().get(HANGUP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            send(ex, 200, json.createObjectNode().put("id", call.id()).put("state", "ended").put("reason", reason));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ApiError(504, "call " + call.id() + " is still " + call.state().wireName() + " after "
                    + HANGUP_WAIT_MILLIS / 1000 + " s (its loop did not end it; the sweeper removes it within "
                    + "seconds)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(504, "interrupted while waiting for call " + call.id() + " to end");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ApiError(504, "call " + call.id() + " did not end cleanly: " + e.getCause());
        }
    }

    private ArrayNode callsJson() {
        List<CompletableFuture<CallSnapshot>> futures = registry.all().stream().map(Call::snapshot).toList();
        ArrayNode array = json.createArrayNode();
        for (CompletableFuture<CallSnapshot> f : futures) {
            try {
                array.add(callJson(f.get(1, TimeUnit.SECONDS)));
            } catch (Exception e) {
                // the call ended while we asked: leave it out
            }
        }
        return array;
    }

    private CallSnapshot snapshot(Call call) {
        try {
            return call.snapshot().get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ApiError(404, "call " + call.id() + " ended");
        }
    }

    private ObjectNode callJson(CallSnapshot s) {
        ObjectNode n = json.createObjectNode();
        n.put("id", s.id()).put("callId", s.callId()).put("from", s.from()).put("to", s.to()).put("trunk", s.trunk())
                .put("state", s.state()).put("codec", s.codec()).put("ptime", s.ptime()).put("dtmf", s.dtmf())
                .put("startedAt", s.startedAtMillis()).put("pipeline", s.pipeline());
        RtpEndpointStats m = s.media();
        n.put("packetsIn", m == null ? 0 : m.packetsIn()).put("packetsOut", m == null ? 0 : m.packetsOut())
                .put("lost", m == null ? 0 : m.lost()).put("jitterMs", m == null ? 0 : Math.round(m.jitterMs() * 10) / 10.0);
        if (m != null) {
            n.set("media", json.valueToTree(m));
        }
        n.set("transfer", s.transfer() == null ? null : json.valueToTree(s.transfer()));
        return n;
    }

    private JsonNode body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY + 1);
            if (bytes.length > MAX_BODY) {
                throw new ApiError(400, "body larger than " + MAX_BODY + " bytes");
            }
            JsonNode node = json.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new ApiError(400, "body must be a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ApiError(400, "body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String textField(JsonNode body, String name) {
        JsonNode v = body.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ApiError(400, "body needs a non-empty string field \"" + name + "\"");
        }
        return v.asText().strip();
    }

    private static void requireMethod(String actual, String expected) {
        if (!actual.equals(expected)) {
            throw new ApiError(405, "use " + expected);
        }
    }

    private void error(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, json.createObjectNode().put("error", message));
    }

    private void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** An expected API failure: answered with its status and message, never logged with a stack trace. */
    private static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    /** The bound port (useful when configured as 0 in tests). */
    public int port() {
        return server.getAddress().getPort();
    }
}
