package dev.gateway.media.endpoint;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;

/**
 * Frames datagrams into the endpoint: RTP socket or RTCP socket. Netty only; the datagram is released by
 * {@link SimpleChannelInboundHandler} after the endpoint has read it (the endpoint copies what it keeps).
 */
final class RtpInboundHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final RtpEndpoint endpoint;
    private final boolean rtcp;

    RtpInboundHandler(RtpEndpoint endpoint, boolean rtcp) {
        this.endpoint = endpoint;
        this.rtcp = rtcp;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        if (rtcp) {
            endpoint.onRtcp(packet.content(), packet.sender());
        } else {
            endpoint.onRtp(packet.content(), packet.sender());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // ICMP port unreachable and the like: UDP errors are expected when the phone goes away; keep the socket.
    }
}
