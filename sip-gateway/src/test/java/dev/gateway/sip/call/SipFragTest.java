package dev.gateway.sip.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SipFragTest {

    static Stream<Arguments> statusLines() {
        return Stream.of(
                Arguments.of("final success", "SIP/2.0 200 OK", 200),
                Arguments.of("provisional with CRLF", "SIP/2.0 100 Trying\r\n", 100),
                Arguments.of("declined", "SIP/2.0 603 Declined", 603),
                Arguments.of("lower-case version", "sip/2.0 180 Ringing", 180),
                Arguments.of("headers after the status line", "SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n", 486),
                Arguments.of("LF line ends", "SIP/2.0 503 Service Unavailable\nRetry-After: 5\n", 503),
                Arguments.of("leading blank line", "\r\nSIP/2.0 180 Ringing\r\n", 180),
                Arguments.of("no reason phrase", "SIP/2.0 200", 200),
                Arguments.of("lowest status", "SIP/2.0 100 Trying", 100),
                Arguments.of("highest status", "SIP/2.0 699 Whatever", 699));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("statusLines")
    void readsTheStatusCode(String name, String body, int expected) {
        assertEquals(expected, SipFrag.statusCode(body));
    }

    static Stream<Arguments> notStatusLines() {
        return Stream.of(
                Arguments.of("empty", ""),
                Arguments.of("blank", " \r\n \r\n"),
                Arguments.of("garbage", "hello world"),
                Arguments.of("a request line", "INVITE sip:bob@example.com SIP/2.0"),
                Arguments.of("wrong version", "SIP/3.0 200 OK"),
                Arguments.of("no space after version", "SIP/2.0200 OK"),
                Arguments.of("two spaces after version", "SIP/2.0  200 OK"),
                Arguments.of("letter in code", "SIP/2.0 2x0 OK"),
                Arguments.of("negative code", "SIP/2.0 -20 OK"),
                Arguments.of("signed code", "SIP/2.0 +20 OK"),
                Arguments.of("two-digit code", "SIP/2.0 20 OK"),
                Arguments.of("too short", "SIP/2.0 20"),
                Arguments.of("version only", "SIP/2.0"),
                Arguments.of("below 100", "SIP/2.0 099 Low"),
                Arguments.of("above 699", "SIP/2.0 700 High"),
                Arguments.of("999", "SIP/2.0 999 X"),
                Arguments.of("status line not first", "Content-Length: 0\r\nSIP/2.0 200 OK"));
    }

    @ParameterizedTest(name = "{0} -> -1")
    @MethodSource("notStatusLines")
    void anythingElseIsMinusOne(String name, String body) {
        assertEquals(-1, SipFrag.statusCode(body));
    }

    @Test
    void aFourDigitCodeIsNotAStatusLine() {
        assertEquals(-1, SipFrag.statusCode("SIP/2.0 2001 OK"));
    }
}
