package dev.gateway.media.sdp;

import java.util.Locale;
import java.util.Objects;

/**
 * One {@code a=rtpmap} attribute (RFC 4566 §6): the mapping from an RTP payload type to an encoding.
 *
 * <pre>
 * a=rtpmap:&lt;payload type&gt; &lt;encoding name&gt;/&lt;clock rate&gt;[/&lt;encoding parameters&gt;]
 * a=rtpmap:101 telephone-event/8000
 * </pre>
 *
 * For audio the encoding parameters are the channel count, 1 when absent. Immutable and thread-safe.
 *
 * @param payloadType  RTP payload type, 0..127 (RFC 3550 §5.1)
 * @param encodingName encoding name as written, for example {@code "PCMU"}; compare case-insensitively (RFC 4855 §3)
 * @param clockRate    RTP clock rate in Hz (ticks per second), > 0
 * @param channels     audio channel count, >= 1
 */
public record RtpMap(int payloadType, String encodingName, int clockRate, int channels) {
    /** Encoding name of RFC 4733 DTMF events. */
    public static final String TELEPHONE_EVENT = "telephone-event";

    public RtpMap {
        if (payloadType < 0 || payloadType > 127) {
            throw new IllegalArgumentException("payload type out of 0..127: " + payloadType);
        }
        Objects.requireNonNull(encodingName, "encodingName");
        if (encodingName.isBlank() || encodingName.contains("/") || encodingName.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bad encoding name: '" + encodingName + "'");
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clock rate must be > 0: " + clockRate);
        }
        if (channels < 1) {
            throw new IllegalArgumentException("channels must be >= 1: " + channels);
        }
    }

    /** A mono mapping. */
    public static RtpMap of(int payloadType, String encodingName, int clockRate) {
        return new RtpMap(payloadType, encodingName, clockRate, 1);
    }

    /**
     * The static audio assignments of RFC 3551 §6 Table 4 that this gateway may meet on a telephony trunk:
     * 0 PCMU/8000, 8 PCMA/8000, 9 G722/8000 (the RTP clock rate of G.722 is 8000 although it samples at 16 kHz,
     * RFC 3551 §4.5.2) and 18 G729/8000.
     *
     * @return the mapping, or {@code null} for any other payload type
     */
    public static RtpMap staticAudio(int payloadType) {
        return switch (payloadType) {
            case 0 -> of(0, "PCMU", 8000);
            case 8 -> of(8, "PCMA", 8000);
            case 9 -> of(9, "G722", 8000);
            case 18 -> of(18, "G729", 8000);
            default -> null;
        };
    }

    /** Whether this maps the given encoding name (case-insensitively) at the given clock rate. */
    public boolean matches(String name, int rate) {
        return clockRate == rate && encodingName.equalsIgnoreCase(name);
    }

    /** Whether this is RFC 4733 {@code telephone-event}. */
    public boolean isTelephoneEvent() {
        return encodingName.toLowerCase(Locale.ROOT).equals(TELEPHONE_EVENT);
    }

    /** The attribute value, for example {@code "0 PCMU/8000"}; the channel count is written only when not 1. */
    public String attributeValue() {
        String base = payloadType + " " + encodingName + "/" + clockRate;
        return channels == 1 ? base : base + "/" + channels;
    }
}
