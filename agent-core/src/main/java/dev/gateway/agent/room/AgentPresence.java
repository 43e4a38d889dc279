package dev.gateway.agent.room;

import java.util.List;
import livekit.LivekitModels;

/**
 * Tells from the room's signalling whether someone other than the caller is there to talk: a participant that
 * subscribed to the caller's track, or one that publishes audio. The two signals LiveKit gives a publisher:
 * <ul>
 *   <li>{@code SignalResponse.track_subscribed} ({@code TrackSubscribed{track_sid}}): sent to the publisher when
 *       its track gets its first non-hidden subscriber (livekit-server {@code sendTrackHasBeenSubscribed}; not to
 *       Rust SDKs below protocol 10, which we do not claim to be);</li>
 *   <li>{@code JoinResponse.other_participants} and {@code ParticipantUpdate.participants}: each
 *       {@code ParticipantInfo} lists its published {@code TrackInfo}s; an AUDIO one from another identity that
 *       is not DISCONNECTED means that participant speaks into the room.</li>
 * </ul>
 * Hidden participants (recorders, egress) are never announced, so they do not count.
 *
 * <p>Threading: loop-confined. Pure: no I/O, no time.
 */
final class AgentPresence {
    private final String ownIdentity;
    private String ownTrackSid;
    private String seen;

    AgentPresence(String ownIdentity) {
        this.ownIdentity = ownIdentity;
    }

    /** The sid the server gave the caller's track ({@code TrackPublishedResponse}). */
    void ownTrack(String trackSid) {
        this.ownTrackSid = trackSid;
    }

    /** How an agent was first seen ("x subscribed", "x publishes audio"), or null while nobody is there. */
    String seen() {
        return seen;
    }

    /** {@code TrackSubscribed}: true when this is the first sign of an agent. */
    boolean onTrackSubscribed(String trackSid) {
        if (seen != null || trackSid == null || !trackSid.equals(ownTrackSid)) {
            return false;
        }
        seen = "a participant subscribed to the caller's track";
        return true;
    }

    /** Participants from the join or an update: true when this is the first sign of an agent. */
    boolean onParticipants(List<LivekitModels.ParticipantInfo> participants) {
        if (seen != null) {
            return false;
        }
        for (LivekitModels.ParticipantInfo p : participants) {
            if (p.getIdentity().equals(ownIdentity) || p.getState() == LivekitModels.ParticipantInfo.State.DISCONNECTED) {
                continue;
            }
            for (LivekitModels.TrackInfo t : p.getTracksList()) {
                if (t.getType() == LivekitModels.TrackType.AUDIO) {
                    seen = p.getIdentity() + " publishes audio";
                    return true;
                }
            }
        }
        return false;
    }
}
