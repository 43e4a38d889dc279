package dev.gateway.sip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OperatorTokenTest {

    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyRandomTokenOnceAndReusesIt() throws Exception {
        Path file = dir.resolve("data").resolve(OperatorToken.FILE_NAME);
        String token = OperatorToken.loadOrCreate(file);
        assertTrue(token.matches("[0-9a-f]{64}"), token);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(token, OperatorToken.loadOrCreate(file));
        assertTrue(!token.equals(OperatorToken.loadOrCreate(dir.resolve("other"))), "each file its own token");
    }

    @Test
    void refusesAFileOthersCanReadOrAnEmptyOne() throws Exception {
        Path open = dir.resolve("open");
        Files.writeString(open, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> OperatorToken.loadOrCreate(open));
        assertTrue(e.getMessage().contains("rw-r--r--"), e.getMessage());
        Path empty = dir.resolve("empty");
        Files.writeString(empty, "\n");
        Files.setPosixFilePermissions(empty, PosixFilePermissions.fromString("rw-------"));
        assertTrue(assertThrows(IOException.class, () -> OperatorToken.loadOrCreate(empty)).getMessage()
                .contains("holds no token"));
    }
}
