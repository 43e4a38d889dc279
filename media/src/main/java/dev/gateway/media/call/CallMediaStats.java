package dev.gateway.media.call;

/**
 * A call's media counters, a snapshot.
 *
 * @param ticks             ticks run
 * @param uplinkFrames      caller frames handed to the uplink sink
 * @param downlinkFrames    frames sent to the phone
 * @param downlinkAudio     of those, frames with real room audio (not padding)
 * @param heldFrames        room frames held before the answer
 * @param holdOverflow      held frames dropped because the hold was full (older than its bound)
 * @param droppedSilent     silent frames skipped to catch up after the answer
 * @param backlogFrames     frames the phone is behind live now
 * @param maxBacklogFrames  the largest backlog seen
 */
public record CallMediaStats(long ticks, long uplinkFrames, long downlinkFrames, long downlinkAudio, long heldFrames,
                             long holdOverflow, long droppedSilent, int backlogFrames, int maxBacklogFrames) {
}
