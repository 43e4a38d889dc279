package dev.gateway.sip.config;

/**
 * A configuration that cannot be used, naming the exact field. Message: {@code config: <field>: <reason>}, e.g.
 * {@code config: rtp.portMin: must be an even number between 1024 and 65534, got 10001}. Syntax errors have an
 * empty field and say where in the text they are.
 */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String reason;

    public ConfigException(String field, String reason) {
        super(field.isEmpty() ? "config: " + reason : "config: " + field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    public ConfigException(String field, String reason, Throwable cause) {
        this(field, reason);
        initCause(cause);
    }

    /** Dotted path of the offending field, e.g. {@code trunks.inbound[0].allowed_addresses[2]}; may be empty. */
    public String field() {
        return field;
    }

    /** What is wrong, without the field. */
    public String reason() {
        return reason;
    }
}
