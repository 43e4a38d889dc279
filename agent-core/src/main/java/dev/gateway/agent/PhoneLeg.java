package dev.gateway.agent;

import java.util.concurrent.CompletionStage;

/**
 * The phone side of one call as an agent sees it. Implemented by {@code sip-gateway}; agent code never sees SIP.
 *
 * <p>Threading: {@link #media} and what it returns are confined to the call's media event loop (the thread that
 * delivers every {@link CallAgent} callback); the other methods are thread-safe and return at once (they hand off to
 * the call).
 */
public interface PhoneLeg {

    /** The gateway's id of this call (as shown by {@code GET /calls}). */
    String id();

    /**
     * The call's media event loop: agents hand callbacks from other threads (LiveKit signalling, HTTP) to it, and
     * open their own sockets on it so a call's media path stays on one thread.
     */
    io.netty.channel.EventLoop eventLoop();

    /**
     * The call's audio, to attach to: the uplink sink (the caller's audio, every 20 ms from the moment media opens,
     * silence until the phone sends), taps, and downlink sources the call's tick pulls (held until the answer).
     * Available from {@link CallAgent#prepare} on. Loop-confined (see above).
     */
    dev.gateway.media.call.CallAudio media();

    /** Queues DTMF digits (0-9, *, #, A-D) to be sent as RFC 4733 telephone-events. */
    void sendDtmf(String digits);

    /** Blind transfer (REFER) to a {@code sip:} or {@code tel:} target; completes when the outcome is known. */
    CompletionStage<TransferResult> transfer(String target);

    /**
     * Starts, stops, pauses or resumes the call's recording ({@code action}: start, stop, pause, resume); completes
     * with the recording's state afterwards ({@code recording}, {@code paused}, {@code stopped}), or fails with a
     * reason an agent can show (unknown action, call not answered, recording unavailable).
     */
    default CompletionStage<String> recording(String action) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this call cannot be recorded"));
    }

    /** Ends the call (BYE once answered). {@code reason} is logged. */
    void hangup(String reason);
}
