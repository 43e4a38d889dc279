package dev.gateway.sip.call;

import dev.gateway.agent.AgentFactory;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.sip.signalling.SipContext;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * What every call needs from the gateway. Immutable; the members are thread-safe.
 *
 * @param sipExecutor the SIP side's bounded executor every SIP send of a call runs on (never a media loop); it
 *                    throws RejectedExecutionException when full
 * @param clockMillis wall-clock milliseconds (injected so tests control time)
 * @param transfers   where calls may be transferred (trunk destination allow-lists)
 */
public record CallServices(SipContext sip, MediaEngine media, AgentFactory agents, CallRegistry registry,
                           CallSettings settings, Executor sipExecutor, LongSupplier clockMillis,
                           TransferPolicy transfers) {

    /** Services whose transfers are {@link TransferPolicy#UNRESTRICTED}. */
    public CallServices(SipContext sip, MediaEngine media, AgentFactory agents, CallRegistry registry,
                        CallSettings settings, Executor sipExecutor, LongSupplier clockMillis) {
        this(sip, media, agents, registry, settings, sipExecutor, clockMillis, TransferPolicy.UNRESTRICTED);
    }

    public CallServices {
        transfers = transfers == null ? TransferPolicy.UNRESTRICTED : transfers;
    }
}
