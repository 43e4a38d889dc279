package dev.gateway.media.sdp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gateway.media.webrtc.srtp.SrtpProfile;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@code a=crypto} lines (RFC 4568 §9.1); the lines are listed in vectors/rfc4568/README.md. */
class SdesCryptoTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String RFC4568_KEY = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
    private static final String SHA1_32_KEY = "NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj";

    @Test
    void theRfc4568ExampleWithoutItsMkiParses() {
        SdesCrypto c = SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + RFC4568_KEY + "|2^20").orElseThrow();
        assertEquals(1, c.tag());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, c.profile());
        assertArrayEquals(HEX.parseHex("3d2d6e40255e7821426a75667239293f"), c.key());
        assertArrayEquals(HEX.parseHex("2c2335685c603d265d7b71695051"), c.salt());
        assertEquals(c, SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + RFC4568_KEY).orElseThrow());
    }

    @Test
    void the32BitSuiteParses() {
        SdesCrypto c = SdesCrypto.parse("7 AES_CM_128_HMAC_SHA1_32 inline:" + SHA1_32_KEY).orElseThrow();
        assertEquals(7, c.tag());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_32, c.profile());
        assertArrayEquals(HEX.parseHex("37307877504835402f2c4c3a53317759"), c.key());
        assertArrayEquals(HEX.parseHex("227e3d27457067542528695f5663"), c.salt());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '!', value = {
        "RFC 4568 §4 example: MKI 1:4 ! 1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4",
        "MKI without lifetime ! 1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4",
        "_32 with MKI 1:32 ! 1 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32",
        "session parameter FEC_ORDER ! 1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcyAoc2VsZi5tb2RlI|2^20|1:4 FEC_ORDER=FEC_SRTP",
        "F8 suite, two keys ! 2 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm|2^20|1:4; inline:QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5|2^20|2:4 FEC_ORDER=FEC_SRTP",
        "UNENCRYPTED_SRTP ! 1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR UNENCRYPTED_SRTP",
        "AES-256 suite ! 1 AES_256_CM_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
        "key too short ! 1 AES_CM_128_HMAC_SHA1_80 inline:c2hvcnQ=",
        "not base64 ! 1 AES_CM_128_HMAC_SHA1_80 inline:!!!!",
        "no inline ! 1 AES_CM_128_HMAC_SHA1_80 uri:https://example.com/key",
        "tag not a number ! x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
        "tag of ten digits ! 1234567890 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR",
        "bad lifetime ! 1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x",
        "no key ! 1 AES_CM_128_HMAC_SHA1_80",
    })
    void linesWeCannotUseAreSkipped(String name, String value) {
        assertEquals(Optional.empty(), SdesCrypto.parse(value), name);
    }

    @Test
    void aWindowSizeHintIsHarmless() {
        assertFalse(SdesCrypto.parse("1 AES_CM_128_HMAC_SHA1_80 inline:" + RFC4568_KEY + " WSH=128").isEmpty());
    }

    @Test
    void attributeRoundTripsAndNeverPrintsTheKey() {
        SdesCrypto c = SdesCrypto.generate(3, SrtpProfile.AES_CM_128_HMAC_SHA1_32, new SecureRandom());
        String a = c.attribute();
        assertEquals(c, SdesCrypto.parse(a.substring("crypto:".length())).orElseThrow());
        assertEquals(a.length(), "crypto:3 AES_CM_128_HMAC_SHA1_32 inline:".length() + 40);
        assertEquals("SdesCrypto[3 AES_CM_128_HMAC_SHA1_32]", c.toString());
        assertNotEquals(c, SdesCrypto.generate(3, SrtpProfile.AES_CM_128_HMAC_SHA1_32, new SecureRandom()));
    }

    @Test
    void offeredKeepsTheUsableLinesInOrder() {
        List<SdesCrypto> keys = SdesCrypto.offered(List.of("rtcp-mux",
                "crypto:1 F8_128_HMAC_SHA1_80 inline:" + RFC4568_KEY,
                "crypto:2 AES_CM_128_HMAC_SHA1_32 inline:" + SHA1_32_KEY,
                "CRYPTO:3 AES_CM_128_HMAC_SHA1_80 inline:" + RFC4568_KEY));
        assertEquals(List.of(2, 3), keys.stream().map(SdesCrypto::tag).toList());
    }

    @Test
    void wrongKeyLengthsAreRefusedAtConstruction() {
        assertThrows(IllegalArgumentException.class,
                () -> new SdesCrypto(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[15], new byte[14]));
        assertThrows(IllegalArgumentException.class,
                () -> new SdesCrypto(1, SrtpProfile.AES_CM_128_HMAC_SHA1_80, new byte[16], new byte[16]));
    }
}
