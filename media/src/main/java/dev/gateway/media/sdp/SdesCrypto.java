package dev.gateway.media.sdp;

import dev.gateway.media.webrtc.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 §9.1) that this gateway can use: a tag, a suite it speaks and one
 * inline master key with its salt.
 *
 * <pre>
 * a=crypto:&lt;tag&gt; &lt;crypto-suite&gt; inline:&lt;base64(key || salt)&gt;[|&lt;lifetime&gt;][|&lt;MKI&gt;:&lt;length&gt;]
 *          [&lt;session-params&gt;]
 * a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4    (RFC 4568 §4)
 * </pre>
 *
 * <p>What {@link #parse} skips (the line is then ignored, as RFC 4568 §5.1.1 lets an answerer ignore lines it
 * cannot use): suites other than AES_CM_128_HMAC_SHA1_80/_32, key methods other than {@code inline}, more than one
 * key, an MKI (we send and expect packets without one, as Twilio does), a key of the wrong length, and every
 * session parameter but {@code WSH=} (a window size hint, harmless). A lifetime is accepted and not enforced: the
 * call ends long before 2^31 packets.
 *
 * <p>Immutable (key bytes are copied in and out); {@link #toString()} never prints the key. Thread-safe.
 *
 * @param tag     the decimal tag, 0..999999999, that the answer repeats (RFC 4568 §6.1)
 * @param profile the suite
 * @param key     the 16-byte master key
 * @param salt    the 14-byte master salt
 */
public record SdesCrypto(int tag, SrtpProfile profile, byte[] key, byte[] salt) {

    private static final String INLINE = "inline:";
    private static final Pattern TAG = Pattern.compile("[0-9]{1,9}");
    private static final Pattern LIFETIME = Pattern.compile("(2\\^)?[0-9]{1,20}");
    private static final Pattern WSH = Pattern.compile("WSH=[0-9]{1,9}");

    public SdesCrypto {
        if (tag < 0) {
            throw new IllegalArgumentException("tag must be >= 0: " + tag);
        }
        Objects.requireNonNull(profile, "profile");
        if (key == null || key.length != profile.masterKeyLength()) {
            throw new IllegalArgumentException("master key must be " + profile.masterKeyLength() + " bytes");
        }
        if (salt == null || salt.length != profile.masterSaltLength()) {
            throw new IllegalArgumentException("master salt must be " + profile.masterSaltLength() + " bytes");
        }
        key = key.clone();
        salt = salt.clone();
    }

    /** A fresh key and salt from {@code random} for {@code profile}, under {@code tag}. */
    public static SdesCrypto generate(int tag, SrtpProfile profile, SecureRandom random) {
        byte[] key = new byte[profile.masterKeyLength()];
        byte[] salt = new byte[profile.masterSaltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return new SdesCrypto(tag, profile, key, salt);
    }

    /**
     * The value of an {@code a=crypto} attribute (without {@code "crypto:"}), or empty when the line is not one
     * this gateway can use (see the class comment); never throws on bad input.
     */
    public static Optional<SdesCrypto> parse(String value) {
        String[] f = value.strip().split("\\s+");
        if (f.length < 3 || !TAG.matcher(f[0]).matches()) {
            return Optional.empty();
        }
        Optional<SrtpProfile> profile = SrtpProfile.bySuiteName(f[1]);
        if (profile.isEmpty() || !f[2].regionMatches(true, 0, INLINE, 0, INLINE.length()) || f[2].indexOf(';') >= 0) {
            return Optional.empty();
        }
        for (int i = 3; i < f.length; i++) {
            if (!WSH.matcher(f[i]).matches()) {
                return Optional.empty();
            }
        }
        String[] parts = f[2].substring(INLINE.length()).split("\\|", -1);
        if (parts.length > 2 || parts.length == 2 && !LIFETIME.matcher(parts[1]).matches()) {
            return Optional.empty(); // an MKI (the third part, or "n:len" in the second) is not supported
        }
        byte[] keySalt;
        try {
            keySalt = Base64.getDecoder().decode(parts[0]);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        SrtpProfile p = profile.get();
        if (keySalt.length != p.masterKeyLength() + p.masterSaltLength()) {
            return Optional.empty();
        }
        return Optional.of(new SdesCrypto(Integer.parseInt(f[0]), p, Arrays.copyOf(keySalt, p.masterKeyLength()),
                Arrays.copyOfRange(keySalt, p.masterKeyLength(), keySalt.length)));
    }

    /** The usable {@code a=crypto} lines among {@code attributes} ({@code "name:value"} strings), in their order. */
    public static List<SdesCrypto> offered(List<String> attributes) {
        return attributes.stream().filter(a -> a.regionMatches(true, 0, "crypto:", 0, 7))
                .map(a -> parse(a.substring(7))).flatMap(Optional::stream).toList();
    }

    /** The attribute as written in SDP, {@code "crypto:<tag> <suite> inline:<key||salt>"}. */
    public String attribute() {
        byte[] keySalt = Arrays.copyOf(key, key.length + salt.length);
        System.arraycopy(salt, 0, keySalt, key.length, salt.length);
        return "crypto:" + tag + " " + profile.name() + " " + INLINE + Base64.getEncoder().encodeToString(keySalt);
    }

    /** The master key, a copy. */
    @Override
    public byte[] key() {
        return key.clone();
    }

    /** The master salt, a copy. */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SdesCrypto c && c.tag == tag && c.profile == profile && Arrays.equals(c.key, key)
                && Arrays.equals(c.salt, salt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tag, profile, Arrays.hashCode(key), Arrays.hashCode(salt));
    }

    /** Never prints key material. */
    @Override
    public String toString() {
        return "SdesCrypto[" + tag + " " + profile + "]";
    }
}
