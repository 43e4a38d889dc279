package dev.gateway.sip.api.twirp;

import java.util.Map;

/**
 * A Twirp error: a code from the Twirp spec (v7 "Errors"), a message and string metadata. Sent as
 * {@code {"code": "...", "msg": "...", "meta": {...}}} with the HTTP status of its code. Expected failures: no
 * stack trace is filled in. Immutable.
 */
public final class TwirpException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Code to HTTP status, as the Twirp spec lists them. */
    private static final Map<String, Integer> STATUS = Map.ofEntries(
            Map.entry("canceled", 408), Map.entry("unknown", 500), Map.entry("invalid_argument", 400),
            Map.entry("malformed", 400), Map.entry("deadline_exceeded", 408), Map.entry("not_found", 404),
            Map.entry("bad_route", 404), Map.entry("already_exists", 409), Map.entry("permission_denied", 403),
            Map.entry("unauthenticated", 401), Map.entry("resource_exhausted", 429),
            Map.entry("failed_precondition", 412), Map.entry("aborted", 409), Map.entry("out_of_range", 400),
            Map.entry("unimplemented", 501), Map.entry("internal", 500), Map.entry("unavailable", 503),
            Map.entry("dataloss", 500));

    private final String code;
    private final Map<String, String> meta;

    /** @throws IllegalArgumentException if {@code code} is not a Twirp error code */
    public TwirpException(String code, String msg, Map<String, String> meta) {
        super(msg, null, false, false);
        if (!STATUS.containsKey(code)) {
            throw new IllegalArgumentException("not a Twirp error code: " + code);
        }
        this.code = code;
        this.meta = Map.copyOf(meta);
    }

    public TwirpException(String code, String msg) {
        this(code, msg, Map.of());
    }

    /** {@code invalid_argument} naming the field in {@code meta.argument}, as twirp-go's InvalidArgumentError. */
    public static TwirpException invalidArgument(String field, String msg) {
        return new TwirpException("invalid_argument", msg, field.isEmpty() ? Map.of() : Map.of("argument", field));
    }

    public String code() {
        return code;
    }

    public Map<String, String> meta() {
        return meta;
    }

    /** The HTTP status this code is sent with. */
    public int httpStatus() {
        return STATUS.get(code);
    }
}
