package dev.gateway.media.webrtc.ice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IceCandidateTest {

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("chromeHost",
                        "candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0",
                        new IceCandidate("1467250027", 1, "udp", 2122260223L, "192.168.0.196", 46243, "host")),
                Arguments.of("sdpLineWithPrefixAndCrlf",
                        "a=candidate:1 1 UDP 2130706431 127.0.0.1 40000 typ host\r\n",
                        new IceCandidate("1", 1, "udp", 2130706431L, "127.0.0.1", 40000, "host")),
                Arguments.of("srflxWithRelated",
                        "candidate:842163049 1 udp 1677729535 203.0.113.7 61000 typ srflx raddr 192.168.0.196 "
                                + "rport 46243 generation 0 ufrag EsAw network-cost 999",
                        new IceCandidate("842163049", 1, "udp", 1677729535L, "203.0.113.7", 61000, "srflx")),
                Arguments.of("pionIpv6Host",
                        "candidate:2596413588 1 udp 2130706431 2001:db8::1 7882 typ host",
                        new IceCandidate("2596413588", 1, "udp", 2130706431L, "2001:db8::1", 7882, "host")),
                Arguments.of("tcpPassive",
                        "candidate:3 1 tcp 1518280447 192.168.0.196 9 typ host tcptype passive generation 0 network-id 1",
                        new IceCandidate("3", 1, "tcp", 1518280447L, "192.168.0.196", 9, "host")),
                Arguments.of("relay",
                        "candidate:4 1 udp 41885439 198.51.100.2 3478 typ relay raddr 0.0.0.0 rport 0",
                        new IceCandidate("4", 1, "udp", 41885439L, "198.51.100.2", 3478, "relay")),
                Arguments.of("mdnsHost",
                        "candidate:5 1 udp 2113937151 3f1b5e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b.local 54321 typ host",
                        new IceCandidate("5", 1, "udp", 2113937151L, "3f1b5e2a-1c3d-4e5f-8a9b-0c1d2e3f4a5b.local",
                                54321, "host")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void parses(String name, String line, IceCandidate expected) {
        assertEquals(expected, IceCandidate.parse(line));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("noPrefix", "1 1 udp 1 1.2.3.4 5 typ host", "prefix"),
                Arguments.of("tooFewFields", "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ", "fields"),
                Arguments.of("missingTyp", "candidate:1 1 udp 2130706431 127.0.0.1 40000 type host", "typ"),
                Arguments.of("priorityNotNumber", "candidate:1 1 udp high 127.0.0.1 40000 typ host", "priority"),
                Arguments.of("portTooLarge", "candidate:1 1 udp 2130706431 127.0.0.1 70000 typ host", "value"),
                Arguments.of("componentZero", "candidate:1 0 udp 2130706431 127.0.0.1 40000 typ host", "value"),
                Arguments.of("extensionWithoutValue",
                        "candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host generation", "extensions"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void rejects(String name, String line, String field) {
        IceParseException e = assertThrows(IceParseException.class, () -> IceCandidate.parse(line));
        assertEquals(field, e.field());
        assertEquals(line, e.input());
    }

    @Test
    void formatsHostCandidate() {
        IceCandidate c = new IceCandidate("1", 1, "udp", IceCandidate.hostPriority(65535, 1), "127.0.0.1", 40000,
                "host");
        assertEquals("candidate:1 1 udp 2130706431 127.0.0.1 40000 typ host", c.toSdp());
        assertEquals(c, IceCandidate.parse(c.toSdp()));
    }

    @Test
    void priorities() {
        assertEquals(2130706431L, IceCandidate.hostPriority(65535, 1));
        assertEquals(2130706430L, IceCandidate.hostPriority(65535, 2));
        assertEquals(1862270975L, IceCandidate.priority(IceCandidate.TYPE_PREFERENCE_PRFLX, 65535, 1));
    }
}
