package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.trunk.DigestAuthenticator.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DigestAuthenticatorTest {

    private static final long T0 = 1_700_000_000_000L;
    private final DigestAuthenticator auth =
            new DigestAuthenticator("test-key".getBytes(StandardCharsets.UTF_8), () -> T0);

    /** RFC 2617 §3.5. (The RFC's example request is "GET /dir/index.html".) */
    @Test
    void rfc2617Section35Vector() {
        assertEquals("6629fae49393a05397450978507c4ef1", DigestAuthenticator.response("Mufasa",
                "testrealm@host.com", "Circle Of Life", "GET", "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b"));
    }

    @Test
    void rfc2617VectorThroughClientHeader() {
        String challenge = "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
        String h = DigestAuthenticator.authorization("GET", "/dir/index.html", challenge, "Mufasa",
                "Circle Of Life", "0a4f113b", 1);
        DigestParams p = DigestParams.parse(h);
        assertEquals("6629fae49393a05397450978507c4ef1", p.get("response"));
        assertEquals("00000001", p.get("nc"));
        assertEquals("5ccc069c403ebaf9f0171e9517f40e41", p.get("opaque"));
    }

    private static final String URI = "sip:+15550100@gw.example.com";
    private static final String SRC = "192.0.2.7";

    private String client(String challenge, String user, String password) {
        return DigestAuthenticator.authorization("INVITE", URI, challenge, user, password, "c1", 1);
    }

    private Verdict verify(String header, String user, String password, long now) {
        return auth.verify("INVITE", URI, header, user, password, SRC, now);
    }

    static Stream<Arguments> verdicts() {
        return Stream.of(
                Arguments.of("right credentials", "alice", "s3cret", 0L, Verdict.OK),
                Arguments.of("right credentials 4 min later", "alice", "s3cret", 240_000L, Verdict.OK),
                Arguments.of("expired nonce", "alice", "s3cret", 301_000L, Verdict.STALE_NONCE),
                Arguments.of("wrong password", "alice", "guess", 0L, Verdict.BAD_RESPONSE),
                Arguments.of("wrong password, expired", "alice", "guess", 301_000L, Verdict.BAD_RESPONSE),
                Arguments.of("wrong user", "mallory", "s3cret", 0L, Verdict.BAD_USER));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("verdicts")
    void roundTrip(String name, String user, String password, long later, Verdict expected) {
        String h = client(auth.challenge("gw.example.com", SRC), user, password);
        assertEquals(expected, verify(h, "alice", "s3cret", T0 + later));
    }

    @Test
    void noQopRoundTrip() {
        String challenge = auth.challenge("gw", SRC, false, T0).replace(", qop=\"auth\"", "");
        String h = client(challenge, "alice", "s3cret");
        assertTrue(!h.contains("qop"));
        assertEquals(Verdict.OK, verify(h, "alice", "s3cret", T0));
    }

    @Test
    void nonceFromAnotherKeyIsStale() {
        DigestAuthenticator other = new DigestAuthenticator(new byte[] {1, 2, 3}, () -> T0);
        String h = client(other.challenge("gw", SRC), "alice", "s3cret");
        assertEquals(Verdict.STALE_NONCE, verify(h, "alice", "s3cret", T0));
    }

    @Test
    void tamperedRealmIsRejected() {
        String h = client(auth.challenge("gw", SRC).replace("realm=\"gw\"", "realm=\"other\""), "alice", "s3cret");
        assertEquals(Verdict.STALE_NONCE, verify(h, "alice", "s3cret", T0));
    }

    @Test
    void challengeShapeAndStale() {
        String c = auth.challenge("gw", SRC, true, T0);
        assertTrue(c.startsWith("Digest realm=\"gw\", nonce=\""), c);
        assertTrue(c.endsWith("algorithm=MD5, qop=\"auth\", stale=true"), c);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("null", null, Verdict.MISSING),
                Arguments.of("blank", "  ", Verdict.MISSING),
                Arguments.of("basic scheme", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", Verdict.MALFORMED),
                Arguments.of("unterminated quote", "Digest username=\"alice", Verdict.MALFORMED),
                Arguments.of("no response", "Digest username=\"alice\", realm=\"gw\", nonce=\"x\", uri=\"sip:a\"",
                        Verdict.MALFORMED),
                Arguments.of("qop without cnonce", "Digest username=alice, realm=gw, nonce=x, uri=\"sip:a\", "
                        + "response=00, qop=auth, nc=00000001", Verdict.MALFORMED),
                Arguments.of("sha-256", "Digest username=alice, realm=gw, nonce=x, uri=\"sip:a\", response=00, "
                        + "algorithm=SHA-256", Verdict.MALFORMED),
                Arguments.of("garbage", "Digest ,,=,", Verdict.MALFORMED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformed(String name, String header, Verdict expected) {
        assertEquals(expected, verify(header, "alice", "s3cret", T0));
    }

    @Test
    void parserHandlesCommasInQuotesCaseAndSpacing() {
        DigestParams p = DigestParams.parse("digest USERNAME = \"a,b\" ,Realm=\"x\\\"y\",  nc=00000001");
        assertEquals("a,b", p.get("username"));
        assertEquals("x\"y", p.get("realm"));
        assertEquals("00000001", p.get("nc"));
    }

    @Test
    void clientRejectsNonDigestChallenge() {
        assertThrows(IllegalArgumentException.class,
                () -> DigestAuthenticator.authorization("INVITE", "sip:a", "Basic realm=\"x\"", "u", "p", "c", 1));
    }

    /** A captured Authorization is worth nothing: once used, from another address, or for another Request-URI. */
    @Test
    void aNonceIsSingleUseBoundToItsSourceAndTheDigestToItsRequestUri() {
        String h = client(auth.challenge("gw", SRC), "alice", "s3cret");
        assertEquals(Verdict.OK, verify(h, "alice", "s3cret", T0));
        assertEquals(Verdict.STALE_NONCE, verify(h, "alice", "s3cret", T0 + 1), "replayed on a new call");
        String fresh = client(auth.challenge("gw", SRC), "alice", "s3cret");
        assertEquals(Verdict.STALE_NONCE, auth.verify("INVITE", URI, fresh, "alice", "s3cret", "198.51.100.9", T0),
                "from another address");
        assertEquals(Verdict.WRONG_URI, auth.verify("INVITE", "sip:+19005550199@gw.example.com", fresh, "alice",
                "s3cret", SRC, T0), "to another number");
        assertEquals(Verdict.OK, auth.verify("INVITE", URI + ";transport=udp", fresh, "alice", "s3cret", SRC, T0),
                "URI parameters do not count");
    }

    @Test
    void tenFailuresBlockTheSourceAndTheUsernameForFiveMinutesReportedOnce() {
        AuthFailures f = new AuthFailures();
        int started = 0;
        for (int i = 0; i < AuthFailures.MAX_FAILURES; i++) {
            assertEquals(null, f.blocked("192.0.2.7", "alice", T0 + i));
            started += f.recordFailure("192.0.2.7", "alice", T0 + i) ? 1 : 0;
        }
        assertEquals(1, started);
        assertTrue(f.blocked("192.0.2.7", "bob", T0 + 20).startsWith("source 192.0.2.7 blocked"));
        assertTrue(f.blocked("198.51.100.9", "alice", T0 + 20).startsWith("username alice blocked"));
        assertEquals(null, f.blocked("198.51.100.9", "bob", T0 + 20));
        assertEquals(null, f.blocked("192.0.2.7", "alice", T0 + 20 + AuthFailures.BLOCK_MILLIS));
        // spread over more than the window: never blocked
        AuthFailures slow = new AuthFailures();
        for (int i = 0; i < 30; i++) {
            assertTrue(!slow.recordFailure("192.0.2.8", null, T0 + i * 7_000L));
        }
    }
}
