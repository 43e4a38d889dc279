package dev.gateway.media.endpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AddressBlockTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("168.86.128.0", 18, "168.86.128.0", true),
                Arguments.of("168.86.128.0", 18, "168.86.191.255", true),
                Arguments.of("168.86.128.0", 18, "168.86.192.0", false),
                Arguments.of("168.86.128.0", 18, "168.86.127.255", false),
                Arguments.of("168.86.130.7", 18, "168.86.129.1", true),   // host bits of the network ignored
                Arguments.of("10.0.0.1", 32, "10.0.0.1", true),
                Arguments.of("10.0.0.1", 32, "10.0.0.2", false),
                Arguments.of("0.0.0.0", 0, "203.0.113.9", true),
                Arguments.of("0.0.0.0", 0, "2001:db8::1", false),          // another family
                Arguments.of("2001:db8::", 32, "2001:db8:ffff::1", true),
                Arguments.of("2001:db8::", 32, "2001:db9::1", false),
                Arguments.of("2001:db8::", 33, "2001:db8:7fff::", true),
                Arguments.of("2001:db8::", 33, "2001:db8:8000::", false),
                Arguments.of("2001:db8::", 32, "32.1.13.184", false));     // 2001:0db8 as IPv4 bytes
    }

    @ParameterizedTest(name = "{0}/{1} contains {2}: {3}")
    @MethodSource("cases")
    void containsComparesThePrefixBits(String network, int prefix, String address, boolean expected) throws UnknownHostException {
        assertEquals(expected, new AddressBlock(InetAddress.getByName(network), prefix).contains(InetAddress.getByName(address)));
    }

    @ParameterizedTest(name = "{0}/{1} prints as {2}")
    @MethodSource("printed")
    void printsWithHostBitsCleared(String network, int prefix, String text) throws UnknownHostException {
        AddressBlock block = new AddressBlock(InetAddress.getByName(network), prefix);
        assertEquals(text, block.toString());
        assertEquals(block, new AddressBlock(InetAddress.getByName(text.substring(0, text.indexOf('/'))), prefix));
    }

    static Stream<Arguments> printed() {
        return Stream.of(
                Arguments.of("168.86.130.7", 18, "168.86.128.0/18"),
                Arguments.of("10.1.2.3", 0, "0.0.0.0/0"),
                Arguments.of("2001:db8::1", 64, "2001:db8:0:0:0:0:0:0/64"));
    }

    @ParameterizedTest(name = "prefix {1} on {0} is rejected")
    @MethodSource("badPrefixes")
    void prefixOutsideTheFamilyIsRejected(String network, int prefix) {
        assertThrows(IllegalArgumentException.class, () -> new AddressBlock(InetAddress.getByName(network), prefix));
    }

    static Stream<Arguments> badPrefixes() {
        return Stream.of(Arguments.of("10.0.0.0", 33), Arguments.of("10.0.0.0", -1), Arguments.of("::", 129));
    }
}
