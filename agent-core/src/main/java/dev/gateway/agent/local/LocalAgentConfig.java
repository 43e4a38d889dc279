package dev.gateway.agent.local;

/**
 * Settings of the embedded local agent. Immutable.
 *
 * @param greeting       play the greeting tones before echoing
 * @param transferTarget where '0' transfers the call (sip:, sips: or tel: URI), or null to ignore '0'
 */
public record LocalAgentConfig(boolean greeting, String transferTarget) {
}
