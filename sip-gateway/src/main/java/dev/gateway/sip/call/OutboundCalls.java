package dev.gateway.sip.call;

import dev.gateway.agent.CallInfo;
import dev.gateway.agent.RoomTarget;
import dev.gateway.sip.trunk.DialPolicy;
import dev.gateway.sip.trunk.OutboundTrunk;
import dev.gateway.sip.trunk.TrunkCallLimits;
import dev.gateway.sip.trunk.TrunkDefaults;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Places calls through outbound trunks (LiveKit's CreateSIPParticipant): the callee joins the named room as a
 * participant of kind {@code sip} once the room is ready, then the INVITE goes out. Before anything is set up,
 * the trunk's {@link DialPolicy} (completed by {@code trunks.defaults}) is applied: a number outside its {@code allowed_destinations} is refused
 * ({@code permission_denied}), and so is a call over its {@code max_concurrent_calls} or
 * {@code max_calls_per_minute} ({@code resource_exhausted}), each with one WARNING line naming trunk and number
 * ({@link RefusalLog}: at most 10 lines per 10 s).
 *
 * <p>Threading: thread-safe; returns at once (dialing happens on the new call's loop).
 */
public final class OutboundCalls {
    private static final System.Logger LOG = System.getLogger("call");

    private final CallServices services;
    private final Supplier<List<OutboundTrunk>> trunks;
    private final TrunkDefaults defaults;
    private final TrunkCallLimits limits = new TrunkCallLimits();
    private final LongSupplier nanos;
    private final RefusalLog refusals;

    public OutboundCalls(CallServices services, Supplier<List<OutboundTrunk>> trunks) {
        this(services, trunks, TrunkDefaults.NONE, System::nanoTime);
    }

    /**
     * @param defaults what trunks without their own allow-list or caps are held to ({@code trunks.defaults})
     * @param nanos    monotonic nanoseconds for the per-minute cap (injected so tests control time)
     */
    public OutboundCalls(CallServices services, Supplier<List<OutboundTrunk>> trunks, TrunkDefaults defaults,
                         LongSupplier nanos) {
        this.services = services;
        this.trunks = trunks;
        this.defaults = defaults;
        this.nanos = nanos;
        this.refusals = new RefusalLog(LOG, nanos);
    }

    /** A call that was started: its gateway id, SIP Call-ID and how dialing ends. */
    public record Started(String id, String sipCallId, CompletableFuture<OutboundDial.DialOutcome> outcome) {
    }

    /** Why a call could not even be started; {@code code} is a Twirp error code. */
    public static final class Refused extends Exception {
        private final String code;

        public Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * Starts a call to {@code to} through trunk {@code trunkId}, from {@code from} (one of the trunk's numbers;
     * null or empty = its first).
     */
    public Started dial(String trunkId, String to, String from, RoomTarget room, Map<String, String> headers,
                        long ringingMillis, long maxDurationMillis, String dtmf) throws Refused {
        List<OutboundTrunk> all = trunks.get();
        OutboundTrunk trunk = all.stream().filter(t -> t.id().equals(trunkId)).findFirst()
                .orElseThrow(() -> new Refused("not_found", "no outbound trunk with id " + trunkId));
        if (to == null || to.isBlank() || !to.matches("[+0-9A-Za-z*#._-]+")) {
            throw new Refused("invalid_argument", "sip_call_to must be a number or SIP user, got '" + to + "'");
        }
        String caller = from == null || from.isBlank() ? trunk.numbers().get(0) : from;
        if (!trunk.numbers().contains(caller)) {
            // Carriers refuse a From that is not theirs (Twilio error 32204): say so before dialing.
            throw new Refused("invalid_argument", "sip_number " + caller + " is not one of trunk " + trunk.name()
                    + "'s numbers " + trunk.numbers());
        }
        DialPolicy policy = defaults.dialPolicyOf(trunk);
        if (!policy.allowedDestinations().allowsNumber(to)) {
            throw refuse(trunk, to, "permission_denied", to + " is not in the allowed_destinations of trunk "
                    + trunk.displayName());
        }
        if (!services.registry().reserve()) {
            throw new Refused("resource_exhausted", "the gateway is at limits.maxCalls");
        }
        limits.retainOnly(all.stream().map(OutboundTrunk::id).collect(Collectors.toSet()));
        String capped = limits.tryStart(trunk.id(), policy, nanos.getAsLong());
        if (capped != null) {
            services.registry().unreserve();
            throw refuse(trunk, to, "resource_exhausted", "trunk " + trunk.displayName() + ": " + capped);
        }
        String id = "c-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 12);
        String sipCallId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@" + services.sip().advertisedHost();
        OutboundDial dial;
        Call call;
        try {
            dial = new OutboundDial(trunk, to, caller, headers, ringingMillis, maxDurationMillis, dtmf,
                    new CompletableFuture<>());
            CallInfo info = new CallInfo(id, caller, to, trunk.id(), Map.of(), room);
            call = new OutboundDialog(sipCallId, info, dial, services.media().nextLoop(), services);
        } catch (RuntimeException e) { // give back both slots: the call never existed
            services.registry().unreserve();
            limits.finished(trunk.id());
            throw e;
        }
        services.registry().add(call, () -> limits.finished(trunk.id()));
        call.begin();
        return new Started(id, sipCallId, dial.outcome());
    }

    private Refused refuse(OutboundTrunk trunk, String to, String code, String why) {
        refusals.refused("outbound call refused: trunk=" + trunk.displayName() + " to=" + to + " (" + code + "): "
                + why);
        return new Refused(code, why);
    }
}
