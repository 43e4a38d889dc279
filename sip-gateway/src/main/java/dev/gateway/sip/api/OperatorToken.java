package dev.gateway.sip.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The operator's bearer token when none is configured and there is no LiveKit secret to verify tokens with: 32
 * random bytes as hex, created once in {@code <dataDir>/http-token} with mode 0600 (owner only) and reused by later
 * starts, so a script can read it ({@code curl -H "Authorization: Bearer $(cat data/http-token)"}). Stateless.
 */
public final class OperatorToken {

    /** The file's name inside the data directory. */
    public static final String FILE_NAME = "http-token";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private OperatorToken() {
    }

    /**
     * Reads the token from {@code file}, or creates the file (and its folder) with a new random token.
     *
     * @throws IOException if the file cannot be read or written, or it exists but is readable by others or holds
     *                     less than 16 characters
     */
    public static String loadOrCreate(Path file) throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String token = HexFormat.of().formatHex(random);
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
                return token;
            } catch (FileAlreadyExistsException e) {
                // another start won the race: read its token
            }
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(perms)) {
            throw new IOException(file + " is readable or writable by others (" + PosixFilePermissions.toString(perms)
                    + "): chmod 600 it or delete it to get a new token");
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (token.length() < 16) {
            throw new IOException(file + " holds no token (less than 16 characters): delete it to get a new one");
        }
        return token;
    }
}
