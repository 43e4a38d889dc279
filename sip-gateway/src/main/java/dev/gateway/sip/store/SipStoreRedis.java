package dev.gateway.sip.store;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.gateway.sip.redis.RedisLink;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkInfo;

/**
 * The SIP API's entries in the Redis that nodes share. One hash per table, each field an entry's id and its value
 * the entry as LiveKit's protojson (as in the data file), and one channel announcing changes:
 * <pre>
 * HASH    &lt;prefix&gt;sip:inbound    ST_xxx  -&gt; {"sip_trunk_id": "ST_xxx", ...}
 * HASH    &lt;prefix&gt;sip:outbound   ST_yyy  -&gt; {...}
 * HASH    &lt;prefix&gt;sip:rules      SDR_zzz -&gt; {...}
 * CHANNEL &lt;prefix&gt;sip:changed    "&lt;table&gt; &lt;id&gt;" after every write
 * </pre>
 * A write touches only its own entry (HSET or HDEL) and then publishes, so two nodes changing different entries
 * at once both keep their change; the same entry changed twice at once keeps the later write. A reader sorts each
 * table by {@code created_at}, then id, which is the order the API created them in.
 *
 * <p>Called under {@link SipStore}'s lock (writes) or on the Redis events thread (reads); blocks for a round trip.
 */
final class SipStoreRedis implements SipStorage {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
    /** Entries per table read at most: far above any real deployment, it bounds what a bad writer costs us. */
    static final int MAX_ENTRIES = 10_000;

    private final RedisLink redis;
    private final String channel;

    SipStoreRedis(RedisLink redis) {
        this.redis = redis;
        this.channel = redis.key("sip:changed");
    }

    /**
     * Runs {@code resync} (on the events thread) after each published change and after a reconnection, where it
     * is tried again while it answers false (Redis not readable).
     */
    void onRemoteChange(java.util.function.BooleanSupplier resync) {
        redis.subscribe(channel, message -> resync.getAsBoolean());
        redis.onResync(resync);
    }

    @Override
    public Contents read() throws IOException {
        try {
            RedisCommands<String, String> c = redis.commands();
            return new Contents(
                    entries(c, Table.INBOUND, SIPInboundTrunkInfo::newBuilder, t -> t.getCreatedAt(),
                            SIPInboundTrunkInfo::getSipTrunkId),
                    entries(c, Table.OUTBOUND, SIPOutboundTrunkInfo::newBuilder, t -> t.getCreatedAt(),
                            SIPOutboundTrunkInfo::getSipTrunkId),
                    entries(c, Table.RULES, SIPDispatchRuleInfo::newBuilder, r -> r.getCreatedAt(),
                            SIPDispatchRuleInfo::getSipDispatchRuleId));
        } catch (RedisException e) {
            throw new IOException("redis: " + e.getMessage(), e);
        }
    }

    @Override
    public void write(Change change, Contents after) throws IOException {
        try {
            RedisCommands<String, String> c = redis.commands();
            String key = key(change.table());
            if (change.value() == null) {
                c.hdel(key, change.id());
            } else {
                c.hset(key, change.id(), PRINTER.print(change.value()));
            }
            c.publish(channel, change.table().key + " " + change.id());
        } catch (RedisException | InvalidProtocolBufferException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public String describe() {
        return "redis " + redis.key("sip:*");
    }

    private String key(Table table) {
        return redis.key("sip:" + table.key);
    }

    @SuppressWarnings("unchecked")
    private <T extends Message> List<T> entries(RedisCommands<String, String> c, Table table,
                                                Supplier<? extends Message.Builder> builder,
                                                Function<T, Timestamp> createdAt, Function<T, String> id)
            throws IOException {
        String key = key(table);
        long size = c.hlen(key);
        if (size > MAX_ENTRIES) {
            throw new IOException(key + " holds " + size + " entries, more than " + MAX_ENTRIES);
        }
        List<T> out = new ArrayList<>();
        for (Map.Entry<String, String> e : c.hgetall(key).entrySet()) {
            Message.Builder b = builder.get();
            try {
                PARSER.merge(e.getValue(), b);
            } catch (InvalidProtocolBufferException ex) {
                throw new IOException(key + " " + e.getKey() + ": " + ex.getMessage(), ex);
            }
            T entry = (T) b.build();
            if (!id.apply(entry).equals(e.getKey())) {
                throw new IOException(key + " " + e.getKey() + ": the entry's id is '" + id.apply(entry) + "'");
            }
            out.add(entry);
        }
        out.sort(Comparator.comparing((T t) -> createdAt.apply(t).getSeconds())
                .thenComparing(t -> createdAt.apply(t).getNanos()).thenComparing(id));
        return out;
    }
}
