package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import livekit.LivekitModels;
import livekit.LivekitRtc;
import livekit.LivekitRtc.SignalResponse;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

/** {@code wss://}: the server's certificate must chain to a trusted one and name the URL's host. */
class SignalClientTlsTest {

    private static final byte[] JOIN = SignalResponse.newBuilder().setJoin(LivekitRtc.JoinResponse.newBuilder()
            .setRoom(LivekitModels.Room.newBuilder().setName("tls"))).build().toByteArray();

    /** A self-signed P-256 certificate for {@code dnsName} and its key, as a server TLS context. */
    private record ServerKey(X509Certificate certificate, SSLContext context) {
        static ServerKey forHost(String dnsName) throws Exception {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + dnsName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(1))), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", pair.getPrivate(), new char[0], new X509Certificate[] {cert});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return new ServerKey(cert, context);
        }
    }

    private static String closeReason(SignalNetwork network, String url) throws InterruptedException {
        RecordingListener l = new RecordingListener();
        new SignalClient(network, url, "t", l).connect();
        RecordingListener.Event closed = l.await("closed", Duration.ofSeconds(10));
        assertNotNull(closed, () -> "events: " + l.all());
        assertEquals(0, l.all("join").size(), "joined over an unverified connection");
        return (String) closed.value();
    }

    @Test
    void trustedCertificateNamingTheHostJoins() throws Exception {
        ServerKey key = ServerKey.forHost("localhost");
        SignalNetwork network = new SignalNetwork(key.certificate()).start();
        try (FakeSignalServer server = FakeSignalServer.tls(List.of(JOIN), key.context())) {
            RecordingListener l = new RecordingListener();
            SignalClient client = new SignalClient(network, server.wssUrl(), "t", l);
            client.connect();
            RecordingListener.Event join = l.await("join", Duration.ofSeconds(10));
            assertNotNull(join, () -> "events: " + l.all());
            assertEquals("tls", ((LivekitRtc.JoinResponse) join.value()).getRoom().getName());
            client.close();
        } finally {
            network.stop();
        }
    }

    @Test
    void trustedCertificateForAnotherHostIsRefused() throws Exception {
        ServerKey key = ServerKey.forHost("livekit.example.com");
        SignalNetwork network = new SignalNetwork(key.certificate()).start();
        try (FakeSignalServer server = FakeSignalServer.tls(List.of(JOIN), key.context())) {
            String reason = closeReason(network, server.wssUrl());
            assertTrue(reason.startsWith("signalling failed: SSLHandshakeException"), reason);
            assertTrue(reason.contains("localhost"), reason);
            System.out.println("[tls] " + reason);
        } finally {
            network.stop();
        }
    }

    @Test
    void certificateNoCaVouchesForIsRefused() throws Exception {
        ServerKey key = ServerKey.forHost("localhost");
        SignalNetwork network = new SignalNetwork().start(); // the JDK's CAs
        try (FakeSignalServer server = FakeSignalServer.tls(List.of(JOIN), key.context())) {
            String reason = closeReason(network, server.wssUrl());
            assertTrue(reason.startsWith("signalling failed: SSLHandshakeException"), reason);
        } finally {
            network.stop();
        }
    }
}
