package dev.gateway.agent.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import okhttp3.HttpUrl;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class LiveKitUrlTest {

    @ParameterizedTest
    @CsvSource({
        "ws://127.0.0.1:7880, http://127.0.0.1:7880",
        "ws://127.0.0.1:7880/, http://127.0.0.1:7880",
        "wss://lk.example.com, https://lk.example.com",
        "WSS://lk.example.com/prefix/, https://lk.example.com/prefix",
        "http://lk:7880?x=1, http://lk:7880",
        "https://lk.example.com, https://lk.example.com",
    })
    void httpBaseMapsWebSocketSchemes(String given, String expected) {
        assertEquals(expected, LiveKitUrl.parse(given).httpBase());
    }

    @ParameterizedTest
    @CsvSource({
        "ws://127.0.0.1:7880, /rtc",
        "wss://lk.example.com/prefix/, /prefix/rtc",
    })
    void rtcUrlCarriesTokenAndClientInfo(String given, String path) {
        HttpUrl rtc = LiveKitUrl.parse(given).rtcUrl("a.b.c", true);
        assertEquals(path, rtc.encodedPath());
        assertEquals("a.b.c", rtc.queryParameter("access_token"));
        assertEquals(Integer.toString(LiveKitUrl.PROTOCOL), rtc.queryParameter("protocol"));
        assertEquals("1", rtc.queryParameter("auto_subscribe"));
        assertEquals(LiveKitUrl.SDK, rtc.queryParameter("sdk"));
        assertEquals(LiveKitUrl.CLIENT_VERSION, rtc.queryParameter("version"));
    }

    @org.junit.jupiter.api.Test
    void aResumeAsksForTheSameParticipantAfterASignalDrop() {
        LiveKitUrl url = LiveKitUrl.parse("ws://127.0.0.1:7880");
        HttpUrl rtc = url.rtcUrl("a.b.c", true, "PA_x1");
        assertEquals("1", rtc.queryParameter("reconnect"));
        assertEquals("PA_x1", rtc.queryParameter("sid"));
        assertEquals("1", rtc.queryParameter("reconnect_reason")); // RR_SIGNAL_DISCONNECTED
        assertEquals("a.b.c", rtc.queryParameter("access_token"));
        assertEquals(null, url.rtcUrl("a.b.c", true).queryParameter("reconnect"), "a first join is no resume");
        assertEquals("ws://127.0.0.1:7880/rtc?access_token=a.b.c&protocol=17&auto_subscribe=1&sdk=unknown"
                + "&version=0.1.0&reconnect=1&sid=PA_x1&reconnect_reason=1",
                url.webSocketUri("a.b.c", true, "PA_x1").toString());
    }

    @ParameterizedTest
    @CsvSource({
        "ws://127.0.0.1:7880, ws://127.0.0.1:7880/rtc?access_token=a.b.c&protocol=17&auto_subscribe=1&sdk=unknown&version=0.1.0",
        "wss://lk.example.com/prefix/, wss://lk.example.com:443/prefix/rtc?access_token=a.b.c&protocol=17&auto_subscribe=1&sdk=unknown&version=0.1.0",
        "http://[::1]/, ws://[::1]:80/rtc?access_token=a.b.c&protocol=17&auto_subscribe=1&sdk=unknown&version=0.1.0",
    })
    void webSocketUriSpellsThePortOut(String given, String expected) {
        assertEquals(expected, LiveKitUrl.parse(given).webSocketUri("a.b.c", true).toString());
    }

    @ParameterizedTest
    @CsvSource({
        "ws://127.0.0.1:7880, 127.0.0.1, 7880, false",
        "wss://lk.example.com, lk.example.com, 443, true",
        "https://[::1]:8443, ::1, 8443, true",
    })
    void hostPortAndTls(String given, String host, int port, boolean tls) {
        LiveKitUrl url = LiveKitUrl.parse(given);
        assertEquals(host, url.host());
        assertEquals(port, url.port());
        assertEquals(tls, url.tls());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "127.0.0.1:7880", "ftp://host", "ws//missing-colon"})
    void rejectsNonLiveKitUrls(String bad) {
        assertThrows(IllegalArgumentException.class, () -> LiveKitUrl.parse(bad));
    }
}
