package dev.gateway.media.webrtc.dtls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Two sessions joined in memory: each one's Sender feeds the other's onDatagram. No sockets, no sleeps asserted. */
class DtlsSessionTest {

    /** Only to keep a broken build from hanging; nothing asserts on time. */
    private static final long PATIENCE_SECONDS = 30;
    private static final String WRONG_FINGERPRINT = String.join(":", java.util.Collections.nCopies(32, "AB"));

    private static final DtlsCertificate CLIENT_CERTIFICATE = DtlsCertificate.generate(Instant.now());
    private static final DtlsCertificate SERVER_CERTIFICATE = DtlsCertificate.shared();

    private ThreadPoolExecutor pool;

    @BeforeEach
    void startPool() {
        pool = new ThreadPoolExecutor(4, 4, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>());
    }

    @AfterEach
    void stopPool() throws InterruptedException {
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(PATIENCE_SECONDS, TimeUnit.SECONDS));
    }

    /** Records every callback of one session. */
    static final class Events implements DtlsSession.Listener {
        final CompletableFuture<SrtpKeyMaterial> connected = new CompletableFuture<>();
        final CompletableFuture<String> failed = new CompletableFuture<>();
        final CompletableFuture<String> closed = new CompletableFuture<>();
        final BlockingQueue<String> data = new LinkedBlockingQueue<>();

        @Override
        public void onConnected(SrtpKeyMaterial keys) {
            connected.complete(keys);
        }

        @Override
        public void onFailed(String reason) {
            failed.complete(reason);
        }

        @Override
        public void onApplicationData(byte[] bytes, int off, int len) {
            data.add(new String(bytes, off, len, UTF_8));
        }

        @Override
        public void onClosed(String reason) {
            closed.complete(reason);
        }

        SrtpKeyMaterial awaitKeys() throws Exception {
            CompletableFuture.anyOf(connected, failed).get(PATIENCE_SECONDS, TimeUnit.SECONDS);
            if (failed.isDone()) {
                throw new AssertionError("expected to connect, failed: " + failed.get());
            }
            return connected.get();
        }

        String awaitFailure() throws Exception {
            return failed.get(PATIENCE_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** A client and a server session whose datagrams reach each other through the Sender. */
    final class Link {
        final Events clientEvents = new Events();
        final Events serverEvents = new Events();
        final DtlsSession client;
        final DtlsSession server;

        Link(String clientExpects, String serverExpects) {
            this(clientExpects, serverExpects, pool);
        }

        /** Drain tasks (data after the handshake) on {@code drains}. */
        Link(String clientExpects, String serverExpects, java.util.concurrent.Executor drains) {
            AtomicReference<DtlsSession> toServer = new AtomicReference<>();
            AtomicReference<DtlsSession> toClient = new AtomicReference<>();
            client = new DtlsSession(DtlsRole.CLIENT, CLIENT_CERTIFICATE, clientExpects, pool, drains,
                    deliverTo(toServer), clientEvents);
            server = new DtlsSession(DtlsRole.SERVER, SERVER_CERTIFICATE, serverExpects, pool, drains,
                    deliverTo(toClient), serverEvents);
            toServer.set(server);
            toClient.set(client);
        }

        Link() {
            this(SERVER_CERTIFICATE.sha256Fingerprint(), CLIENT_CERTIFICATE.sha256Fingerprint().toLowerCase());
        }

        void start() {
            server.start();
            client.start();
        }
    }

    /** Delivers like a socket would: a fresh buffer per datagram, released by its owner after the handler returns. */
    private static DtlsSession.Sender deliverTo(AtomicReference<DtlsSession> peer) {
        return (datagram, offset, length) -> {
            ByteBuf buf = Unpooled.wrappedBuffer(Arrays.copyOfRange(datagram, offset, offset + length));
            try {
                peer.get().onDatagram(buf);
            } finally {
                assertTrue(buf.release());
            }
        };
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("gave up waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void handshakeExportsMirroredSrtpKeys() throws Exception {
        Link link = new Link();
        link.start();
        SrtpKeyMaterial clientKeys = link.clientEvents.awaitKeys();
        SrtpKeyMaterial serverKeys = link.serverEvents.awaitKeys();

        assertEquals(SrtpKeyMaterial.SRTP_AES128_CM_HMAC_SHA1_80, clientKeys.profile());
        assertEquals(SrtpKeyMaterial.SRTP_AES128_CM_HMAC_SHA1_80, serverKeys.profile());
        assertEquals(16, clientKeys.localKey().length);
        assertEquals(14, clientKeys.localSalt().length);
        assertEquals(16, serverKeys.remoteKey().length);
        assertEquals(14, serverKeys.remoteSalt().length);
        assertArrayEquals(clientKeys.localKey(), serverKeys.remoteKey());
        assertArrayEquals(clientKeys.localSalt(), serverKeys.remoteSalt());
        assertArrayEquals(serverKeys.localKey(), clientKeys.remoteKey());
        assertArrayEquals(serverKeys.localSalt(), clientKeys.remoteSalt());
        assertFalse(Arrays.equals(clientKeys.localKey(), clientKeys.remoteKey()));
        assertTrue(link.client.isConnected());
        assertTrue(link.server.isConnected());
        assertFalse(link.clientEvents.failed.isDone());
        assertFalse(link.serverEvents.failed.isDone());
        link.client.close();
        link.server.close();
    }

    @ParameterizedTest
    @EnumSource(DtlsRole.class)
    void wrongFingerprintFailsTheSideThatChecks(DtlsRole checker) throws Exception {
        Link link = checker == DtlsRole.CLIENT
                ? new Link(WRONG_FINGERPRINT, CLIENT_CERTIFICATE.sha256Fingerprint())
                : new Link(SERVER_CERTIFICATE.sha256Fingerprint(), WRONG_FINGERPRINT);
        Events checking = checker == DtlsRole.CLIENT ? link.clientEvents : link.serverEvents;
        Events other = checker == DtlsRole.CLIENT ? link.serverEvents : link.clientEvents;
        String actual = (checker == DtlsRole.CLIENT ? SERVER_CERTIFICATE : CLIENT_CERTIFICATE).sha256Fingerprint();
        link.start();

        String reason = checking.awaitFailure();
        assertTrue(reason.contains("fingerprint"), reason);
        assertTrue(reason.contains(WRONG_FINGERPRINT), reason);
        assertTrue(reason.contains(actual), reason);
        String otherReason = other.awaitFailure();
        assertTrue(otherReason.contains("bad_certificate"), otherReason);
        assertFalse(checking.connected.isDone());
        assertFalse(other.connected.isDone());
        assertFalse(link.client.isConnected());
        assertFalse(link.server.isConnected());
        await("handshake threads to end", () -> pool.getActiveCount() == 0);
    }

    @Test
    void applicationDataFlowsBothWays() throws Exception {
        Link link = new Link();
        link.start();
        link.clientEvents.awaitKeys();
        link.serverEvents.awaitKeys();

        byte[] hello = "hello from the client".getBytes(UTF_8);
        byte[] reply = "xxreply from the serverxx".getBytes(UTF_8);
        assertTrue(link.client.send(hello, 0, hello.length));
        assertTrue(link.server.send(reply, 2, reply.length - 4));
        assertTrue(link.client.send(hello, 5, 4));

        assertEquals("hello from the client", link.serverEvents.data.poll(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertEquals(" fro", link.serverEvents.data.poll(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertEquals("reply from the server", link.clientEvents.data.poll(PATIENCE_SECONDS, TimeUnit.SECONDS));
        assertThrows(IllegalArgumentException.class, () -> link.client.send(new byte[1500], 0, 1500));
        link.client.close();
        link.server.close();
    }

    @Test
    void dataAfterTheHandshakeIsDecryptedOnTheDrainExecutorEvenWhileTheHandshakePoolIsBusy() throws Exception {
        java.util.concurrent.ExecutorService drains = java.util.concurrent.Executors.newSingleThreadExecutor();
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try {
            Link link = new Link(SERVER_CERTIFICATE.sha256Fingerprint(), CLIENT_CERTIFICATE.sha256Fingerprint(), drains);
            link.start();
            link.clientEvents.awaitKeys();
            link.serverEvents.awaitKeys();
            await("handshake threads to end", () -> pool.getActiveCount() == 0);
            for (int i = 0; i < pool.getMaximumPoolSize(); i++) {
                pool.execute(() -> { // other calls' handshakes holding every pool thread
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            await("the pool to be full", () -> pool.getActiveCount() == pool.getMaximumPoolSize());
            byte[] hello = "sctp INIT".getBytes(UTF_8);
            assertTrue(link.client.send(hello, 0, hello.length));
            assertEquals("sctp INIT", link.serverEvents.data.poll(PATIENCE_SECONDS, TimeUnit.SECONDS),
                    "delivered while every handshake thread is taken");
            link.client.close();
            link.server.close();
        } finally {
            release.countDown();
            drains.shutdownNow();
        }
    }

    @Test
    void closeSendsCloseNotifyAndFreesThreads() throws Exception {
        Link link = new Link();
        link.start();
        link.clientEvents.awaitKeys();
        link.serverEvents.awaitKeys();

        link.client.close();
        assertEquals("DTLS peer sent close_notify", link.serverEvents.closed.get(PATIENCE_SECONDS, TimeUnit.SECONDS));
        link.server.close();
        await("pool threads to be free", () -> pool.getActiveCount() == 0);

        assertFalse(link.client.isConnected());
        assertFalse(link.server.isConnected());
        assertFalse(link.client.send(new byte[4], 0, 4));
        assertFalse(link.clientEvents.closed.isDone()); // our own close is not reported back to us
        assertFalse(link.clientEvents.failed.isDone());
        assertFalse(link.serverEvents.failed.isDone());
    }

    @Test
    void closeDuringHandshakeWakesTheBlockedThread() throws Exception {
        Events events = new Events();
        DtlsSession server = new DtlsSession(DtlsRole.SERVER, SERVER_CERTIFICATE, WRONG_FINGERPRINT, pool,
                (d, o, l) -> { }, events);
        server.start();
        await("the handshake to block waiting for a ClientHello", () -> pool.getActiveCount() == 1);
        server.close();
        await("the handshake thread to be freed", () -> pool.getActiveCount() == 0);
        assertFalse(events.failed.isDone());
        assertFalse(events.connected.isDone());
    }

    @Test
    void handshakeTimesOutWhenThePeerIsSilent() throws Exception {
        Events events = new Events();
        DtlsSession client = new DtlsSession(DtlsRole.CLIENT, CLIENT_CERTIFICATE, WRONG_FINGERPRINT, pool,
                (d, o, l) -> { }, events, 300);
        client.start();
        assertEquals("DTLS handshake timed out", events.awaitFailure());
        assertFalse(client.isConnected());
        await("the handshake thread to be freed", () -> pool.getActiveCount() == 0);
    }

    @Test
    void onDatagramCopiesWithoutConsumingAndDropsWhenFull() {
        DtlsSession session = new DtlsSession(DtlsRole.SERVER, SERVER_CERTIFICATE, WRONG_FINGERPRINT, pool,
                (d, o, l) -> { }, new Events());
        ByteBuf record = Unpooled.wrappedBuffer(new byte[] {22, (byte) 0xfe, (byte) 0xfd, 0, 0});
        for (int i = 0; i < DtlsSession.QUEUE_CAPACITY + 3; i++) {
            session.onDatagram(record);
        }
        assertEquals(3, session.droppedDatagrams());
        assertEquals(0, record.readerIndex());
        assertEquals(1, record.refCnt());
        assertFalse(session.send(new byte[1], 0, 1));
        assertTrue(record.release());
        session.close();
        assertThrows(IllegalStateException.class, session::start);
    }

    @Test
    void rejectedHandshakeFailsAtOnce() {
        pool.shutdown();
        Events events = new Events();
        DtlsSession session = new DtlsSession(DtlsRole.CLIENT, CLIENT_CERTIFICATE, WRONG_FINGERPRINT, pool,
                (d, o, l) -> { }, events);
        session.start();
        String reason = events.failed.getNow(null);
        assertNotNull(reason);
        assertTrue(reason.contains("rejected"), reason);
    }
}
