package dev.gateway.media.endpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the far end of a call in tests: a plain {@link DatagramSocket} on 127.0.0.1 that sends RTP
 * built by hand and queues every datagram it receives. Thread-safe: a daemon thread receives, the test sends and
 * polls.
 */
final class LoopbackPhone implements AutoCloseable {

    /**
     * One received RTP packet, parsed only as far as the fixed header (RFC 3550 §5.1). Immutable.
     *
     * @param length  datagram length, bytes
     * @param payload the bytes after the 12-byte header (the tests' peer sends no CSRC, extension or padding)
     */
    record Rtp(int length, int version, boolean marker, int payloadType, int sequence, long timestamp, long ssrc,
               byte[] payload) {

        static Rtp parse(byte[] datagram) {
            ByteBuffer b = ByteBuffer.wrap(datagram);
            int b0 = b.get() & 0xFF;
            int b1 = b.get() & 0xFF;
            int sequence = b.getShort() & 0xFFFF;
            long timestamp = b.getInt() & 0xFFFF_FFFFL;
            long ssrc = b.getInt() & 0xFFFF_FFFFL;
            return new Rtp(datagram.length, b0 >>> 6, (b1 & 0x80) != 0, b1 & 0x7F, sequence, timestamp, ssrc,
                    Arrays.copyOfRange(datagram, 12, datagram.length));
        }

        /** RFC 4733 §2.3 telephone-event fields of the payload. */
        int event() {
            return payload[0] & 0xFF;
        }

        boolean end() {
            return (payload[1] & 0x80) != 0;
        }

        int volume() {
            return payload[1] & 0x3F;
        }

        int duration() {
            return ((payload[2] & 0xFF) << 8) | (payload[3] & 0xFF);
        }
    }

    /** 127.0.0.1 explicitly: the engine binds there, whatever the JVM's IPv6 preference. */
    static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final DatagramSocket socket;
    private final BlockingQueue<byte[]> received = new LinkedBlockingQueue<>();
    private final Thread receiver;

    LoopbackPhone() {
        this(LOOPBACK);
    }

    /** A phone on another loopback address, e.g. 127.0.0.2 (Linux routes all of 127/8 to lo). */
    LoopbackPhone(InetAddress bindTo) {
        try {
            socket = new DatagramSocket(new InetSocketAddress(bindTo, 0));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
        receiver = new Thread(this::receiveLoop, "loopback-phone-" + socket.getLocalPort());
        receiver.setDaemon(true);
        receiver.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
    }

    /** host:port as {@link RtpEndpointStats#remote()} prints it. */
    String hostPort() {
        return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort();
    }

    void sendRaw(byte[] datagram, InetSocketAddress to) {
        try {
            socket.send(new DatagramPacket(datagram, datagram.length, to));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends an RTP packet with the 12-byte fixed header (V=2, no padding, extension or CSRC). */
    void sendRtp(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, byte[] payload,
                 InetSocketAddress to) {
        sendRaw(rtp(marker, payloadType, sequence, timestamp, ssrc, payload), to);
    }

    static byte[] rtp(boolean marker, int payloadType, int sequence, long timestamp, long ssrc, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(12 + payload.length);
        b.put((byte) 0x80);
        b.put((byte) ((marker ? 0x80 : 0) | payloadType));
        b.putShort((short) sequence);
        b.putInt((int) timestamp);
        b.putInt((int) ssrc);
        b.put(payload);
        return b.array();
    }

    /** An RFC 4733 telephone-event payload: event, E bit and volume, 16-bit duration in RTP ticks. */
    static byte[] telephoneEvent(int event, boolean end, int volume, int duration) {
        return new byte[] {(byte) event, (byte) ((end ? 0x80 : 0) | volume), (byte) (duration >>> 8), (byte) duration};
    }

    /** The next datagram as RTP, or null when none arrives within {@code timeoutMillis}. */
    Rtp poll(long timeoutMillis) throws InterruptedException {
        byte[] d = received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        return d == null ? null : Rtp.parse(d);
    }

    /** Forgets what has been received so far. */
    void drain() {
        received.clear();
    }

    boolean nothingReceived() {
        return received.isEmpty();
    }

    /** Datagrams received and not yet polled. */
    int receivedCount() {
        return received.size();
    }

    /** Takes every datagram received so far, parsed as RTP. */
    java.util.List<Rtp> takeAll() {
        java.util.List<byte[]> raw = new java.util.ArrayList<>();
        received.drainTo(raw);
        return raw.stream().map(Rtp::parse).toList();
    }

    private void receiveLoop() {
        byte[] buffer = new byte[2048];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (!socket.isClosed()) {
            try {
                packet.setLength(buffer.length);
                socket.receive(packet);
                received.add(Arrays.copyOf(buffer, packet.getLength()));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
