package dev.gateway.sip.signalling;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SipStreamGuardTest {
    private static final int MAX = 65536;
    private static final String HEAD = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.2;branch=z9hG4bK1\r\n"
            + "From: <sip:b@c>;tag=1\r\nTo: <sip:a@d>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void messagesWithBodiesAndKeepAlivesPass() {
        SipStreamGuard guard = new SipStreamGuard(MAX, MAX);
        // the body holds what would be refused in a header line: it is skipped by its Content-Length
        String body = "Content-Length: 99999999999\r\n\r\n\r\r\r\r";
        String stream = "\r\n\r\n" + HEAD + "Content-Length: " + body.length() + "\r\n\r\n" + body
                + HEAD + "content-length:0\r\n\r\n" + "\r\n\r\n";
        assertDoesNotThrow(() -> guard.check(bytes(stream), 0, stream.length()));
    }

    @Test
    void aMessageSplitAnywhereIsCheckedTheSame() {
        String body = "v=0\r\n";
        String stream = HEAD + "Content-Length: " + body.length() + "\r\n\r\n" + body + HEAD + "Content-Length: 70000\r\n\r\n";
        byte[] all = bytes(stream);
        for (int cut = 1; cut < all.length; cut++) {
            SipStreamGuard guard = new SipStreamGuard(MAX, MAX);
            int at = cut;
            SipStreamException e = assertThrows(SipStreamException.class, () -> {
                guard.check(all, 0, at);
                guard.check(all, at, all.length - at);
            });
            assertEquals("Content-Length 70000 over 65536", e.getMessage());
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("huge Content-Length", HEAD + "Content-Length: 2147483647\r\n\r\n", "Content-Length 2147483647 over 65536"),
                Arguments.of("overflowing Content-Length", HEAD + "Content-Length: 99999999999999999999\r\n\r\n", "Content-Length is not a number"),
                Arguments.of("negative Content-Length", HEAD + "Content-Length: -5\r\n\r\n", "Content-Length is not a number"),
                Arguments.of("text Content-Length", HEAD + "Content-Length: abc\r\n\r\n", "Content-Length is not a number"),
                Arguments.of("empty Content-Length", HEAD + "Content-Length:\r\n\r\n", "Content-Length is not a number"),
                Arguments.of("three CRs", "\r\r\r\n", "more than 2 CRs in a row"),
                Arguments.of("NUL in a header", "INVITE \0 SIP/2.0\r\n", "NUL byte in a header line"),
                Arguments.of("long line", "X-Long: " + "a".repeat(2000) + "\r\n", "header line longer than 1024 bytes"),
                Arguments.of("long header section", ("X-H: " + "b".repeat(1000) + "\r\n").repeat(70), "header section longer than 65536 bytes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusedStreams(String name, String stream, String reason) {
        SipStreamGuard guard = new SipStreamGuard(name.equals("long line") ? 1024 : MAX, MAX);
        SipStreamException e = assertThrows(SipStreamException.class, () -> guard.check(bytes(stream), 0, stream.length()));
        assertEquals(reason, e.getMessage());
        assertEquals(0, e.getStackTrace().length, "an expected failure carries no stack");
    }
}
