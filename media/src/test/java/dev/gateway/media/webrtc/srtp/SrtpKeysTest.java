package dev.gateway.media.webrtc.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SrtpKeysTest {

    private static final Rfc3711Vectors B3 = Rfc3711Vectors.load("b3-key-derivation.txt");

    @Test
    void rfc3711B3SessionKeys() {
        SrtpKeys keys = SrtpKeys.derive(B3.get("master_key"), B3.get("master_salt"));
        assertArrayEquals(B3.get("cipher_key"), keys.rtpCipherKey());
        assertArrayEquals(B3.get("cipher_salt"), keys.rtpSalt());
        assertArrayEquals(Arrays.copyOf(B3.get("auth_key_94"), SrtpKeys.AUTH_KEY_LENGTH), keys.rtpAuthKey());
    }

    @Test
    void rfc3711B3AllNinetyFourAuthKeyBytes() {
        assertArrayEquals(B3.get("auth_key_94"),
                SrtpKeys.prf(B3.get("master_key"), B3.get("master_salt"), SrtpKeys.LABEL_RTP_AUTH, 94));
    }

    @Test
    void srtcpKeysUseTheirOwnLabels() {
        byte[] key = B3.get("master_key");
        byte[] salt = B3.get("master_salt");
        SrtpKeys keys = SrtpKeys.derive(key, salt);
        assertArrayEquals(SrtpKeys.prf(key, salt, 0x03, 16), keys.rtcpCipherKey());
        assertArrayEquals(SrtpKeys.prf(key, salt, 0x04, 20), keys.rtcpAuthKey());
        assertArrayEquals(SrtpKeys.prf(key, salt, 0x05, 14), keys.rtcpSalt());
        assertFalse(Arrays.equals(keys.rtpCipherKey(), keys.rtcpCipherKey()));
        // The libSRTP SRTCP known-answer packet in SrtpContextTest checks these three against published data.
    }

    @Test
    void accessorsReturnCopiesAndToStringHidesKeys() {
        SrtpKeys keys = SrtpKeys.derive(B3.get("master_key"), B3.get("master_salt"));
        keys.rtpCipherKey()[0] ^= 1;
        assertArrayEquals(B3.get("cipher_key"), keys.rtpCipherKey());
        assertEquals("SrtpKeys[AES_CM_128_HMAC_SHA1_80]", keys.toString());
    }

    @Test
    void wrongLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SrtpKeys.derive(new byte[15], new byte[14]));
        assertThrows(IllegalArgumentException.class, () -> SrtpKeys.derive(new byte[16], new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> SrtpKeys.derive(null, new byte[14]));
        assertThrows(IllegalArgumentException.class, () -> new SrtpContext(new byte[32], new byte[14]));
    }
}
