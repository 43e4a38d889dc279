package dev.gateway.sip.api.twirp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gateway.sip.redis.RedisLink;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import livekit.LivekitSip.TransferSIPParticipantRequest;

/**
 * Carries a {@code TransferSIPParticipant} that reaches a node not holding the call to the node that does, over
 * the Redis the nodes share. No registry of calls is kept: the request is published to every node, each answers
 * "not here" or, if it holds the call, the transfer's outcome; the asking node waits for the holder's answer or
 * for every other node's "not here" ({@code not_found}).
 * <pre>
 * CHANNEL &lt;prefix&gt;calls:requests        {"id", "from", "deadline" (epoch ms), "authorization", "request" (base64 proto)}
 * CHANNEL &lt;prefix&gt;calls:replies:&lt;node&gt;  {"id", "found", "code" ("" = done), "msg", "meta"}
 * </pre>
 * The holder checks the caller's access token itself (signature, expiry, {@code sip.call} and {@code roomAdmin} of
 * the room) with the API secret all nodes share, and drops requests past their deadline. Bounded: at most
 * {@value #MAX_PENDING} requests waiting on this node and {@value #MAX_SERVING} relayed transfers running here.
 *
 * <p>Thread-safe. Messages are handled on the Redis events thread; {@link #transfer} publishes on the caller's
 * thread (an HTTP worker).
 */
public final class CallRelay {

    private static final System.Logger LOG = System.getLogger("call-relay");
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_PENDING = 64;
    static final int MAX_SERVING = 64;
    private static final int MAX_MESSAGE = 64 * 1024;

    /** The local side: does this node hold the call, and transfer it. */
    public interface Local {
        boolean holds(TransferSIPParticipantRequest request);

        CompletableFuture<Void> transfer(TransferSIPParticipantRequest request);
    }

    private record Pending(CompletableFuture<Void> future, int[] counts) {
        // counts[0]: nodes expected to answer (-1 until the publish returned), counts[1]: "not here" answers
    }

    private final RedisLink redis;
    private final String node;
    private final AccessTokenVerifier verifier;
    private final Local local;
    private final LongSupplier millis;
    private final String requests;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Semaphore serving = new Semaphore(MAX_SERVING);
    private final SecureRandom random = new SecureRandom();
    private final LongAdder expired = new LongAdder();
    private final AtomicBoolean badLogged = new AtomicBoolean();

    public CallRelay(RedisLink redis, AccessTokenVerifier verifier, Local local, LongSupplier millis) {
        this.redis = redis;
        this.verifier = verifier;
        this.local = local;
        this.millis = millis;
        this.node = randomId(12);
        this.requests = redis.key("calls:requests");
    }

    /** Subscribes to the request channel and this node's reply channel. */
    public void start() {
        redis.subscribe(requests, this::serve);
        redis.subscribe(replies(node), this::answer);
        LOG.log(System.Logger.Level.INFO, "call control relayed between nodes through redis as node " + node);
    }

    /**
     * Asks the other nodes to transfer a call this node does not hold.
     *
     * @param authorization the caller's {@code Authorization} header, checked again by the holder
     * @return completes when the holder has transferred the call; fails with a {@link TwirpException}
     */
    public CompletableFuture<Void> transfer(String authorization, TransferSIPParticipantRequest r, Duration timeout) {
        if (pending.size() >= MAX_PENDING) {
            throw new TwirpException("resource_exhausted", "too many transfers waiting for another node ("
                    + MAX_PENDING + ")");
        }
        String id = randomId(16);
        Pending p = new Pending(new CompletableFuture<>(), new int[] {-1, 0});
        pending.put(id, p);
        p.future().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((v, e) -> pending.remove(id));
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("from", node)
                .put("deadline", millis.getAsLong() + timeout.toMillis())
                .put("authorization", authorization == null ? "" : authorization)
                .put("request", Base64.getEncoder().encodeToString(r.toByteArray()));
        long receivers;
        try {
            receivers = redis.commands().publish(requests, msg.toString());
        } catch (RedisException e) {
            pending.remove(id);
            throw new TwirpException("unavailable", "the call is not on this node and redis cannot be reached to "
                    + "ask the others: " + e.getMessage());
        }
        synchronized (p) {
            p.counts()[0] = (int) Math.max(0, receivers - 1); // this node hears its own request too
            settleIfNobody(p);
        }
        return p.future();
    }

    /** A request from another node (events thread). */
    private void serve(String message) {
        JsonNode m;
        TransferSIPParticipantRequest r;
        try {
            if (message.length() > MAX_MESSAGE) {
                throw new IOException("message of " + message.length() + " characters");
            }
            m = JSON.readTree(message);
            r = TransferSIPParticipantRequest.parseFrom(Base64.getDecoder().decode(m.path("request").asText("")));
        } catch (IOException | IllegalArgumentException e) {
            if (badLogged.compareAndSet(false, true)) {
                LOG.log(System.Logger.Level.WARNING, "ignoring a malformed relay request: " + e.getMessage());
            }
            return;
        }
        String from = m.path("from").asText("");
        String id = m.path("id").asText("");
        if (from.equals(node) || from.isEmpty() || id.isEmpty()) {
            return;
        }
        long left = m.path("deadline").asLong(0) - millis.getAsLong();
        if (left <= 0) {
            expired.increment();
            return; // the asking node has given up already
        }
        if (!local.holds(r)) {
            reply(from, id, false, "", "", Map.of());
            return;
        }
        try {
            ApiGrants g = verifier.verify(m.path("authorization").asText(""));
            if (!g.sipCall() || !g.isAdminOf(r.getRoomName())) {
                throw new TwirpException("permission_denied", "TransferSIPParticipant needs the sip.call grant and "
                        + "roomAdmin of room '" + r.getRoomName() + "'");
            }
        } catch (TwirpException e) {
            reply(from, id, true, e.code(), e.getMessage(), e.meta());
            return;
        }
        if (!serving.tryAcquire()) {
            reply(from, id, true, "resource_exhausted", "too many relayed transfers on node " + node, Map.of());
            return;
        }
        LOG.log(System.Logger.Level.INFO, "transfer of " + r.getParticipantIdentity() + " in room " + r.getRoomName()
                + " relayed from node " + from);
        CompletableFuture<Void> done;
        try {
            done = local.transfer(r);
        } catch (TwirpException e) {
            serving.release();
            reply(from, id, true, e.code(), e.getMessage(), e.meta());
            return;
        }
        done.orTimeout(left, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            serving.release();
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            // completed on a call's loop: publish from the events thread, never block the loop
            redis.run(() -> {
                if (c == null) {
                    reply(from, id, true, "", "", Map.of());
                } else if (c instanceof TwirpException t) {
                    reply(from, id, true, t.code(), t.getMessage(), t.meta());
                } else if (c instanceof java.util.concurrent.TimeoutException) {
                    reply(from, id, true, "deadline_exceeded", "transfer did not finish in time", Map.of());
                } else {
                    reply(from, id, true, "internal", "transfer failed: " + c, Map.of());
                }
            });
        });
    }

    /** A reply to one of our requests (events thread). */
    private void answer(String message) {
        JsonNode m;
        try {
            m = JSON.readTree(message);
        } catch (IOException e) {
            return;
        }
        Pending p = pending.get(m.path("id").asText(""));
        if (p == null) {
            return; // timed out already, or a second answer
        }
        if (!m.path("found").asBoolean(false)) {
            synchronized (p) {
                p.counts()[1]++;
                settleIfNobody(p);
            }
            return;
        }
        String code = m.path("code").asText("");
        if (code.isEmpty()) {
            p.future().complete(null);
        } else {
            Map<String, String> meta = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = m.path("meta").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                meta.put(e.getKey(), e.getValue().asText());
            }
            TwirpException error;
            try {
                error = new TwirpException(code, m.path("msg").asText(""), meta);
            } catch (IllegalArgumentException e) {
                error = new TwirpException("internal", "another node answered with code '" + code + "'");
            }
            p.future().completeExceptionally(error);
        }
    }

    /** Called holding {@code p}: every other node said "not here". */
    private static void settleIfNobody(Pending p) {
        if (p.counts()[0] >= 0 && p.counts()[1] >= p.counts()[0]) {
            p.future().completeExceptionally(new TwirpException("not_found", "no call with that participant in that "
                    + "room on any gateway node"));
        }
    }

    private void reply(String to, String id, boolean found, String code, String msg, Map<String, String> meta) {
        ObjectNode out = JSON.createObjectNode().put("id", id).put("node", node).put("found", found)
                .put("code", code).put("msg", msg);
        ObjectNode metaNode = out.putObject("meta");
        meta.forEach(metaNode::put);
        try {
            redis.commands().publish(replies(to), out.toString());
        } catch (RedisException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot answer node " + to + ": " + e.getMessage());
        }
    }

    private String replies(String nodeId) {
        return redis.key("calls:replies:" + nodeId);
    }

    private String randomId(int length) {
        String chars = "0123456789abcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(chars.charAt(random.nextInt(chars.length())));
        }
        return sb.toString();
    }
}
