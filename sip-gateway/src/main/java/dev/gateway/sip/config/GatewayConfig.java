package dev.gateway.sip.config;

import java.util.List;
import java.util.Objects;

/**
 * The whole gateway configuration, as loaded by {@link ConfigLoader}. Immutable and thread-safe.
 *
 * @param sip           SIP listener
 * @param rtp           media ports and timing
 * @param http          HTTP API
 * @param limits        capacity and abuse limits
 * @param localAgent    the embedded agent used without LiveKit
 * @param trunks        inbound and outbound trunks
 * @param dispatchRules room selection for inbound calls
 * @param livekit       LiveKit connection, or null to use the embedded local agent
 * @param dataDir       where the gateway keeps what its API creates (trunks, dispatch rules), default "data"
 * @param redis         the Redis that nodes share trunks, dispatch rules and call control through, or null for
 *                      one node on its own
 * @param log           log line format
 */
public record GatewayConfig(SipConfig sip, RtpConfig rtp, HttpConfig http, LimitsConfig limits,
                            LocalAgentConfig localAgent, TrunksConfig trunks, List<DispatchRule> dispatchRules,
                            LiveKitConfig livekit, String dataDir, RedisConfig redis, VoicemailConfig voicemail,
                            RecordingConfig recording, LogConfig log) {

    public static final String DEFAULT_DATA_DIR = "data";

    public GatewayConfig {
        Objects.requireNonNull(sip, "sip");
        Objects.requireNonNull(rtp, "rtp");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(localAgent, "localAgent");
        Objects.requireNonNull(trunks, "trunks");
        dispatchRules = List.copyOf(dispatchRules);
        Objects.requireNonNull(log, "log");
        if (dataDir == null || dataDir.isBlank()) {
            throw new InvalidConfigException("dataDir", "must name a directory");
        }
        voicemail = Objects.requireNonNullElse(voicemail, VoicemailConfig.DEFAULT);
        recording = Objects.requireNonNullElse(recording, RecordingConfig.DEFAULT);
    }

    /** Where recordings go: {@code recording.dir}, under {@code dataDir} when relative. */
    public java.nio.file.Path recordingDir() {
        return java.nio.file.Path.of(dataDir).resolve(recording.dir());
    }

    /**
     * True when no inbound trunk is configured, so every INVITE from anywhere is accepted on the open trunk
     * {@code "default"}. Fine for a first test on a private network; {@code main} should log a warning.
     */
    public boolean openInbound() {
        return trunks.inbound().isEmpty();
    }

    /** The same configuration without Redis (one node), voicemail detection and recording at their defaults, text logs. */
    public GatewayConfig(SipConfig sip, RtpConfig rtp, HttpConfig http, LimitsConfig limits,
                         LocalAgentConfig localAgent, TrunksConfig trunks, List<DispatchRule> dispatchRules,
                         LiveKitConfig livekit, String dataDir) {
        this(sip, rtp, http, limits, localAgent, trunks, dispatchRules, livekit, dataDir, null, null, null, LogConfig.DEFAULT);
    }

    /** True when calls go to LiveKit rather than the embedded agent. */
    public boolean hasLiveKit() {
        return livekit != null;
    }
}
