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

    private String client(String challenge, String user, String password) {
        return DigestAuthenticator.authorization("INVITE", "sip:+15550100@gw.example.com", challenge, user,
                password, "c1", 1);
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
        String h = client(auth.challenge("gw.example.com"), user, password);
        assertEquals(expected, auth.verify("INVITE", h, "alice", "s3cret", T0 + later));
    }

    @Test
    void noQopRoundTrip() {
        String challenge = auth.challenge("gw", false, T0).replace(", qop=\"auth\"", "");
        String h = client(challenge, "alice", "s3cret");
        assertTrue(!h.contains("qop"));
        assertEquals(Verdict.OK, auth.verify("INVITE", h, "alice", "s3cret", T0));
    }

    @Test
    void nonceFromAnotherKeyIsStale() {
        DigestAuthenticator other = new DigestAuthenticator(new byte[] {1, 2, 3}, () -> T0);
        String h = client(other.challenge("gw"), "alice", "s3cret");
        assertEquals(Verdict.STALE_NONCE, auth.verify("INVITE", h, "alice", "s3cret", T0));
    }

    @Test
    void tamperedRealmIsRejected() {
        String h = client(auth.challenge("gw").replace("realm=\"gw\"", "realm=\"other\""), "alice", "s3cret");
        assertEquals(Verdict.STALE_NONCE, auth.verify("INVITE", h, "alice", "s3cret", T0));
    }

    @Test
    void challengeShapeAndStale() {
        String c = auth.challenge("gw", true, T0);
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
        assertEquals(expected, auth.verify("INVITE", header, "alice", "s3cret", T0));
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
}
