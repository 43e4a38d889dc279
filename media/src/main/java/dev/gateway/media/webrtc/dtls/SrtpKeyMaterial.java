package dev.gateway.media.webrtc.dtls;

import java.util.Arrays;

/**
 * SRTP master keys and salts negotiated by DTLS-SRTP (RFC 5764 §4.2). "Local" is what WE protect outgoing packets
 * with, "remote" what we unprotect incoming packets with: the client's write key and salt are local when we are the
 * DTLS client. Immutable: arrays are copied on the way in and on the way out. {@link #toString()} never prints keys.
 *
 * @param profile    the negotiated SRTP protection profile (RFC 5764 §4.1.2); only
 *                   {@link #SRTP_AES128_CM_HMAC_SHA1_80} is accepted
 * @param localKey   16-byte master key for packets we send
 * @param localSalt  14-byte master salt for packets we send
 * @param remoteKey  16-byte master key for packets we receive
 * @param remoteSalt 14-byte master salt for packets we receive
 */
public record SrtpKeyMaterial(int profile, byte[] localKey, byte[] localSalt, byte[] remoteKey, byte[] remoteSalt) {

    /** RFC 5764 §4.1.2 profile code of AES_CM_128_HMAC_SHA1_80. */
    public static final int SRTP_AES128_CM_HMAC_SHA1_80 = 0x0001;
    /** Master key length of SRTP_AES128_CM_HMAC_SHA1_80, bytes. */
    public static final int KEY_LENGTH = 16;
    /** Master salt length of SRTP_AES128_CM_HMAC_SHA1_80, bytes. */
    public static final int SALT_LENGTH = 14;
    /** Bytes to export with the "EXTRACTOR-dtls_srtp" label: two keys and two salts. */
    public static final int EXPORTER_LENGTH = 2 * (KEY_LENGTH + SALT_LENGTH);

    public SrtpKeyMaterial {
        if (profile != SRTP_AES128_CM_HMAC_SHA1_80) {
            throw new IllegalArgumentException("unsupported SRTP protection profile 0x" + Integer.toHexString(profile));
        }
        localKey = copyOfLength(localKey, KEY_LENGTH, "localKey");
        localSalt = copyOfLength(localSalt, SALT_LENGTH, "localSalt");
        remoteKey = copyOfLength(remoteKey, KEY_LENGTH, "remoteKey");
        remoteSalt = copyOfLength(remoteSalt, SALT_LENGTH, "remoteSalt");
    }

    /**
     * Splits exported keying material (RFC 5764 §4.2):
     * <pre>
     * +-----------------+-----------------+-------------------+-------------------+
     * | client_write_key| server_write_key| client_write_salt | server_write_salt |
     * |    16 bytes     |    16 bytes     |     14 bytes      |     14 bytes      |
     * +-----------------+-----------------+-------------------+-------------------+
     * </pre>
     *
     * @param material  {@link #EXPORTER_LENGTH} bytes from the exporter; not kept
     * @param localRole our DTLS role, which decides which half is local
     */
    public static SrtpKeyMaterial fromExporter(int profile, byte[] material, DtlsRole localRole) {
        if (material.length != EXPORTER_LENGTH) {
            throw new IllegalArgumentException("exported keying material must be " + EXPORTER_LENGTH + " bytes, got " + material.length);
        }
        byte[] clientKey = Arrays.copyOfRange(material, 0, KEY_LENGTH);
        byte[] serverKey = Arrays.copyOfRange(material, KEY_LENGTH, 2 * KEY_LENGTH);
        byte[] clientSalt = Arrays.copyOfRange(material, 2 * KEY_LENGTH, 2 * KEY_LENGTH + SALT_LENGTH);
        byte[] serverSalt = Arrays.copyOfRange(material, 2 * KEY_LENGTH + SALT_LENGTH, EXPORTER_LENGTH);
        return localRole == DtlsRole.CLIENT
                ? new SrtpKeyMaterial(profile, clientKey, clientSalt, serverKey, serverSalt)
                : new SrtpKeyMaterial(profile, serverKey, serverSalt, clientKey, clientSalt);
    }

    @Override
    public byte[] localKey() {
        return localKey.clone();
    }

    @Override
    public byte[] localSalt() {
        return localSalt.clone();
    }

    @Override
    public byte[] remoteKey() {
        return remoteKey.clone();
    }

    @Override
    public byte[] remoteSalt() {
        return remoteSalt.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SrtpKeyMaterial k && profile == k.profile
                && Arrays.equals(localKey, k.localKey) && Arrays.equals(localSalt, k.localSalt)
                && Arrays.equals(remoteKey, k.remoteKey) && Arrays.equals(remoteSalt, k.remoteSalt);
    }

    @Override
    public int hashCode() {
        int h = profile;
        h = 31 * h + Arrays.hashCode(localKey);
        h = 31 * h + Arrays.hashCode(localSalt);
        h = 31 * h + Arrays.hashCode(remoteKey);
        return 31 * h + Arrays.hashCode(remoteSalt);
    }

    /** Names the profile only: key material must not reach logs. */
    @Override
    public String toString() {
        return "SrtpKeyMaterial[profile=0x" + String.format("%04x", profile) + ", keys redacted]";
    }

    private static byte[] copyOfLength(byte[] value, int length, String name) {
        if (value == null || value.length != length) {
            throw new IllegalArgumentException(name + " must be " + length + " bytes, got "
                    + (value == null ? "null" : value.length));
        }
        return value.clone();
    }
}
