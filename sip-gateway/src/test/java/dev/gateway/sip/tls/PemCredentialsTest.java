package dev.gateway.sip.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** PEM files as OpenSSL writes them (src/test/resources/tls/README.md says how they were made). */
public class PemCredentialsTest {

    public static Path file(String name) {
        try {
            return Path.of(PemCredentialsTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @CsvSource({"rsa.crt, rsa-pkcs8.key, RSA, gateway-test-rsa", "rsa.crt, rsa-pkcs1.key, RSA, gateway-test-rsa",
            "ec.crt, ec-sec1.key, EC, gateway-test-ec"})
    void readsEachKeyFormatOpenSslWrites(String certificate, String key, String algorithm, String cn)
            throws TlsCredentialsException {
        PemCredentials credentials = PemCredentials.read(file(certificate), file(key));
        assertEquals(algorithm, credentials.key().getAlgorithm());
        assertEquals("CN=" + cn, credentials.leaf().getSubjectX500Principal().getName());
        assertEquals(1, credentials.chain().size());
    }

    @Test
    void aKeyOfAnotherCertificateIsRefusedNamingBothFiles() {
        TlsCredentialsException e = assertThrows(TlsCredentialsException.class,
                () -> PemCredentials.read(file("rsa.crt"), file("ec-sec1.key")));
        assertEquals(file("ec-sec1.key"), e.file());
        assertTrue(e.getMessage().contains("is not the private key of the certificate in"), e.getMessage());
    }

    @Test
    void anEncryptedKeyIsRefusedWithWhatToDo() {
        TlsCredentialsException e = assertThrows(TlsCredentialsException.class,
                () -> PemCredentials.read(file("rsa.crt"), file("rsa-encrypted.key")));
        assertTrue(e.getMessage().contains("is encrypted") && e.getMessage().contains("openssl pkey"), e.getMessage());
    }

    @Test
    void aKeyFileGivenAsTheCertificateIsRefused() {
        TlsCredentialsException e = assertThrows(TlsCredentialsException.class,
                () -> PemCredentials.read(file("rsa-pkcs8.key"), file("rsa-pkcs8.key")));
        assertEquals(file("rsa-pkcs8.key"), e.file());
        assertTrue(e.getMessage().endsWith("holds no -----BEGIN CERTIFICATE----- block"), e.getMessage());
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = Path.of("/nonexistent/fullchain.pem");
        TlsCredentialsException e = assertThrows(TlsCredentialsException.class,
                () -> PemCredentials.read(missing, file("rsa-pkcs8.key")));
        assertEquals(missing + " does not exist", e.getMessage());
    }
}
