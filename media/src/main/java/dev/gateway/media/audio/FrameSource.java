package dev.gateway.media.audio;

/**
 * Audio pulled once per media tick: the room's mix, one room track's play-out, a local agent's voice. The tick
 * asks for exactly one 20 ms frame at 8 kHz ({@link AudioFrames#SAMPLES_8K} samples).
 *
 * <p>Called on the call's event loop only; implementations are loop-confined and allocate nothing per frame.
 */
public interface FrameSource {

    /**
     * Writes the frame due at {@code nowNanos} into {@code out[off, off + 160)}; silence (zeros) when there is none.
     *
     * @return true when the frame holds real audio, false when it is padding
     */
    boolean read(long nowNanos, short[] out, int off);
}
