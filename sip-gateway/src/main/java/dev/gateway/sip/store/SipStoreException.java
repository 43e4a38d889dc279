package dev.gateway.sip.store;

/**
 * Why a {@link SipStore} operation was refused. The SIP API maps {@link Reason} to a Twirp error code
 * ({@code invalid_argument}, {@code not_found}, {@code failed_precondition}); {@link #field()} names the offending
 * request field for {@code invalid_argument}. Expected failures: no stack trace is filled in.
 */
public final class SipStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kind of refusal. */
    public enum Reason {
        /** The entry fails validation; {@link #field()} says which field. */
        INVALID_ARGUMENT,
        /** No entry with that id. */
        NOT_FOUND,
        /** The entry comes from the configuration file and cannot be changed through the API. */
        READ_ONLY,
        /** The data file could not be written; nothing was changed. */
        STORAGE
    }

    private final Reason reason;
    private final String field;

    public SipStoreException(Reason reason, String field, String message) {
        super(message, null, false, false);
        this.reason = reason;
        this.field = field == null ? "" : field;
    }

    public SipStoreException(Reason reason, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
        this.field = "";
    }

    public Reason reason() {
        return reason;
    }

    /** Dotted path of the offending request field, e.g. {@code trunk.allowed_addresses[0]}; empty if none. */
    public String field() {
        return field;
    }

    /** {@code path.name}, or {@code name} when the path is empty. */
    static String field(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static SipStoreException notFound(String what, String id) {
        return new SipStoreException(Reason.NOT_FOUND, null, what + " '" + id + "' not found");
    }

    static SipStoreException invalid(String field, String message) {
        return new SipStoreException(Reason.INVALID_ARGUMENT, field, field.isEmpty() ? message : field + ": " + message);
    }
}
