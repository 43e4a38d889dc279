package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PemKeyManagersTest {
    private static final Path DIR = Path.of("src", "test", "resources", "tls");

    @ParameterizedTest(name = "{1}")
    @CsvSource({"rsa.cert.pem, rsa-pkcs8.key.pem, RSA, gateway-test",
                "rsa.cert.pem, rsa-pkcs1.key.pem, RSA, gateway-test",
                "ec.cert.pem, ec.key.pem, EC, gateway-test-ec",
                "ec.cert.pem, ec-sec1.key.pem, EC, gateway-test-ec"})
    void loadsTheChainAndKeyOfEachPemForm(String cert, String key, String algorithm, String commonName) throws Exception {
        KeyManager[] managers = PemKeyManagers.keyManagers(DIR.resolve(cert), DIR.resolve(key));
        X509KeyManager km = (X509KeyManager) managers[0];
        String alias = km.chooseServerAlias(algorithm, null, null);
        X509Certificate[] chain = km.getCertificateChain(alias);
        assertEquals("CN=" + commonName, chain[0].getSubjectX500Principal().getName());
        assertEquals(algorithm, km.getPrivateKey(alias).getAlgorithm());
    }

    @Test
    void aFileWithoutTheRightPemNamesItself() {
        IOException noKey = assertThrows(IOException.class,
                () -> PemKeyManagers.keyManagers(DIR.resolve("rsa.cert.pem"), DIR.resolve("rsa.cert.pem")));
        assertTrue(noKey.getMessage().startsWith(DIR.resolve("rsa.cert.pem") + ": no unencrypted PEM private key"),
                noKey.getMessage());
        IOException noCert = assertThrows(IOException.class,
                () -> PemKeyManagers.keyManagers(DIR.resolve("ec.key.pem"), DIR.resolve("ec.key.pem")));
        assertTrue(noCert.getMessage().startsWith(DIR.resolve("ec.key.pem").toString()), noCert.getMessage());
    }
}
