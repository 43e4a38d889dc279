package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @ParameterizedTest(name = "{0} contains {1}: {2}")
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "54.172.60.0/30, 54.172.60.3, true",
        "54.172.60.0/30, 54.172.60.4, false",
        "168.86.128.0/18, 168.86.191.255, true",
        "168.86.128.0/18, 168.86.192.0, false",
        "192.0.2.7, 192.0.2.7, true",
        "192.0.2.7, 192.0.2.8, false",
        "0.0.0.0/0, 203.0.113.9, true",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "2001:db8::/32, 10.0.0.1, false",
        "10.0.0.0/8, ::1, false",
        "::1, ::1, true",
    })
    void contains(String cidr, String address, boolean expected) throws Exception {
        assertEquals(expected, Cidr.parse(cidr).contains(InetAddress.getByName(address)));
    }

    @Test
    void bareAddressIsHostRouteAndHostBitsAreCleared() {
        assertEquals("192.0.2.7/32", Cidr.parse("192.0.2.7").toString());
        assertEquals(128, Cidr.parse("2001:db8::1").prefixLength());
        assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString());
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @ValueSource(strings = {"", "10.0.0.0/33", "10.0.0/8", "256.1.1.1", "10.0.0.0/", "10.0.0.0/-1",
        "2001:db8::/129", "example.com", "1.2.3.4/8/9", "fe80::zz", "01.2.3.4.5"})
    void rejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertFalse(e.getMessage().isEmpty());
    }

    @Test
    void addressLiteralCheckNeverResolves() {
        assertTrue(Cidr.isAddressLiteral("127.0.0.1"));
        assertTrue(Cidr.isAddressLiteral("[::1]"));
        assertFalse(Cidr.isAddressLiteral("localhost"));
    }
}
