package dev.gateway.sip.config;

/**
 * Thrown by the configuration records' constructors when a value breaks an invariant. Unchecked because record
 * constructors cannot declare checked exceptions; {@link ConfigLoader} turns it into a {@link ConfigException}
 * by prefixing the section's path to {@link #field()}.
 */
public final class InvalidConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String reason;

    public InvalidConfigException(String field, String reason) {
        super(field + ": " + reason);
        this.field = field;
        this.reason = reason;
    }

    /** Field name relative to the record, e.g. {@code portMin}. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }

    static void check(boolean ok, String field, String reason) {
        if (!ok) {
            throw new InvalidConfigException(field, reason);
        }
    }

    static void checkAddress(String value, String field) {
        check(dev.gateway.sip.trunk.Cidr.isAddressLiteral(value), field, "must be an IP address, got '" + value + "'");
    }
}
