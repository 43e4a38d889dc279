package dev.gateway.sip.store;

import com.google.protobuf.Timestamp;
import dev.gateway.sip.config.DispatchRule;
import dev.gateway.sip.redis.RedisLink;
import dev.gateway.sip.trunk.InboundTrunk;
import dev.gateway.sip.trunk.OutboundTrunk;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import livekit.LivekitSip.SIPDispatchRuleInfo;
import livekit.LivekitSip.SIPInboundTrunkInfo;
import livekit.LivekitSip.SIPOutboundTrunkInfo;

/**
 * The SIP trunks and dispatch rules the gateway serves: those of the configuration file (read-only) merged with
 * those created through the SIP API, which are persisted in {@code <dataDir>/sip-api.json} (see
 * {@link SipStoreFile}) and so survive a restart, or, with {@code redis} configured, in the Redis that nodes share
 * ({@link SipStoreRedis}): there every node serves the same set and takes other nodes' changes live (see
 * {@link #openShared}). Entries are kept both as LiveKit protobuf messages (what the API
 * returns) and as the gateway's validated records (what call handling uses, see {@link Snapshot}).
 *
 * <p>Every change is validated first, then written to disk, then applied; if the write fails nothing changes.
 * After each change the listeners get the new {@link Snapshot}, in order, on the changing thread and under the
 * store's lock: they must be quick (swap an atomic reference) and must not call back into the store's mutators.
 *
 * <p>Thread-safe: all methods are synchronized on the store.
 */
public final class SipStore {

    /** Everything call handling needs, config entries first, then API entries in creation order. Immutable. */
    public record Snapshot(List<InboundTrunk> inbound, List<OutboundTrunk> outbound, List<DispatchRule> rules) {
        public Snapshot {
            inbound = List.copyOf(inbound);
            outbound = List.copyOf(outbound);
            rules = List.copyOf(rules);
        }
    }

    private record Entry<P, R>(P proto, R record, boolean fromConfig) {
    }

    private static final System.Logger LOG = System.getLogger("sip-store");
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    static final String TRUNK_PREFIX = "ST_";
    static final String RULE_PREFIX = "SDR_";

    private final SipStorage storage;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final List<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();
    private Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> inbound = new LinkedHashMap<>();
    private Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> outbound = new LinkedHashMap<>();
    private Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> rules = new LinkedHashMap<>();
    private Snapshot snapshot;

    private SipStore(SipStorage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * Loads the data file of {@code dataDirectory} (creating the directory if needed) and merges it with the
     * configuration's entries. A stored entry whose id a config entry also has is dropped with a warning.
     *
     * @throws IOException if the file cannot be read or holds an entry that no longer validates (naming it)
     */
    public static SipStore open(Path dataDirectory, List<InboundTrunk> configInbound,
                                List<OutboundTrunk> configOutbound, List<DispatchRule> configRules, Clock clock)
            throws IOException {
        return open(new SipStoreFile(dataDirectory), configInbound, configOutbound, configRules, clock);
    }

    /**
     * Loads the API's entries from the shared Redis and merges them with the configuration's (which stay this
     * node's own, read-only). Afterwards, every change another node publishes, and the reconnection after a loss
     * of Redis, makes this store read Redis again and swap its snapshot (listeners are told); while Redis is
     * unreachable the last snapshot is served and API changes fail with {@code STORAGE}.
     *
     * @throws IOException if Redis cannot be read or holds an entry that does not validate (naming it)
     */
    public static SipStore openShared(RedisLink redis, List<InboundTrunk> configInbound,
                                      List<OutboundTrunk> configOutbound, List<DispatchRule> configRules, Clock clock)
            throws IOException {
        SipStoreRedis storage = new SipStoreRedis(redis);
        SipStore s = open(storage, configInbound, configOutbound, configRules, clock);
        storage.onRemoteChange(s::resync);
        return s;
    }

    private static SipStore open(SipStorage storage, List<InboundTrunk> configInbound,
                                 List<OutboundTrunk> configOutbound, List<DispatchRule> configRules, Clock clock)
            throws IOException {
        SipStore s = new SipStore(storage, clock);
        configInbound.forEach(t -> s.inbound.put(t.id(), new Entry<>(SipProtoRecords.toProto(t), t, true)));
        configOutbound.forEach(t -> s.outbound.put(t.id(), new Entry<>(SipProtoRecords.toProto(t), t, true)));
        configRules.forEach(r -> s.rules.put(r.id(), new Entry<>(SipProtoRecords.toProto(r), r, true)));
        SipStorage.Contents stored = s.storage.read();
        try {
            for (SIPInboundTrunkInfo p : stored.inbound()) {
                if (s.keep(s.inbound, p.getSipTrunkId())) {
                    s.inbound.put(p.getSipTrunkId(), new Entry<>(p, SipProtoRecords.inbound(p, "inbound"), false));
                }
            }
            for (SIPOutboundTrunkInfo p : stored.outbound()) {
                if (s.keep(s.outbound, p.getSipTrunkId())) {
                    s.outbound.put(p.getSipTrunkId(), new Entry<>(p, SipProtoRecords.outbound(p, "outbound"), false));
                }
            }
            for (SIPDispatchRuleInfo p : stored.rules()) {
                if (s.keep(s.rules, p.getSipDispatchRuleId())) {
                    // trunk references are checked when a rule is created or updated, not at load: the trunk
                    // may have been deleted since, which leaves the rule matching nothing.
                    DispatchRule r = SipProtoRecords.rule(p, "rules", Set.copyOf(p.getTrunkIdsList()));
                    s.rules.put(p.getSipDispatchRuleId(), new Entry<>(p, r, false));
                }
            }
        } catch (SipStoreException e) {
            throw new IOException(s.storage.describe() + ": " + e.getMessage(), e);
        }
        s.snapshot = s.buildSnapshot();
        return s;
    }

    private boolean keep(Map<String, ? extends Entry<?, ?>> table, String id) throws IOException {
        if (id.isEmpty()) {
            throw new IOException(storage.describe() + ": an entry has no id");
        }
        Entry<?, ?> existing = table.get(id);
        if (existing != null) {
            LOG.log(System.Logger.Level.WARNING, storage.describe() + ": id " + id
                    + (existing.fromConfig() ? " is also defined in the config file, which wins" : " is duplicated"));
            return false;
        }
        return true;
    }

    /** Calls {@code listener} with every later snapshot (see the class comment for the rules). */
    public void onChange(Consumer<Snapshot> listener) {
        listeners.add(listener);
    }

    public synchronized Snapshot snapshot() {
        return snapshot;
    }

    /** True if {@code id} names a trunk or rule defined in the configuration file. */
    public synchronized boolean isFromConfig(String id) {
        Entry<?, ?> e = inbound.containsKey(id) ? inbound.get(id)
                : outbound.containsKey(id) ? outbound.get(id) : rules.get(id);
        return e != null && e.fromConfig();
    }

    // ---- inbound trunks

    /** Stores a new trunk under a fresh {@code ST_} id. {@code sip_trunk_id} must be empty. */
    public synchronized SIPInboundTrunkInfo createInbound(SIPInboundTrunkInfo trunk) {
        requireNoId(trunk.getSipTrunkId(), "trunk.sip_trunk_id");
        SIPInboundTrunkInfo p = trunk.toBuilder().setSipTrunkId(newId(TRUNK_PREFIX)).setCreatedAt(now())
                .clearUpdatedAt().build();
        Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> next = new LinkedHashMap<>(inbound);
        next.put(p.getSipTrunkId(), new Entry<>(p, SipProtoRecords.inbound(p, "trunk"), false));
        commit(new SipStorage.Change(SipStorage.Table.INBOUND, p.getSipTrunkId(), p), next, outbound, rules);
        return p;
    }

    public synchronized SIPInboundTrunkInfo getInbound(String id) {
        return found(inbound, id, "inbound trunk").proto();
    }

    /** Trunks with any of {@code ids} (all if empty) that serve any of {@code numbers} (all if empty). */
    public synchronized List<SIPInboundTrunkInfo> listInbound(Collection<String> ids, Collection<String> numbers) {
        return inbound.values().stream().map(Entry::proto)
                .filter(p -> ids.isEmpty() || ids.contains(p.getSipTrunkId()))
                .filter(p -> matchesAny(p.getNumbersList(), numbers)).toList();
    }

    /**
     * Replaces a stored trunk by {@code change(current)}; the id and creation time are kept.
     *
     * @param path request field the new value came from, for error messages ({@code replace}, {@code update})
     */
    public synchronized SIPInboundTrunkInfo updateInbound(String id, String path,
                                                          UnaryOperator<SIPInboundTrunkInfo> change) {
        Entry<SIPInboundTrunkInfo, InboundTrunk> e = editable(inbound, id, "inbound trunk");
        SIPInboundTrunkInfo.Builder b = change.apply(e.proto()).toBuilder().setSipTrunkId(id).setUpdatedAt(now());
        if (e.proto().hasCreatedAt()) {
            b.setCreatedAt(e.proto().getCreatedAt());
        }
        SIPInboundTrunkInfo p = b.build();
        Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> next = new LinkedHashMap<>(inbound);
        next.put(id, new Entry<>(p, SipProtoRecords.inbound(p, path), false));
        commit(new SipStorage.Change(SipStorage.Table.INBOUND, id, p), next, outbound, rules);
        return p;
    }

    // ---- outbound trunks

    public synchronized SIPOutboundTrunkInfo createOutbound(SIPOutboundTrunkInfo trunk) {
        requireNoId(trunk.getSipTrunkId(), "trunk.sip_trunk_id");
        SIPOutboundTrunkInfo p = trunk.toBuilder().setSipTrunkId(newId(TRUNK_PREFIX)).setCreatedAt(now())
                .clearUpdatedAt().build();
        Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> next = new LinkedHashMap<>(outbound);
        next.put(p.getSipTrunkId(), new Entry<>(p, SipProtoRecords.outbound(p, "trunk"), false));
        commit(new SipStorage.Change(SipStorage.Table.OUTBOUND, p.getSipTrunkId(), p), inbound, next, rules);
        return p;
    }

    public synchronized SIPOutboundTrunkInfo getOutbound(String id) {
        return found(outbound, id, "outbound trunk").proto();
    }

    public synchronized List<SIPOutboundTrunkInfo> listOutbound(Collection<String> ids, Collection<String> numbers) {
        return outbound.values().stream().map(Entry::proto)
                .filter(p -> ids.isEmpty() || ids.contains(p.getSipTrunkId()))
                .filter(p -> matchesAny(p.getNumbersList(), numbers)).toList();
    }

    public synchronized SIPOutboundTrunkInfo updateOutbound(String id, String path,
                                                            UnaryOperator<SIPOutboundTrunkInfo> change) {
        Entry<SIPOutboundTrunkInfo, OutboundTrunk> e = editable(outbound, id, "outbound trunk");
        SIPOutboundTrunkInfo.Builder b = change.apply(e.proto()).toBuilder().setSipTrunkId(id).setUpdatedAt(now());
        if (e.proto().hasCreatedAt()) {
            b.setCreatedAt(e.proto().getCreatedAt());
        }
        SIPOutboundTrunkInfo p = b.build();
        Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> next = new LinkedHashMap<>(outbound);
        next.put(id, new Entry<>(p, SipProtoRecords.outbound(p, path), false));
        commit(new SipStorage.Change(SipStorage.Table.OUTBOUND, id, p), inbound, next, rules);
        return p;
    }

    /** Deletes an inbound or outbound trunk. Dispatch rules naming it stay and then match nothing. */
    public synchronized void deleteTrunk(String id) {
        if (inbound.containsKey(id)) {
            editable(inbound, id, "trunk");
            Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> next = new LinkedHashMap<>(inbound);
            next.remove(id);
            commit(new SipStorage.Change(SipStorage.Table.INBOUND, id, null), next, outbound, rules);
        } else {
            editable(outbound, id, "trunk");
            Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> next = new LinkedHashMap<>(outbound);
            next.remove(id);
            commit(new SipStorage.Change(SipStorage.Table.OUTBOUND, id, null), inbound, next, rules);
        }
    }

    // ---- dispatch rules

    /** Stores a new rule under a fresh {@code SDR_} id; {@code trunk_ids} must name known inbound trunks. */
    public synchronized SIPDispatchRuleInfo createRule(SIPDispatchRuleInfo rule, String path) {
        requireNoId(rule.getSipDispatchRuleId(), SipStoreException.field(path, "sip_dispatch_rule_id"));
        SIPDispatchRuleInfo p = rule.toBuilder().setSipDispatchRuleId(newId(RULE_PREFIX)).setCreatedAt(now())
                .clearUpdatedAt().build();
        Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> next = new LinkedHashMap<>(rules);
        next.put(p.getSipDispatchRuleId(), new Entry<>(p, SipProtoRecords.rule(p, path, inboundIds()), false));
        commit(new SipStorage.Change(SipStorage.Table.RULES, p.getSipDispatchRuleId(), p), inbound, outbound, next);
        return p;
    }

    /** Rules with any of {@code ids} (all if empty) serving any of {@code trunkIds} (all if empty). */
    public synchronized List<SIPDispatchRuleInfo> listRules(Collection<String> ids, Collection<String> trunkIds) {
        return rules.values().stream().map(Entry::proto)
                .filter(p -> ids.isEmpty() || ids.contains(p.getSipDispatchRuleId()))
                .filter(p -> matchesAny(p.getTrunkIdsList(), trunkIds)).toList();
    }

    public synchronized SIPDispatchRuleInfo updateRule(String id, String path, UnaryOperator<SIPDispatchRuleInfo> change) {
        Entry<SIPDispatchRuleInfo, DispatchRule> e = editable(rules, id, "dispatch rule");
        SIPDispatchRuleInfo.Builder b = change.apply(e.proto()).toBuilder().setSipDispatchRuleId(id).setUpdatedAt(now());
        if (e.proto().hasCreatedAt()) {
            b.setCreatedAt(e.proto().getCreatedAt());
        }
        SIPDispatchRuleInfo p = b.build();
        Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> next = new LinkedHashMap<>(rules);
        next.put(id, new Entry<>(p, SipProtoRecords.rule(p, path, inboundIds()), false));
        commit(new SipStorage.Change(SipStorage.Table.RULES, id, p), inbound, outbound, next);
        return p;
    }

    public synchronized SIPDispatchRuleInfo deleteRule(String id) {
        Entry<SIPDispatchRuleInfo, DispatchRule> e = editable(rules, id, "dispatch rule");
        Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> next = new LinkedHashMap<>(rules);
        next.remove(id);
        commit(new SipStorage.Change(SipStorage.Table.RULES, id, null), inbound, outbound, next);
        return e.proto();
    }

    // ---- internals (called with the lock held)

    private void commit(SipStorage.Change change, Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> in,
                        Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> out,
                        Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> rs) {
        try {
            storage.write(change, new SipStorage.Contents(stored(in), stored(out), stored(rs)));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot write " + storage.describe() + ": " + e.getMessage());
            throw new SipStoreException(SipStoreException.Reason.STORAGE, "cannot write " + storage.describe() + ": "
                    + e.getMessage(), e);
        }
        apply(in, out, rs);
    }

    private void apply(Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> in,
                       Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> out,
                       Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> rs) {
        inbound = in;
        outbound = out;
        rules = rs;
        snapshot = buildSnapshot();
        for (Consumer<Snapshot> l : listeners) {
            l.accept(snapshot);
        }
    }

    /**
     * Reads the storage again and, if its entries differ from ours, swaps them in (config entries kept). An entry
     * that no longer validates, or whose id a config entry has, is left out with a warning; if the storage cannot
     * be read the current snapshot stays. Called on the Redis events thread.
     *
     * @return false if the storage could not be read
     */
    synchronized boolean resync() {
        SipStorage.Contents stored;
        try {
            stored = storage.read();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read " + storage.describe() + ", keeping the last snapshot: "
                    + e.getMessage());
            return false;
        }
        if (stored.equals(new SipStorage.Contents(stored(inbound), stored(outbound), stored(rules)))) {
            return true;
        }
        Map<String, Entry<SIPInboundTrunkInfo, InboundTrunk>> in = fromConfig(inbound);
        Map<String, Entry<SIPOutboundTrunkInfo, OutboundTrunk>> out = fromConfig(outbound);
        Map<String, Entry<SIPDispatchRuleInfo, DispatchRule>> rs = fromConfig(rules);
        for (SIPInboundTrunkInfo p : stored.inbound()) {
            lenientPut(in, p.getSipTrunkId(), p, () -> SipProtoRecords.inbound(p, "inbound"));
        }
        for (SIPOutboundTrunkInfo p : stored.outbound()) {
            lenientPut(out, p.getSipTrunkId(), p, () -> SipProtoRecords.outbound(p, "outbound"));
        }
        for (SIPDispatchRuleInfo p : stored.rules()) {
            lenientPut(rs, p.getSipDispatchRuleId(), p,
                    () -> SipProtoRecords.rule(p, "rules", Set.copyOf(p.getTrunkIdsList())));
        }
        apply(in, out, rs);
        return true;
    }

    private static <P, R> Map<String, Entry<P, R>> fromConfig(Map<String, Entry<P, R>> table) {
        Map<String, Entry<P, R>> out = new LinkedHashMap<>();
        table.forEach((id, e) -> {
            if (e.fromConfig()) {
                out.put(id, e);
            }
        });
        return out;
    }

    private <P, R> void lenientPut(Map<String, Entry<P, R>> table, String id, P proto,
                                   java.util.function.Supplier<R> record) {
        if (id.isEmpty() || table.containsKey(id)) {
            LOG.log(System.Logger.Level.WARNING, storage.describe() + ": skipping an entry with "
                    + (id.isEmpty() ? "no id" : "id " + id + ", which the config file or another entry has"));
            return;
        }
        try {
            table.put(id, new Entry<>(proto, record.get(), false));
        } catch (SipStoreException e) {
            LOG.log(System.Logger.Level.WARNING, storage.describe() + ": skipping " + id + ": " + e.getMessage());
        }
    }

    private static <P> List<P> stored(Map<String, ? extends Entry<P, ?>> table) {
        return table.values().stream().filter(e -> !e.fromConfig()).map(Entry::proto).toList();
    }

    private Snapshot buildSnapshot() {
        return new Snapshot(inbound.values().stream().map(Entry::record).toList(),
                outbound.values().stream().map(Entry::record).toList(),
                rules.values().stream().map(Entry::record).toList());
    }

    private Set<String> inboundIds() {
        Set<String> ids = new HashSet<>(inbound.keySet());
        if (ids.isEmpty()) {
            ids.add(InboundTrunk.OPEN_TRUNK_ID); // as the config loader: the open trunk stands in
        }
        return ids;
    }

    private static <E extends Entry<?, ?>> E found(Map<String, E> table, String id, String what) {
        E e = table.get(id);
        if (e == null) {
            throw SipStoreException.notFound(what, id);
        }
        return e;
    }

    private static <E extends Entry<?, ?>> E editable(Map<String, E> table, String id, String what) {
        E e = found(table, id, what);
        if (e.fromConfig()) {
            throw new SipStoreException(SipStoreException.Reason.READ_ONLY, null, what + " '" + id
                    + "' is defined in the config file; change it there (the API can only change what it created)");
        }
        return e;
    }

    private static void requireNoId(String id, String field) {
        if (!id.isEmpty()) {
            throw SipStoreException.invalid(field, "must be empty: the gateway assigns ids");
        }
    }

    private static boolean matchesAny(List<String> values, Collection<String> wanted) {
        return wanted.isEmpty() || values.isEmpty() || values.stream().anyMatch(wanted::contains);
    }

    private String newId(String prefix) {
        while (true) {
            StringBuilder sb = new StringBuilder(prefix);
            for (int i = 0; i < 12; i++) {
                sb.append(BASE62.charAt(random.nextInt(BASE62.length())));
            }
            String id = sb.toString();
            if (!inbound.containsKey(id) && !outbound.containsKey(id) && !rules.containsKey(id)) {
                return id;
            }
        }
    }

    private Timestamp now() {
        Instant t = clock.instant();
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    @Override
    public String toString() {
        return "SipStore[" + storage.describe() + "]";
    }
}
