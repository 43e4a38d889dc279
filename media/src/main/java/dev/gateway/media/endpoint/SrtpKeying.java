package dev.gateway.media.endpoint;

import dev.gateway.media.webrtc.srtp.SrtpContext;
import dev.gateway.media.webrtc.srtp.SrtpProfile;
import java.util.Arrays;
import java.util.Objects;

/**
 * The master keys of one call's phone-side SRTP, however they were exchanged (SDES in SIP today): the suite, the
 * key and salt we send with and those the phone sends with. Immutable (arrays copied in and out); equality is by
 * content, so a re-offer that repeats the keys keeps the running contexts. {@link #toString()} hides the keys.
 *
 * @param profile     the suite both directions use
 * @param sendKey     our 16-byte master key
 * @param sendSalt    our 14-byte master salt
 * @param receiveKey  the phone's 16-byte master key
 * @param receiveSalt the phone's 14-byte master salt
 */
public record SrtpKeying(SrtpProfile profile, byte[] sendKey, byte[] sendSalt, byte[] receiveKey,
                         byte[] receiveSalt) {

    public SrtpKeying {
        Objects.requireNonNull(profile, "profile");
        sendKey = copy(sendKey, profile.masterKeyLength(), "send key");
        sendSalt = copy(sendSalt, profile.masterSaltLength(), "send salt");
        receiveKey = copy(receiveKey, profile.masterKeyLength(), "receive key");
        receiveSalt = copy(receiveSalt, profile.masterSaltLength(), "receive salt");
    }

    private static byte[] copy(byte[] value, int length, String what) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(what + " must be " + length + " bytes");
        }
        return value.clone();
    }

    /** A new context protecting what we send. */
    SrtpContext sender() {
        return new SrtpContext(profile, sendKey, sendSalt);
    }

    /** A new context unprotecting what the phone sends. */
    SrtpContext receiver() {
        return new SrtpContext(profile, receiveKey, receiveSalt);
    }

    @Override
    public byte[] sendKey() {
        return sendKey.clone();
    }

    @Override
    public byte[] sendSalt() {
        return sendSalt.clone();
    }

    @Override
    public byte[] receiveKey() {
        return receiveKey.clone();
    }

    @Override
    public byte[] receiveSalt() {
        return receiveSalt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeying k && k.profile == profile && Arrays.equals(k.sendKey, sendKey)
                && Arrays.equals(k.sendSalt, sendSalt) && Arrays.equals(k.receiveKey, receiveKey)
                && Arrays.equals(k.receiveSalt, receiveSalt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(profile, Arrays.hashCode(sendKey), Arrays.hashCode(receiveKey));
    }

    @Override
    public String toString() {
        return "SrtpKeying[" + profile + "]";
    }
}
