package dev.gateway.sip.call;

import dev.gateway.media.endpoint.RtpEndpointStats;
import dev.gateway.media.quality.CallQuality;

/**
 * What the metrics hear from calls: a few events per call, never per packet. Implementations are thread-safe, never
 * block and allocate little (they run on call loops and JAIN-SIP threads); an exception thrown here is contained by
 * the caller's step and only logged.
 */
public interface CallObserver {
    /** Observes nothing. */
    CallObserver NONE = new CallObserver() {
    };

    /** A call entered the registry (inbound: admitted INVITE; outbound: dialling). */
    default void started(boolean outbound) {
    }

    /**
     * The call was answered {@code millis} after it started: inbound, our 200 OK left (from the INVITE); outbound, the
     * callee's 200 came (from the dial request, the room join included).
     */
    default void answered(boolean outbound, long millis) {
    }

    /** The agent was ready (room joined, track published, an agent seen or the ringing timeout) {@code millis} after the request. */
    default void agentReady(boolean outbound, long millis) {
    }

    /**
     * The call left the registry.
     *
     * @param media   the phone leg's final counters, null when its media never opened
     * @param quality the phone leg's quality from them, null with {@code media}
     * @param durationMillis from the start to the end
     */
    default void ended(boolean outbound, String reason, RtpEndpointStats media, CallQuality quality,
                       long durationMillis) {
    }

    /** A transfer (REFER) settled: {@code ok} when the transferee reported success. */
    default void transferSettled(boolean ok) {
    }

    /** Voicemail detection decided ({@code human}, {@code machine}, {@code silence}, {@code unknown}) after {@code millis}. */
    default void voicemailDecided(boolean outbound, String result, long millis) {
    }

    /** A machine's beep ended ({@code "true"}) or never came ({@code "timeout"}). */
    default void voicemailBeep(String beep) {
    }
}
