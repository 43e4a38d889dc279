package dev.gateway.sip.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection whose request does not arrive in full in time, or that stays idle too long:
 * <ul>
 *   <li>from the connection's opening, its first request must be complete within the read timeout;</li>
 *   <li>after a response, the connection may stay idle for the idle timeout; the first byte of the next request
 *       starts a new read timeout;</li>
 *   <li>while a request is being served no timer runs (the worker pool bounds that).</li>
 * </ul>
 * It sits in front of the HTTP codec, so it sees raw bytes: headers sent one byte a second (slowloris) do not
 * extend anything. Loop-confined, one per connection; {@link ApiDispatchHandler} and {@link ApiGateHandler} tell
 * it when a request is complete and when its response is out.
 */
final class RequestTimeouts extends ChannelDuplexHandler {

    private enum State { READING, SERVING, IDLE }

    private final long readMillis;
    private final long idleMillis;
    private final HttpRefusals refusals;
    private ChannelHandlerContext ctx;
    private volatile State state = State.READING;
    private ScheduledFuture<?> timer;

    RequestTimeouts(long readMillis, long idleMillis, HttpRefusals refusals) {
        this.readMillis = readMillis;
        this.idleMillis = idleMillis;
        this.refusals = refusals;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        arm(readMillis, "request(s) not complete within http.readTimeoutSeconds (" + readMillis / 1000 + " s)");
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE && msg instanceof ByteBuf b && b.isReadable()) {
            state = State.READING;
            arm(readMillis, "request(s) not complete within http.readTimeoutSeconds (" + readMillis / 1000 + " s)");
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    /** True while a complete request is being served. Read from any thread (the connection cap): volatile. */
    boolean serving() {
        return state == State.SERVING;
    }

    /** The request is complete: no timer while it is served. */
    void requestReceived() {
        state = State.SERVING;
        cancel();
    }

    /** The response is out and the connection stays open: wait for the next request at most the idle timeout. */
    void responseSent() {
        if (state == State.IDLE) {
            return;
        }
        state = State.IDLE;
        arm(idleMillis, null); // an idle keep-alive connection is ordinary: closed without a log line
    }

    /** @param kind what to count and log when the timer closes the connection; null for nothing */
    private void arm(long millis, String kind) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive() && kind != null) {
                refusals.count(kind, (InetSocketAddress) ctx.channel().remoteAddress());
            }
            ctx.close();
        }, millis, TimeUnit.MILLISECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
