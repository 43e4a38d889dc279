package dev.gateway.sip.api.twirp;

import com.google.protobuf.Message;
import dev.gateway.sip.store.SipStore;
import dev.gateway.sip.store.SipStoreException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Function;
import livekit.LivekitModels.Pagination;
import livekit.LivekitSip.*;

/**
 * The methods of Twirp service {@code livekit.SIP}, on decoded messages: grant checks, request validation, the
 * store for trunks and dispatch rules, {@link SipCallControl} for calls. Errors as {@link TwirpException}.
 *
 * <p>Thread-safe. {@code CreateSIPParticipant} and {@code TransferSIPParticipant} block the calling (HTTP
 * server) thread until the call side completes or {@code callTimeout} passes.
 */
final class SipTwirpService {

    /** One RPC: its request type, the grant it needs, and what it does. */
    record Method(Message requestPrototype, Grant grant, BiFunction<Message, Caller, Message> body) {
    }

    /** Who asks: the verified grants and the {@code Authorization} header they came from. */
    record Caller(ApiGrants grants, String authorization) {
    }

    enum Grant { SIP_ADMIN, SIP_CALL }

    private final SipStore store;
    private final SipCallControl calls;
    private final Duration callTimeout;
    private final CallRelay relay;
    private final Map<String, Method> methods;

    /**
     * @param calls null when the gateway places no calls: the call methods answer {@code unavailable}
     * @param relay carries transfers of calls held by other nodes, null for one node
     */
    SipTwirpService(SipStore store, SipCallControl calls, CallRelay relay, Duration callTimeout) {
        this.store = store;
        this.calls = calls;
        this.relay = relay;
        this.callTimeout = callTimeout;
        this.methods = Map.ofEntries(
                admin("CreateSIPInboundTrunk", CreateSIPInboundTrunkRequest.getDefaultInstance(),
                        r -> store.createInbound(r.getTrunk())),
                admin("CreateSIPOutboundTrunk", CreateSIPOutboundTrunkRequest.getDefaultInstance(),
                        r -> store.createOutbound(r.getTrunk())),
                admin("GetSIPInboundTrunk", GetSIPInboundTrunkRequest.getDefaultInstance(),
                        r -> GetSIPInboundTrunkResponse.newBuilder()
                                .setTrunk(store.getInbound(required(r.getSipTrunkId(), "sip_trunk_id"))).build()),
                admin("GetSIPOutboundTrunk", GetSIPOutboundTrunkRequest.getDefaultInstance(),
                        r -> GetSIPOutboundTrunkResponse.newBuilder()
                                .setTrunk(store.getOutbound(required(r.getSipTrunkId(), "sip_trunk_id"))).build()),
                admin("ListSIPInboundTrunk", ListSIPInboundTrunkRequest.getDefaultInstance(),
                        r -> ListSIPInboundTrunkResponse.newBuilder().addAllItems(page(store.listInbound(
                                r.getTrunkIdsList(), r.getNumbersList()), SIPInboundTrunkInfo::getSipTrunkId,
                                r.hasPage() ? r.getPage() : null)).build()),
                admin("ListSIPOutboundTrunk", ListSIPOutboundTrunkRequest.getDefaultInstance(),
                        r -> ListSIPOutboundTrunkResponse.newBuilder().addAllItems(page(store.listOutbound(
                                r.getTrunkIdsList(), r.getNumbersList()), SIPOutboundTrunkInfo::getSipTrunkId,
                                r.hasPage() ? r.getPage() : null)).build()),
                admin("UpdateSIPInboundTrunk", UpdateSIPInboundTrunkRequest.getDefaultInstance(),
                        this::updateInbound),
                admin("UpdateSIPOutboundTrunk", UpdateSIPOutboundTrunkRequest.getDefaultInstance(),
                        this::updateOutbound),
                admin("DeleteSIPTrunk", DeleteSIPTrunkRequest.getDefaultInstance(), r -> {
                    store.deleteTrunk(required(r.getSipTrunkId(), "sip_trunk_id"));
                    return SIPTrunkInfo.newBuilder().setSipTrunkId(r.getSipTrunkId()).build();
                }),
                admin("CreateSIPDispatchRule", CreateSIPDispatchRuleRequest.getDefaultInstance(),
                        this::createRule),
                admin("ListSIPDispatchRule", ListSIPDispatchRuleRequest.getDefaultInstance(),
                        r -> ListSIPDispatchRuleResponse.newBuilder().addAllItems(page(store.listRules(
                                r.getDispatchRuleIdsList(), r.getTrunkIdsList()),
                                SIPDispatchRuleInfo::getSipDispatchRuleId, r.hasPage() ? r.getPage() : null)).build()),
                admin("UpdateSIPDispatchRule", UpdateSIPDispatchRuleRequest.getDefaultInstance(), this::updateRule),
                admin("DeleteSIPDispatchRule", DeleteSIPDispatchRuleRequest.getDefaultInstance(),
                        r -> store.deleteRule(required(r.getSipDispatchRuleId(), "sip_dispatch_rule_id"))),
                admin("CreateSIPTrunk", CreateSIPTrunkRequest.getDefaultInstance(), r -> {
                    throw deprecated("CreateSIPTrunk", "CreateSIPInboundTrunk or CreateSIPOutboundTrunk");
                }),
                admin("ListSIPTrunk", ListSIPTrunkRequest.getDefaultInstance(), r -> {
                    throw deprecated("ListSIPTrunk", "ListSIPInboundTrunk or ListSIPOutboundTrunk");
                }),
                Map.entry("CreateSIPParticipant", new Method(CreateSIPParticipantRequest.getDefaultInstance(),
                        Grant.SIP_CALL, (r, g) -> createParticipant((CreateSIPParticipantRequest) r))),
                Map.entry("TransferSIPParticipant", new Method(TransferSIPParticipantRequest.getDefaultInstance(),
                        Grant.SIP_CALL, (r, c) -> transfer((TransferSIPParticipantRequest) r, c))));
    }

    /** @throws TwirpException {@code bad_route} for a method {@code livekit.SIP} does not have */
    Method method(String name) {
        Method m = methods.get(name);
        if (m == null) {
            throw new TwirpException("bad_route", "no method livekit.SIP/" + name);
        }
        return m;
    }

    /** Checks the grant, then runs the method; store refusals become Twirp errors. */
    Message invoke(Method m, Message request, Caller caller) {
        ApiGrants grants = caller.grants();
        boolean allowed = m.grant() == Grant.SIP_ADMIN ? grants.sipAdmin() : grants.sipCall();
        if (!allowed) {
            throw new TwirpException("permission_denied", "this method needs the "
                    + (m.grant() == Grant.SIP_ADMIN ? "sip.admin" : "sip.call") + " grant in the access token");
        }
        try {
            return m.body().apply(request, caller);
        } catch (SipStoreException e) {
            throw switch (e.reason()) {
                case INVALID_ARGUMENT -> TwirpException.invalidArgument(e.field(), e.getMessage());
                case NOT_FOUND -> new TwirpException("not_found", e.getMessage());
                case READ_ONLY -> new TwirpException("failed_precondition", e.getMessage());
                case STORAGE -> new TwirpException("internal", e.getMessage());
            };
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Message> Map.Entry<String, Method> admin(String name, T prototype,
                                                                        Function<T, Message> body) {
        return Map.entry(name, new Method(prototype, Grant.SIP_ADMIN, (r, g) -> body.apply((T) r)));
    }

    private Message updateInbound(UpdateSIPInboundTrunkRequest r) {
        String id = required(r.getSipTrunkId(), "sip_trunk_id");
        return switch (r.getActionCase()) {
            case REPLACE -> store.updateInbound(id, "replace", old -> r.getReplace());
            case UPDATE -> store.updateInbound(id, "update", old -> SipUpdates.apply(old, r.getUpdate()));
            case ACTION_NOT_SET -> throw TwirpException.invalidArgument("action", "set replace or update");
        };
    }

    private Message updateOutbound(UpdateSIPOutboundTrunkRequest r) {
        String id = required(r.getSipTrunkId(), "sip_trunk_id");
        return switch (r.getActionCase()) {
            case REPLACE -> store.updateOutbound(id, "replace", old -> r.getReplace());
            case UPDATE -> store.updateOutbound(id, "update", old -> SipUpdates.apply(old, r.getUpdate()));
            case ACTION_NOT_SET -> throw TwirpException.invalidArgument("action", "set replace or update");
        };
    }

    private Message updateRule(UpdateSIPDispatchRuleRequest r) {
        String id = required(r.getSipDispatchRuleId(), "sip_dispatch_rule_id");
        return switch (r.getActionCase()) {
            case REPLACE -> store.updateRule(id, "replace", old -> r.getReplace());
            case UPDATE -> store.updateRule(id, "update", old -> SipUpdates.apply(old, r.getUpdate()));
            case ACTION_NOT_SET -> throw TwirpException.invalidArgument("action", "set replace or update");
        };
    }

    /** The {@code dispatch_rule} field, or (older clients) the same fields at the top level of the request. */
    private Message createRule(CreateSIPDispatchRuleRequest r) {
        if (r.hasDispatchRule()) {
            return store.createRule(r.getDispatchRule(), "dispatch_rule");
        }
        SIPDispatchRuleInfo.Builder legacy = SIPDispatchRuleInfo.newBuilder().addAllTrunkIds(r.getTrunkIdsList())
                .setHidePhoneNumber(r.getHidePhoneNumber()).addAllInboundNumbers(r.getInboundNumbersList())
                .setName(r.getName()).setMetadata(r.getMetadata()).putAllAttributes(r.getAttributesMap())
                .setRoomPreset(r.getRoomPreset());
        if (r.hasRule()) {
            legacy.setRule(r.getRule());
        }
        if (r.hasRoomConfig()) {
            legacy.setRoomConfig(r.getRoomConfig());
        }
        return store.createRule(legacy.build(), "");
    }

    private Message createParticipant(CreateSIPParticipantRequest r) {
        required(r.getSipCallTo(), "sip_call_to");
        required(r.getRoomName(), "room_name");
        if (r.getSipTrunkId().isEmpty() && !r.hasTrunk()) {
            throw TwirpException.invalidArgument("sip_trunk_id", "sip_trunk_id: required (or trunk)");
        }
        return await(callControl().createParticipant(r).toCompletableFuture(), "CreateSIPParticipant");
    }

    private Message transfer(TransferSIPParticipantRequest r, Caller caller) {
        ApiGrants grants = caller.grants();
        String room = required(r.getRoomName(), "room_name");
        required(r.getParticipantIdentity(), "participant_identity");
        required(r.getTransferTo(), "transfer_to");
        if (!grants.isAdminOf(room)) {
            throw new TwirpException("permission_denied", "TransferSIPParticipant needs the video grant roomAdmin "
                    + "with room '" + room + "' in the access token");
        }
        java.util.concurrent.CompletableFuture<Void> done;
        try {
            done = callControl().transfer(r).toCompletableFuture();
        } catch (TwirpException e) {
            if (relay == null || !e.code().equals("not_found")) {
                throw e;
            }
            done = relay.transfer(caller.authorization(), r, callTimeout); // another node may hold the call
        }
        await(done, "TransferSIPParticipant");
        return TransferResponse.successful(200, "OK");
    }

    private SipCallControl callControl() {
        if (calls == null) {
            throw new TwirpException("unavailable", "this gateway places no calls (no LiveKit server configured)");
        }
        return calls;
    }

    private <T> T await(java.util.concurrent.CompletableFuture<T> f, String what) {
        try {
            return f.get(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TwirpException t) {
                throw t;
            }
            throw new TwirpException("internal", what + " failed: " + c);
        } catch (TimeoutException e) {
            throw new TwirpException("deadline_exceeded", what + " did not finish within " + callTimeout.toSeconds()
                    + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TwirpException("unavailable", "the gateway is shutting down");
        }
    }

    private static <T> List<T> page(List<T> items, Function<T, String> id, Pagination page) {
        if (page == null) {
            return items;
        }
        var sorted = items.stream().sorted(Comparator.comparing(id))
                .filter(t -> id.apply(t).compareTo(page.getAfterId()) > 0);
        return (page.getLimit() > 0 ? sorted.limit(page.getLimit()) : sorted).toList();
    }

    private static String required(String value, String field) {
        if (value.isBlank()) {
            throw TwirpException.invalidArgument(field, field + ": required");
        }
        return value;
    }

    private static TwirpException deprecated(String method, String instead) {
        return new TwirpException("unimplemented", method + " is deprecated in LiveKit and not served by this "
                + "gateway; use " + instead + " (lk sip inbound|outbound create)");
    }
}
