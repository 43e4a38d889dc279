package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import okhttp3.MediaType;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
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
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://127.0.0.1:7880/rtc").build())
                .protocol(Protocol.HTTP_1_1).code(401).message("Unauthorized")
                .body(ResponseBody.create("invalid token: aaa.bbb.ccc, error: token is expired\n",
                        MediaType.get("text/plain")))
                .build();
        String reason = SignalErrors.failureReason(new java.net.ProtocolException("Expected HTTP 101"), response,
                "aaa.bbb.ccc");
        assertEquals("HTTP 401 Unauthorized: invalid token: <token>, error: token is expired", reason);
    }

    @Test
    void transportFailureNamesTheException() {
        String reason = SignalErrors.failureReason(new ConnectException("Connection refused"), null, "t");
        assertEquals("signalling failed: ConnectException: Connection refused", reason);
    }

    @Test
    void longBodiesAreCutToOneShortLine() {
        Response response = new Response.Builder()
                .request(new Request.Builder().url("http://h/rtc").build())
                .protocol(Protocol.HTTP_1_1).code(500).message("Internal Server Error")
                .body(ResponseBody.create("x\n".repeat(1000), MediaType.get("text/plain")))
                .build();
        String reason = SignalErrors.failureReason(new java.io.IOException(), response, "t");
        assertTrue(reason.length() < 400, reason);
        assertTrue(reason.endsWith("..."), reason);
    }
}
