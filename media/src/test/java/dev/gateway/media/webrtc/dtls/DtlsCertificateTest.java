package dev.gateway.media.webrtc.dtls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.Test;

class DtlsCertificateTest {

    private static final String FINGERPRINT_PATTERN = "([0-9A-F]{2}:){31}[0-9A-F]{2}";

    @Test
    void fingerprintIsUpperCaseHexPairsJoinedByColons() {
        byte[] digest = new byte[32];
        for (int i = 0; i < digest.length; i++) {
            digest[i] = (byte) (i * 8 + 7);
        }
        String text = DtlsCertificate.formatFingerprint(digest);
        assertEquals(95, text.length());
        assertTrue(text.matches(FINGERPRINT_PATTERN), text);
        assertEquals("07:0F:17:1F:27:2F:37:3F:47:4F:57:5F:67:6F:77:7F:"
                + "87:8F:97:9F:A7:AF:B7:BF:C7:CF:D7:DF:E7:EF:F7:FF", text);
    }

    @Test
    void generatedCertificateIsSelfSignedP256WithThirtyDayValidity() throws Exception {
        Instant now = Instant.parse("2025-01-15T12:00:00Z");
        DtlsCertificate certificate = DtlsCertificate.generate(now);
        byte[] der = certificate.toTlsCertificate(new BcTlsCrypto(new SecureRandom())).getCertificateAt(0).getEncoded();
        X509Certificate x509 = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));

        assertEquals("CN=gateway", x509.getSubjectX500Principal().getName());
        assertEquals(x509.getSubjectX500Principal(), x509.getIssuerX500Principal());
        assertEquals("SHA256withECDSA", x509.getSigAlgName());
        assertEquals(256, ((ECPublicKey) x509.getPublicKey()).getParams().getCurve().getField().getFieldSize());
        x509.verify(x509.getPublicKey());
        assertEquals(now.plus(Duration.ofDays(30)), x509.getNotAfter().toInstant());
        assertEquals(now.plus(Duration.ofDays(30)), certificate.notAfter());
        assertTrue(x509.getNotBefore().toInstant().isBefore(now));

        String expected = DtlsCertificate.formatFingerprint(MessageDigest.getInstance("SHA-256").digest(der));
        assertEquals(expected, certificate.sha256Fingerprint());
        assertTrue(certificate.sha256Fingerprint().matches(FINGERPRINT_PATTERN));
    }

    @Test
    void fingerprintOfTlsChainHashesTheEndEntity() throws Exception {
        DtlsCertificate certificate = DtlsCertificate.generate(Instant.now());
        Certificate chain = certificate.toTlsCertificate(new BcTlsCrypto(new SecureRandom()));
        assertEquals(certificate.sha256Fingerprint(), DtlsCertificate.fingerprintOf(chain));
    }

    @Test
    void sharedIsGeneratedOnceAndEachGenerationIsNew() {
        DtlsCertificate.warmUp();
        assertSame(DtlsCertificate.shared(), DtlsCertificate.shared());
        assertNotEquals(DtlsCertificate.generate(Instant.now()).sha256Fingerprint(), DtlsCertificate.shared().sha256Fingerprint());
    }
}
