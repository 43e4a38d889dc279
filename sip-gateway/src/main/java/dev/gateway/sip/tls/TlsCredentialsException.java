package dev.gateway.sip.tls;

import java.nio.file.Path;

/** A certificate or key file the gateway cannot use; the message names the file and the reason. */
public final class TlsCredentialsException extends Exception {
    private final transient Path file;

    public TlsCredentialsException(Path file, String problem) {
        super(file + " " + problem);
        this.file = file;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }
}
