package dev.gateway.media.endpoint;

import io.netty.channel.EventLoop;

/**
 * Something the per-loop 20 ms tick drives (a call's {@code CallMedia}: play-out, mixing, pacing towards the phone;
 * a WebRTC transport's ICE timers). {@link #tick} runs on {@link #eventLoop()} and must not block.
 */
public interface MediaTick {
    EventLoop eventLoop();

    /**
     * First phase of a tick, for every participant on the loop before any {@link #tick}: send what is due (cheap),
     * so pacing does not depend on how much work the loop's other calls do in their ticks.
     */
    default void pace(long nowNanos) {
    }

    /** Second phase: the tick's work (play-out, agents, encoders, timers). */
    void tick(long nowNanos);
}
