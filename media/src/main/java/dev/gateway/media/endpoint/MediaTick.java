package dev.gateway.media.endpoint;

import io.netty.channel.EventLoop;

/**
 * Something the per-loop 20 ms tick drives (an RTP endpoint's play-out and pacing, a WebRTC transport's ICE
 * timers). {@link #tick} runs on {@link #eventLoop()} and must not block.
 */
public interface MediaTick {
    EventLoop eventLoop();

    void tick(long nowNanos);
}
