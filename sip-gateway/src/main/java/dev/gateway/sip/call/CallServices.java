package dev.gateway.sip.call;

import dev.gateway.agent.AgentFactory;
import dev.gateway.media.endpoint.MediaEngine;
import dev.gateway.sip.signalling.SipContext;

/** What every call needs from the gateway. Immutable; the members are thread-safe. */
public record CallServices(SipContext sip, MediaEngine media, AgentFactory agents, CallRegistry registry,
                           CallSettings settings) {
}
