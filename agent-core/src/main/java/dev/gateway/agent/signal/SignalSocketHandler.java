package dev.gateway.agent.signal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The last handler of a signalling socket: sends the RFC 6455 upgrade when the connection is up, checks the
 * server's answer (101, or an HTTP error whose status and body become the close reason), then passes whole binary
 * messages on and answers the WebSocket control frames. Frames only; what they mean is {@link SignalClient}'s.
 *
 * <p>Pipeline before the upgrade: {@code [SslHandler] HttpClientCodec HttpObjectAggregator this}; after it
 * (Netty's handshaker swaps the HTTP codec for the WebSocket one):
 * {@code [SslHandler] ws-decoder ws-encoder WebSocketFrameAggregator this}.
 *
 * <p>Threading: on the channel's event loop (one instance per channel: not sharable). Buffers: every inbound message is released here; the binary payload
 * handed to {@link Events#onMessage} is only valid during that call.
 */
final class SignalSocketHandler extends ChannelDuplexHandler {

    /** What the socket reports to its client, on the event loop. */
    interface Events {
        /** The server accepted the upgrade. */
        void onUpgraded();

        /** The server answered the upgrade with an HTTP status other than 101. */
        void onRefused(int status, String phrase, String body);

        /** One whole binary message (all its fragments); {@code payload} is released after the call. */
        void onMessage(ByteBuf payload);

        /** The server's close frame (answered, or the answer to ours); the socket is being closed. */
        void onServerClose(int code, String reason);

        /** A text frame: never sent by a server that speaks protobuf. */
        void onText(int bytes);

        /** The socket cannot take more outbound bytes: the server stopped reading. */
        void onUnwritable();

        /** The transport failed (connect, TLS, codec, upgrade checks). */
        void onFailure(Throwable cause);

        /** The TCP connection is gone. */
        void onDisconnected();
    }

    private final WebSocketClientHandshaker handshaker;
    private final int maxMessageBytes;
    private final Events events;
    /** A close frame went out (ours, or our echo of the server's): RFC 6455 §5.5.1 allows no second one. */
    private boolean closeSent;

    /** @param maxMessageBytes the largest binary message accepted (the sum of its fragments) */
    SignalSocketHandler(WebSocketClientHandshaker handshaker, int maxMessageBytes, Events events) {
        this.handshaker = handshaker;
        this.maxMessageBytes = maxMessageBytes;
        this.events = events;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshaker.handshake(ctx.channel()).addListener(f -> {
            if (!f.isSuccess()) {
                events.onFailure(f.cause());
            }
        });
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof FullHttpResponse response) {
                upgradeAnswered(ctx, response);
            } else if (msg instanceof BinaryWebSocketFrame frame) {
                events.onMessage(frame.content());
            } else if (msg instanceof PingWebSocketFrame ping) {
                ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
            } else if (msg instanceof CloseWebSocketFrame close) {
                int code = close.statusCode();
                String reason = close.reasonText();
                // reported first: closing fires onDisconnected, which must not hide the server's reason
                events.onServerClose(code < 0 ? 1005 : code, reason);
                // RFC 6455 §5.5.1: echo the status code unless we closed first; then the connection is done
                if (closeSent) {
                    ctx.close();
                } else {
                    ctx.writeAndFlush(new CloseWebSocketFrame(code < 0 ? 1000 : code, null))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            } else if (msg instanceof TextWebSocketFrame text) {
                events.onText(text.content().readableBytes());
            }
            // pongs (we send no WebSocket pings) and anything else: dropped
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void upgradeAnswered(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (handshaker.isHandshakeComplete()) {
            return; // cannot happen: the HTTP codec is gone after the upgrade
        }
        if (!response.status().equals(HttpResponseStatus.SWITCHING_PROTOCOLS)) {
            events.onRefused(response.status().code(), response.status().reasonPhrase(),
                    response.content().toString(StandardCharsets.UTF_8));
            ctx.close();
            return;
        }
        handshaker.finishHandshake(ctx.channel(), response); // throws on a bad Sec-WebSocket-Accept: exceptionCaught
        ctx.pipeline().addBefore(ctx.name(), "ws-aggregator", new WebSocketFrameAggregator(maxMessageBytes));
        events.onUpgraded();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof CloseWebSocketFrame) {
            if (closeSent) {
                ReferenceCountUtil.release(msg);
                promise.setSuccess();
                return;
            }
            closeSent = true;
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!ctx.channel().isWritable()) {
            events.onUnwritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        events.onFailure(cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        events.onDisconnected();
        ctx.fireChannelInactive();
    }
}
