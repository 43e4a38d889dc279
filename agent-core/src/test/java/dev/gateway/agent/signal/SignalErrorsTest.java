package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignalErrorsTest {

    @ParameterizedTest
    @CsvSource(value = {
        "1000|''|signalling closed by server: 1000 normal closure",
        "1001|''|signalling closed by server: 1001 going away",
        "1011|boom|signalling closed by server: 1011 server error (boom)",
        "4000|custom|signalling closed by server: 4000 code (custom)",
    }, delimiter = '|')
    void closeCodesAreNamed(int code, String reason, String expected) {
        assertEquals(expected, SignalErrors.closeReason(code, reason));
    }

    @Test
    void refusedUpgradeShowsStatusAndBodyWithTheTokenMasked() {
        String reason = SignalErrors.refusedReason(401, "Unauthorized",
                "invalid token: aaa.bbb.ccc, error: token is expired\n", "aaa.bbb.ccc");
        assertEquals("HTTP 401 Unauthorized: invalid token: <token>, error: token is expired", reason);
    }

    @Test
    void refusedUpgradeWithoutBodyIsTheStatusLine() {
        assertEquals("HTTP 404 Not Found", SignalErrors.refusedReason(404, "Not Found", "", "t"));
    }

    @Test
    void transportFailureNamesTheException() {
        String reason = SignalErrors.failureReason(new ConnectException("Connection refused"));
        assertEquals("signalling failed: ConnectException: Connection refused", reason);
    }

    @Test
    void nettysSubclassesOfJdkExceptionsAreNamedByTheJdkClass() {
        String reason = SignalErrors.failureReason(new io.netty.channel.ConnectTimeoutException("connection timed out"));
        assertEquals("signalling failed: ConnectException: connection timed out", reason);
    }

    @Test
    void longBodiesAreCutToOneShortLine() {
        String reason = SignalErrors.refusedReason(500, "Internal Server Error", "x\n".repeat(1000), "t");
        assertTrue(reason.length() < 400, reason);
        assertTrue(reason.endsWith("..."), reason);
    }
}
