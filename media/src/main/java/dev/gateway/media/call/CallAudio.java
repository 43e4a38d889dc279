package dev.gateway.media.call;

import dev.gateway.media.audio.AudioWriter;
import dev.gateway.media.audio.FrameSource;
import dev.gateway.media.g711.G711;

/**
 * What one call's media lets the agent side attach, and nothing more: where the caller's audio goes, who observes
 * it, and what the caller hears. Implemented by {@link CallMedia}; the room side (LiveKit) and the embedded local
 * agent see only this, so neither needs the phone leg, SIP or the tick.
 *
 * <p>Audio is 8 kHz mono, 20 ms frames. Whoever attaches something owns it: it detaches and closes it itself (a
 * sink still attached when the call's media closes is closed with it; closing twice is harmless for stages).
 *
 * <p>Threading: loop-confined, every method on the call's event loop (the one its agent is handed).
 */
public interface CallAudio {

    /** Where the caller's audio goes each tick (silence until the phone sends); null detaches. 8 kHz. */
    void attachUplink(AudioWriter sink);

    /** Adds an observer of the caller's audio (echo, level meter, voicemail detector, recorder). */
    void addTap(AudioWriter observer);

    /** Removes an observer added with {@link #addTap}, without closing it; false when it was not attached. */
    boolean removeTap(AudioWriter observer);

    /**
     * Adds an observer of what the caller hears (a recorder): each tick it sees exactly the frame sent to the phone
     * (the mix after the hold; ringback while a transfer rings), in the pace phase, before that tick's uplink taps;
     * nothing in a tick where nothing is sent (before the answer, before the phone's first packet). 8 kHz.
     */
    void addDownlinkTap(AudioWriter observer);

    /** Removes an observer added with {@link #addDownlinkTap}, without closing it; false when it was not attached. */
    boolean removeDownlinkTap(AudioWriter observer);

    /** Adds a source of audio for the caller (the room's mix, a local agent). False when the mixer is full. */
    boolean attachDownlink(FrameSource source);

    void detachDownlink(FrameSource source);

    /**
     * The G.711 law the phone speaks now (the room side publishes the caller's audio in it when the room accepts
     * G.711: re-encoding the played-out audio with the phone's own law gives back the phone's bytes).
     */
    G711 phoneCodec();
}
