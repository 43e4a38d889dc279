package dev.gateway.sip.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gateway.media.dtmf.DtmfDigit;
import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.quality.CallQuality;
import dev.gateway.sip.metrics.Readiness;
import dev.gateway.sip.call.Call;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.call.CallSnapshot;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The operator's call API: {@code GET /calls}, {@code GET /calls/{id}}, {@code POST /calls/{id}/hangup|transfer|dtmf|recording},
 * and the {@code /healthz} answer. JSON in and out; errors are {@code {"error": "..."}} with 400 (bad body), 404
 * (unknown call or path), 405, and 504 when a hung-up call is not gone within 5 s. Credentials and Host were
 * checked before ({@link ApiAccess}, {@link HostCheck}).
 *
 * <p>Thread-safe. {@link #serve} runs on the API's workers and may block briefly waiting for call snapshots, which
 * the calls take on their own loops; {@link #health()} runs on the event loop and never blocks.
 */
public final class CallsApi implements ApiEndpoint {
    private static final int MAX_BODY = 16 * 1024;
    /** How long {@code POST /calls/{id}/hangup} waits for the call to be gone. */
    static final long HANGUP_WAIT_MILLIS = 5_000;

    private final CallRegistry registry;
    private final BooleanSupplier draining;
    private final ObjectMapper json = new ObjectMapper();

    public CallsApi(CallRegistry registry, BooleanSupplier draining) {
        this.registry = registry;
        this.draining = draining;
    }

    /**
     * {@code /readyz}: {@code {"status": "ready"|"starting"|"draining"|"full"|"busy", "reason": ..., "calls": n}}
     * with 200, 503 (starting, draining) or 429 (call or CPU limit); never blocks.
     */
    public ApiResponse readiness(Readiness readiness) {
        Readiness.Verdict v = readiness.verdict();
        ObjectNode body = json.createObjectNode();
        body.put("status", v.state()).put("reason", v.reason()).put("calls", registry.size());
        ApiResponse r = ApiResponse.json(v.status(), body);
        return v.status() == 503 ? r.withHeader("Retry-After", "5") : r;
    }

    /** {@code {"status": "ok"|"draining", "calls": n, "draining": bool, "sweptCalls": n}}; never blocks. */
    public ApiResponse health() {
        ObjectNode body = json.createObjectNode();
        boolean drain = draining.getAsBoolean();
        body.put("status", drain ? "draining" : "ok");
        body.put("calls", registry.size());
        body.put("draining", drain);
        body.put("sweptCalls", registry.sweptCalls());
        return ApiResponse.json(200, body);
    }

    @Override
    public ApiResponse serve(ApiRequest request) throws IOException {
        try {
            String path = request.path();
            String method = request.method();
            if (path.equals("/calls") || path.equals("/calls/")) {
                requireMethod(method, "GET");
                return ApiResponse.json(200, callsJson());
            }
            if (!path.startsWith("/calls/")) {
                throw new ApiError(404, "unknown path " + path + " (try /healthz or /calls)");
            }
            String[] parts = path.substring("/calls/".length()).split("/");
            Call call = registry.byId(parts[0]);
            if (call == null) {
                throw new ApiError(404, "no call with id '" + parts[0] + "' (GET /calls lists them)");
            }
            if (parts.length == 1) {
                requireMethod(method, "GET");
                return ApiResponse.json(200, callJson(snapshot(call)));
            }
            requireMethod(method, "POST");
            return action(request, call, parts[1]);
        } catch (ApiError e) {
            return ApiResponse.error(e.status, e.getMessage());
        }
    }

    private ApiResponse action(ApiRequest request, Call call, String action) throws IOException {
        switch (action) {
            case "hangup" -> {
                return hangup(call);
            }
            case "transfer" -> {
                String to = textField(body(request), "to");
                String problem = dev.gateway.agent.TransferTarget.problem(to);
                if (problem != null) {
                    throw new ApiError(400, "\"to\": " + problem);
                }
                String refused = call.transferRefusal(to);
                if (refused != null) {
                    throw new ApiError(403, "\"to\": " + refused);
                }
                call.transfer(to);
                return ApiResponse.json(202, json.createObjectNode().put("id", call.id()).put("transfer", to)
                        .put("status", "pending"));
            }
            case "dtmf" -> {
                String digits = textField(body(request), "digits");
                for (char c : digits.toCharArray()) {
                    if (!DtmfDigit.isValid(c)) {
                        throw new ApiError(400, "\"digits\" may hold 0-9, *, #, A-D only, got '" + c + "'");
                    }
                }
                call.sendDtmf(digits);
                return ApiResponse.json(202, json.createObjectNode().put("id", call.id()).put("digits", digits));
            }
            case "recording" -> {
                String what = textField(body(request), "action");
                try {
                    String state = call.recording(what).get(2, TimeUnit.SECONDS);
                    return ApiResponse.json(200, json.createObjectNode().put("id", call.id()).put("recording", state));
                } catch (java.util.concurrent.ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw new ApiError(cause instanceof IllegalArgumentException ? 400 : 409, "\"action\": "
                            + cause.getMessage());
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new ApiError(504, "call " + call.id() + " did not answer within 2 s");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApiError(504, "interrupted while waiting for call " + call.id());
                }
            }
            default -> throw new ApiError(404, "unknown action '" + action + "' (hangup, transfer, dtmf, recording)");
        }
    }

    /**
     * Asks the call to end and answers once it has left the registry (BYE sent or attempted, ports and slot freed),
     * waiting at most {@link #HANGUP_WAIT_MILLIS} on this worker thread (never a Netty or SIP one).
     */
    private ApiResponse hangup(Call call) {
        call.hangup("hangup requested through the HTTP API");
        try {
            String reason = call.ended().toCompletableFuture().get(HANGUP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            return ApiResponse.json(200, json.createObjectNode().put("id", call.id()).put("state", "ended")
                    .put("reason", reason));
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
            CallQuality q = CallQuality.of(m, s.ptime() > 0 ? s.ptime() : 20);
            ObjectNode quality = json.createObjectNode();
            quality.put("packetsIn", q.packetsIn()).put("packetsOut", q.packetsOut()).put("lost", q.lost())
                    .put("late", q.late()).put("concealed", q.concealed())
                    .put("lossPercent", Math.round(q.lossPercent() * 100) / 100.0)
                    .put("jitterMs", Math.round(q.jitterMs() * 10) / 10.0).put("delayMs", q.delayMs())
                    .put("rated", q.rated());
            if (q.rated()) {
                quality.put("r", Math.round(q.r() * 10) / 10.0).put("mos", Math.round(q.mos() * 100) / 100.0);
            }
            n.set("quality", quality);
        }
        n.set("transfer", s.transfer() == null ? null : json.valueToTree(s.transfer()));
        n.put("recording", s.recording());
        if (s.voicemail() == null) {
            n.putNull("voicemail");
        } else {
            n.set("voicemail", json.valueToTree(s.voicemail().fields()));
        }
        return n;
    }

    private JsonNode body(ApiRequest request) throws IOException {
        byte[] bytes = request.body();
        if (bytes.length > MAX_BODY) {
            throw new ApiError(400, "body larger than " + MAX_BODY + " bytes");
        }
        try {
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

    /** An expected API failure: answered with its status and message, never logged with a stack trace. */
    private static final class ApiError extends RuntimeException {
        final int status;

        ApiError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
