package dev.gateway.agent;

/** Creates the agent for each new call. Thread-safe; called once per answered call. */
public interface AgentFactory {
    CallAgent create(CallInfo call);

    /** What the gateway logs at start-up ("embedded local agent (echo)", "LiveKit at wss://..."). */
    String describe();
}
