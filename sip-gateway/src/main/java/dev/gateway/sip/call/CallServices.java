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
 * @param features    voicemail detection and recording
 */
public record CallServices(SipContext sip, MediaEngine media, AgentFactory agents, CallRegistry registry,
                           CallSettings settings, Executor sipExecutor, LongSupplier clockMillis,
                           TransferPolicy transfers, CallFeatures features) {

    /** Services with neither voicemail detection nor recording. */
    public CallServices(SipContext sip, MediaEngine media, AgentFactory agents, CallRegistry registry,
                        CallSettings settings, Executor sipExecutor, LongSupplier clockMillis,
                        TransferPolicy transfers) {
        this(sip, media, agents, registry, settings, sipExecutor, clockMillis, transfers, CallFeatures.NONE);
    }

    /** Services whose transfers are {@link TransferPolicy#UNRESTRICTED}. */
    public CallServices(SipContext sip, MediaEngine media, AgentFactory agents, CallRegistry registry,
                        CallSettings settings, Executor sipExecutor, LongSupplier clockMillis) {
        this(sip, media, agents, registry, settings, sipExecutor, clockMillis, TransferPolicy.UNRESTRICTED);
    }

    public CallServices {
        transfers = transfers == null ? TransferPolicy.UNRESTRICTED : transfers;
        features = features == null ? CallFeatures.NONE : features;
    }
}
