package dev.gateway.sip.config;

import static dev.gateway.sip.config.InvalidConfigException.check;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The embedded agent that answers calls when no LiveKit is configured. Immutable.
 *
 * @param greeting       what the caller hears first, default {@link Greeting#TONES}
 * @param transferTarget where the DTMF menu's "transfer" option sends the call ({@code sip:}, {@code sips:} or
 *                       {@code tel:} URI); null = no transfer option
 */
public record LocalAgentConfig(Greeting greeting, String transferTarget) {

    public static final LocalAgentConfig DEFAULT = new LocalAgentConfig(Greeting.TONES, null);

    // sip:[user@]host[:port][;params]  (user may hold the usual RFC 3261 user-part characters)
    private static final Pattern SIP_URI = Pattern.compile(
            "(?i)sips?:([A-Za-z0-9\\-_.!~*'()&=+$,;?/%]+@)?(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+)(:\\d{1,5})?(;[^\\s]*)?");
    // tel:+15550100 / tel:+1-555-0100 / tel:1234;phone-context=example.com  (RFC 3966, simplified)
    private static final Pattern TEL_URI = Pattern.compile("(?i)tel:\\+?[0-9][0-9\\-.()]*(;[^\\s]*)?");

    /** Greeting kinds, as written in the config file. */
    public enum Greeting {
        TONES, NONE;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LocalAgentConfig {
        Objects.requireNonNull(greeting, "greeting");
        check(transferTarget == null || SIP_URI.matcher(transferTarget).matches()
                        || TEL_URI.matcher(transferTarget).matches(), "transferTarget",
                "must be a sip:, sips: or tel: URI, got '" + transferTarget + "'");
    }
}
