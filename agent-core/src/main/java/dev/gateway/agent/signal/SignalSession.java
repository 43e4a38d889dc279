package dev.gateway.agent.signal;

import java.util.Map;
import livekit.LivekitModels;
import livekit.LivekitRtc;

/**
 * What a call needs from its signalling connection to a room: the send side of {@link SignalClient}. Calls depend
 * on this interface so their parts can be tested against a fake that records requests and plays responses.
 *
 * <p>Threading: implementations are thread-safe and never block; a send on a closed connection returns false.
 */
public interface SignalSession {

    /** Opens the connection; the outcome arrives as {@code onJoin} or {@code onClosed}. Once only. */
    void connect();

    /** Publisher PC offer (after track_published). */
    boolean sendOffer(String sdp);

    /** Subscriber PC answer to the latest server offer. */
    boolean sendAnswer(String sdp);

    /** AddTrackRequest of type AUDIO; the server answers {@code onTrackPublished} with the same {@code cid}. */
    boolean addTrack(String cid, String name, LivekitModels.TrackSource source, boolean dtx);

    /** Sets our own attributes (merged with the existing ones). */
    boolean updateAttributes(Map<String, String> attributes);

    /** Tells the server we leave for good, then closes; {@code onClosed} follows. */
    void leave();

    /** Closes the connection without leaving the room (the session may be resumed); {@code onClosed} follows. */
    default void close() {
    }

    /** After a resume: our publications and negotiated descriptions (see {@link SignalClient.Listener#onReconnect}). */
    default boolean sendSyncState(LivekitRtc.SyncState state) {
        return false;
    }

    /**
     * A new connection (not yet connected) that resumes participant {@code participantSid}'s session after this one
     * dropped, with the newest token; its events go to {@code listener}. Null when this kind of session cannot
     * resume (test fakes): the caller then treats the drop as final.
     */
    default SignalSession resume(String participantSid, SignalClient.Listener listener) {
        return null;
    }
}
