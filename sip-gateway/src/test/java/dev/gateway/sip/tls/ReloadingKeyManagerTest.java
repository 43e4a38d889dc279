package dev.gateway.sip.tls;

import static dev.gateway.sip.tls.PemCredentialsTest.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading on a hand-driven clock: the files are looked at once per interval at most, on a handshake. */
class ReloadingKeyManagerTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(42 * SECOND);

    @TempDir
    Path dir;

    private Path certificate;
    private Path key;

    private ReloadingKeyManager open(String cert, String privateKey) throws Exception {
        certificate = dir.resolve("fullchain.pem");
        key = dir.resolve("privkey.pem");
        copy(cert, certificate);
        copy(privateKey, key);
        return ReloadingKeyManager.open(certificate, key, now::get);
    }

    private void copy(String resource, Path to) throws IOException {
        Files.copy(file(resource), to, StandardCopyOption.REPLACE_EXISTING);
        // a distinct modification time per write, as a renewal minutes later would have
        Files.setLastModifiedTime(to, FileTime.fromMillis(now.get() / 1_000_000 + to.hashCode() % 1000));
    }

    @Test
    void presentsTheKeyForItsOwnKeyTypeOnly() throws Exception {
        ReloadingKeyManager keys = open("ec.crt", "ec-sec1.key");
        String alias = keys.chooseEngineServerAlias("EC", null, null);
        assertNotNull(alias);
        assertNull(keys.chooseEngineServerAlias("RSA", null, null));
        assertEquals("CN=gateway-test-ec", keys.getCertificateChain(alias)[0].getSubjectX500Principal().getName());
        assertNotNull(keys.getPrivateKey(alias));
        assertNull(keys.chooseEngineClientAlias(new String[] {"EC"}, null, null), "no client certificate");
    }

    @Test
    void anRsaKeyServesRsaAndPssHandshakes() throws Exception {
        ReloadingKeyManager keys = open("rsa.crt", "rsa-pkcs1.key");
        assertNotNull(keys.chooseEngineServerAlias("RSA", null, null));
        assertNotNull(keys.chooseEngineServerAlias("RSASSA-PSS", null, null));
        assertNull(keys.chooseEngineServerAlias("EC", null, null));
    }

    @Test
    void renewedFilesAreUsedAfterTheCheckIntervalWhileTheOldAliasStillResolves() throws Exception {
        ReloadingKeyManager keys = open("rsa.crt", "rsa-pkcs8.key");
        String before = keys.chooseEngineServerAlias("RSA", null, null);
        copy("ec.crt", certificate);
        copy("ec-sec1.key", key);
        now.addAndGet(ReloadingKeyManager.CHECK_INTERVAL_NANOS - 1);
        assertEquals(before, keys.chooseEngineServerAlias("RSA", null, null), "not looked at within the interval");
        now.addAndGet(1);
        assertNull(keys.chooseEngineServerAlias("RSA", null, null));
        String after = keys.chooseEngineServerAlias("EC", null, null);
        assertNotNull(after);
        assertEquals("CN=gateway-test-ec", keys.certificate().getSubjectX500Principal().getName());
        assertEquals("CN=gateway-test-rsa", keys.getCertificateChain(before)[0].getSubjectX500Principal().getName(),
                "a handshake that chose the old alias finishes with the old certificate");
    }

    @Test
    void aMismatchedRenewalKeepsTheCurrentCredentials() throws Exception {
        ReloadingKeyManager keys = open("rsa.crt", "rsa-pkcs8.key");
        String alias = keys.chooseEngineServerAlias("RSA", null, null);
        copy("ec.crt", certificate); // the key is still the RSA one: half of a renewal
        now.addAndGet(SECOND);
        assertEquals(alias, keys.chooseEngineServerAlias("RSA", null, null));
        copy("ec-sec1.key", key); // the other half arrives
        now.addAndGet(SECOND);
        assertNotNull(keys.chooseEngineServerAlias("EC", null, null));
        assertArrayEquals(new String[] {keys.chooseEngineServerAlias("EC", null, null)}, keys.getServerAliases("EC", null));
    }
}
