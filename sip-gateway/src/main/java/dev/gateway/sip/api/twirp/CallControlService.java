package dev.gateway.sip.api.twirp;

import dev.gateway.agent.RoomTarget;
import dev.gateway.sip.call.Call;
import dev.gateway.sip.call.CallRegistry;
import dev.gateway.sip.call.OutboundCalls;
import dev.gateway.sip.call.OutboundDial;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import livekit.LivekitSip.CreateSIPParticipantRequest;
import livekit.LivekitSip.SIPParticipantInfo;
import livekit.LivekitSip.TransferSIPParticipantRequest;

/**
 * LiveKit's call-control methods on the gateway's calls: CreateSIPParticipant dials through an outbound trunk,
 * TransferSIPParticipant finds the call by room and participant identity and sends REFER, answering with the
 * transfer's outcome (success, or the failing SIP status in {@code meta.sip_status}).
 *
 * <p>Threading: thread-safe; returns stages completed by the calls' loops.
 */
public final class CallControlService implements SipCallControl {
    private static final long DEFAULT_RINGING_MILLIS = 30_000;

    private final OutboundCalls outbound;
    private final CallRegistry registry;

    public CallControlService(OutboundCalls outbound, CallRegistry registry) {
        this.outbound = outbound;
        this.registry = registry;
    }

    @Override
    public CompletionStage<SIPParticipantInfo> createParticipant(CreateSIPParticipantRequest r) {
        if (r.getRoomName().isBlank()) {
            throw new TwirpException("invalid_argument", "room_name is required", Map.of("argument", "room_name"));
        }
        if (r.getSipTrunkId().isBlank()) {
            throw new TwirpException("invalid_argument", "sip_trunk_id is required (inline trunks are not supported)",
                    Map.of("argument", "sip_trunk_id"));
        }
        String identity = r.getParticipantIdentity().isBlank() ? null : r.getParticipantIdentity();
        String name = r.getParticipantName().isBlank() ? null : r.getParticipantName();
        RoomTarget room = new RoomTarget(r.getRoomName(), "", List.of(), r.getParticipantAttributesMap(),
                r.getParticipantMetadata(), r.getHidePhoneNumber(), identity, name, true);
        long ringing = r.hasRingingTimeout() ? r.getRingingTimeout().getSeconds() * 1000 + r.getRingingTimeout().getNanos() / 1_000_000
                : DEFAULT_RINGING_MILLIS;
        long max = r.hasMaxCallDuration() ? r.getMaxCallDuration().getSeconds() * 1000 : 0;
        OutboundCalls.Started started;
        try {
            started = outbound.dial(r.getSipTrunkId(), r.getSipCallTo(), r.getSipNumber(), room, r.getHeadersMap(),
                    ringing, max, r.getDtmf());
        } catch (OutboundCalls.Refused e) {
            throw new TwirpException(e.code(), e.getMessage());
        }
        Call call = registry.byId(started.id());
        String participantIdentity = call != null ? call.info().participantIdentity() : identity;
        SIPParticipantInfo info = SIPParticipantInfo.newBuilder()
                .setParticipantId(started.id())
                .setParticipantIdentity(participantIdentity == null ? "" : participantIdentity)
                .setRoomName(r.getRoomName())
                .setSipCallId(started.sipCallId())
                .build();
        if (!r.getWaitUntilAnswered()) {
            return CompletableFuture.completedFuture(info);
        }
        return started.outcome().thenApply(outcome -> {
            if (!outcome.answered()) {
                throw failure(outcome);
            }
            return info;
        });
    }

    @Override
    public CompletionStage<Void> transfer(TransferSIPParticipantRequest r) {
        Call call = registry.byRoomParticipant(r.getRoomName(), r.getParticipantIdentity());
        if (call == null) {
            throw new TwirpException("not_found", "no call with participant " + r.getParticipantIdentity() + " in room "
                    + r.getRoomName());
        }
        String to = r.getTransferTo();
        String problem = dev.gateway.agent.TransferTarget.problem(to);
        if (problem != null) {
            throw new TwirpException("invalid_argument", "transfer_to: " + problem, Map.of("argument", "transfer_to"));
        }
        String refused = call.transferRefusal(to);
        if (refused != null) {
            throw new TwirpException("permission_denied", "transfer_to: " + refused, Map.of("argument", "transfer_to"));
        }
        return call.transfer(to, r.getHeadersMap(), r.getPlayDialtone()).thenAccept(result -> {
            if (!result.succeeded()) {
                // livekit-api turns an error into SipCallError when meta has sip_status_code (the number);
                // sip_status carries the reason, as for CreateSIPParticipant.
                throw new TwirpException(result.sipStatus() == 0 ? "unavailable" : "failed_precondition",
                        "transfer failed: " + result.reason(), Map.of("sip_status_code", String.valueOf(result.sipStatus()),
                                "sip_status", result.reason()));
            }
        });
    }

    private static TwirpException failure(OutboundDial.DialOutcome outcome) {
        String code = switch (outcome.sipStatus()) {
            case 408, 480, 487 -> "deadline_exceeded";
            case 486, 600, 603 -> "resource_exhausted";
            case 401, 403, 407 -> "permission_denied";
            case 404 -> "not_found";
            default -> "unavailable";
        };
        return new TwirpException(code, "call failed: " + outcome.sipStatus() + " " + outcome.reason(),
                Map.of("sip_status_code", String.valueOf(outcome.sipStatus()), "sip_status", outcome.reason()));
    }
}
