package dev.gateway.sip.call;

import dev.gateway.agent.CallInfo;
import dev.gateway.agent.RoomTarget;
import dev.gateway.sip.trunk.OutboundTrunk;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * Places calls through outbound trunks (LiveKit's CreateSIPParticipant): the callee joins the named room as a
 * participant of kind {@code sip} once the room is ready, then the INVITE goes out.
 *
 * <p>Threading: thread-safe; returns at once (dialing happens on the new call's loop).
 */
public final class OutboundCalls {
    private final CallServices services;
    private final Supplier<List<OutboundTrunk>> trunks;

    public OutboundCalls(CallServices services, Supplier<List<OutboundTrunk>> trunks) {
        this.services = services;
        this.trunks = trunks;
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
        OutboundTrunk trunk = trunks.get().stream().filter(t -> t.id().equals(trunkId)).findFirst()
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
        if (!services.registry().reserve()) {
            throw new Refused("resource_exhausted", "the gateway is at limits.maxCalls");
        }
        String id = "c-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 12);
        String sipCallId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@" + services.sip().advertisedHost();
        CallInfo info = new CallInfo(id, caller, to, trunk.id(), Map.of(), room);
        OutboundDial dial = new OutboundDial(trunk, to, caller, headers, ringingMillis, maxDurationMillis, dtmf,
                new CompletableFuture<>());
        Call call = new OutboundDialog(sipCallId, info, dial, services.media().nextLoop(), services);
        services.registry().add(call);
        call.begin();
        return new Started(id, sipCallId, dial.outcome());
    }
}
