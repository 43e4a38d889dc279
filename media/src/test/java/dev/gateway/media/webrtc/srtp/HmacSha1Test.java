package dev.gateway.media.webrtc.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class HmacSha1Test {

    @Test
    void rfc2202TestCases1And2() {
        // RFC 2202 §3, HMAC-SHA-1 test cases 1 and 2.
        assertArrayEquals(HexFormat.of().parseHex("b617318655057264e28bc0b6fb378c8ef146be00"),
                mac(HexFormat.of().parseHex("0b".repeat(20)), "Hi There".getBytes(StandardCharsets.US_ASCII)));
        assertArrayEquals(HexFormat.of().parseHex("effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"),
                mac("Jefe".getBytes(StandardCharsets.US_ASCII),
                        "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void agreesWithJceMacAcrossKeyAndMessageLengthsAndReuse() throws Exception {
        Random random = new Random(2104);
        for (int keyLength : new int[] {1, 20, 64, 65, 100}) {
            byte[] key = new byte[keyLength];
            random.nextBytes(key);
            Mac jce = Mac.getInstance("HmacSHA1");
            jce.init(new SecretKeySpec(key, "HmacSHA1"));
            HmacSha1 ours = new HmacSha1(key);
            for (int round = 0; round < 20; round++) {
                byte[] message = new byte[random.nextInt(300)];
                random.nextBytes(message);
                int roc = random.nextInt();
                jce.update(message);
                jce.update(new byte[] {(byte) (roc >>> 24), (byte) (roc >>> 16), (byte) (roc >>> 8), (byte) roc});
                byte[] out = new byte[HmacSha1.LENGTH + 3];
                ours.update(message, 0, message.length);
                ours.updateInt(roc);
                ours.doFinal(out, 3);
                assertArrayEquals(jce.doFinal(), Arrays.copyOfRange(out, 3, out.length),
                        "key " + keyLength + " round " + round);
            }
        }
    }

    private static byte[] mac(byte[] key, byte[] message) {
        HmacSha1 mac = new HmacSha1(key);
        byte[] out = new byte[HmacSha1.LENGTH];
        mac.update(message, 0, message.length);
        mac.doFinal(out, 0);
        return out;
    }
}
