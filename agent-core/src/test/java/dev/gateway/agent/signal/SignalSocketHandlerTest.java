package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link SignalSocketHandler} in an {@link EmbeddedChannel}: the upgrade, messages and the close handshake. */
class SignalSocketHandlerTest {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 §1.3

    /** Events as strings, in order. */
    private final List<String> events = new ArrayList<>();

    private EmbeddedChannel channel() {
        SignalSocketHandler handler = new SignalSocketHandler(WebSocketClientHandshakerFactory.newHandshaker(
                URI.create("ws://127.0.0.1:7880/rtc?access_token=t"), WebSocketVersion.V13, null, false,
                new DefaultHttpHeaders(), 1024), 1024, new SignalSocketHandler.Events() {
                    @Override
                    public void onUpgraded() {
                        events.add("upgraded");
                    }

                    @Override
                    public void onRefused(int status, String phrase, String body) {
                        events.add("refused " + status + " " + phrase + " " + body);
                    }

                    @Override
                    public void onMessage(ByteBuf payload) {
                        events.add("message " + ByteBufUtil.hexDump(payload));
                    }

                    @Override
                    public void onServerClose(int code, String reason) {
                        events.add("close " + code + " " + reason);
                    }

                    @Override
                    public void onText(int bytes) {
                        events.add("text " + bytes);
                    }

                    @Override
                    public void onUnwritable() {
                        events.add("unwritable");
                    }

                    @Override
                    public void onFailure(Throwable cause) {
                        events.add("failure " + cause.getClass().getSimpleName());
                    }

                    @Override
                    public void onDisconnected() {
                        events.add("disconnected");
                    }
                });
        return new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(4096), handler);
    }

    /** The upgrade request the handler wrote, as text. */
    private static String request(EmbeddedChannel ch) {
        ByteBuf out = ch.readOutbound();
        assertNotNull(out, "no upgrade request");
        try {
            return out.toString(StandardCharsets.US_ASCII);
        } finally {
            out.release();
        }
    }

    private static String accept(String request) throws Exception {
        Matcher m = Pattern.compile("(?im)^sec-websocket-key: *(\\S+)").matcher(request);
        assertTrue(m.find(), request);
        byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((m.group(1) + GUID).getBytes(StandardCharsets.US_ASCII));
        return Base64.getEncoder().encodeToString(sha1);
    }

    private static byte[] upgraded(String accept) {
        return ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void upgradeAndTheFirstMessageInOneSegment() throws Exception {
        EmbeddedChannel ch = channel();
        String request = request(ch);
        assertTrue(request.startsWith("GET /rtc?access_token=t HTTP/1.1\r\n"), request);
        // the 101 and a binary frame split in two fragments (binary without FIN, then FIN continuation)
        ByteBuf in = Unpooled.buffer().writeBytes(upgraded(accept(request)))
                .writeBytes(new byte[] {0x02, 0x02, 0x0a, 0x0b, (byte) 0x80, 0x01, 0x0c});
        ch.writeInbound(in);
        assertEquals(List.of("upgraded", "message 0a0b0c"), events);
        assertFalse(ch.finishAndReleaseAll());
    }

    @Test
    void refusalCarriesStatusAndBody() {
        EmbeddedChannel ch = channel();
        request(ch);
        ch.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 401 Unauthorized\r\nContent-Length: 13\r\n\r\ninvalid token",
                StandardCharsets.US_ASCII));
        assertEquals("refused 401 Unauthorized invalid token", events.get(0));
        assertFalse(ch.isOpen(), "a refused upgrade closes the socket");
        ch.finishAndReleaseAll();
    }

    @Test
    void serverCloseIsEchoedOnceAndEndsTheSocket() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(upgraded(accept(request(ch)))));
        // close frame: FIN+opcode 8, length 5, status 1001, "bye"
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, 0x05, 0x03, (byte) 0xe9, 'b', 'y', 'e'}));
        assertEquals(List.of("upgraded", "close 1001 bye", "disconnected"), events);
        ByteBuf echo = ch.readOutbound();
        assertNotNull(echo, "the close frame is echoed");
        assertEquals(0x88, echo.getUnsignedByte(0));
        echo.release();
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void afterOurCloseFrameTheServersCloseIsNotEchoed() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(upgraded(accept(request(ch)))));
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "client closed"));
        ByteBuf ours = ch.readOutbound();
        assertEquals(0x88, ours.getUnsignedByte(0));
        ours.release();
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "again")); // a second close frame never leaves
        assertNull(ch.readOutbound());
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8}));
        assertNull(ch.readOutbound(), "no echo of the server's answer to our close");
        assertEquals(List.of("upgraded", "close 1000 ", "disconnected"), events);
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }

    @Test
    void messageOverTheLimitIsAFailure() throws Exception {
        EmbeddedChannel ch = channel();
        ch.writeInbound(Unpooled.wrappedBuffer(upgraded(accept(request(ch)))));
        // two fragments of 600 bytes: each under the 1024-byte frame limit, together over the message limit
        ByteBuf in = Unpooled.buffer();
        in.writeBytes(new byte[] {0x02, 126, 0x02, 0x58}).writeZero(600);
        in.writeBytes(new byte[] {(byte) 0x80, 126, 0x02, 0x58}).writeZero(600);
        ch.writeInbound(in);
        assertEquals("failure TooLongFrameException", events.get(1));
        assertFalse(ch.isOpen());
        ch.finishAndReleaseAll();
    }
}
