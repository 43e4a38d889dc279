package dev.gateway.media.webrtc.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AesCmTest {

    private static final Rfc3711Vectors B2 = Rfc3711Vectors.load("b2-aes-cm-keystream.txt");

    @Test
    void rfc3711B2KeystreamHeadAndTailOfTheWholeSegment() {
        AesCm cm = new AesCm(B2.get("session_key"));
        cm.setIv(B2.get("session_salt"), 0, 0);
        byte[] segment = new byte[65282 * AesCm.BLOCK_SIZE];
        cm.apply(segment, 0, segment.length);

        for (String block : new String[] {"0000", "0001", "0002", "feff", "ff00", "ff01"}) {
            int j = Integer.parseInt(block, 16);
            assertArrayEquals(B2.get("block_" + block),
                    Arrays.copyOfRange(segment, j * AesCm.BLOCK_SIZE, (j + 1) * AesCm.BLOCK_SIZE), "block " + block);
        }
    }

    @Test
    void counterBlockZeroIsTheShiftedSalt() throws Exception {
        // With SSRC 0 and index 0 the first keystream block is AES(counter_0000), computed here by the JCE alone.
        Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
        ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(B2.get("session_key"), "AES"));
        assertArrayEquals(B2.get("block_0000"), ecb.doFinal(B2.get("counter_0000")));
    }

    @Test
    void matchesJceCounterModeForNonZeroSsrcAndIndex() throws Exception {
        Random random = new Random(3711);
        for (int round = 0; round < 50; round++) {
            byte[] key = new byte[16];
            byte[] salt = new byte[14];
            random.nextBytes(key);
            random.nextBytes(salt);
            int ssrc = random.nextInt();
            long index = random.nextLong() & 0xFFFF_FFFF_FFFFL;
            byte[] data = new byte[random.nextInt(1600)];
            random.nextBytes(data);

            // RFC 3711 §4.1.1 IV computed with BigInteger, keystream by the JCE's own CTR mode.
            BigInteger iv = new BigInteger(1, salt).shiftLeft(16)
                    .xor(BigInteger.valueOf(ssrc & 0xFFFF_FFFFL).shiftLeft(64))
                    .xor(BigInteger.valueOf(index).shiftLeft(16));
            byte[] ivBytes = new byte[16];
            byte[] raw = iv.toByteArray();
            System.arraycopy(raw, Math.max(0, raw.length - 16), ivBytes, Math.max(0, 16 - raw.length),
                    Math.min(16, raw.length));
            Cipher ctr = Cipher.getInstance("AES/CTR/NoPadding");
            ctr.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new IvParameterSpec(ivBytes));
            byte[] expected = ctr.doFinal(data);

            AesCm cm = new AesCm(key);
            cm.setIv(salt, ssrc, index);
            byte[] actual = Arrays.copyOf(data, data.length + 7);
            cm.apply(actual, 0, data.length);
            assertArrayEquals(expected, Arrays.copyOf(actual, data.length), "round " + round);
        }
    }

    @Test
    void refusesMoreThanTwoToTheSixteenBlocks() {
        AesCm cm = new AesCm(new byte[16]);
        cm.setIv(new byte[14], 0, 0);
        assertThrows(IllegalArgumentException.class, () -> cm.apply(new byte[16], 0, AesCm.MAX_KEYSTREAM + 1));
    }
}
