package dev.gateway.sip.api.twirp;

import java.util.concurrent.CompletionStage;
import livekit.LivekitSip.CreateSIPParticipantRequest;
import livekit.LivekitSip.SIPParticipantInfo;
import livekit.LivekitSip.TransferSIPParticipantRequest;

/**
 * The call-handling side of the SIP API, implemented by the gateway: places outbound calls and transfers calls.
 * The {@link TwirpHandler} has already checked the caller's grants. Implementations must be thread-safe and
 * must not block the calling thread; a stage that fails with a {@link TwirpException} is answered with that
 * error, any other failure with {@code internal}.
 */
public interface SipCallControl {

    /**
     * Dials {@code request.sip_call_to} through the trunk and joins the callee to {@code request.room_name}.
     * Completes when the participant is in the room (or, with {@code wait_until_answered}, when the callee has
     * answered).
     */
    CompletionStage<SIPParticipantInfo> createParticipant(CreateSIPParticipantRequest request);

    /** Transfers the SIP participant by REFER; completes when the transfer has succeeded. */
    CompletionStage<Void> transfer(TransferSIPParticipantRequest request);
}
