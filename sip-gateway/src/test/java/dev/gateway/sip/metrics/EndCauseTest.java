package dev.gateway.sip.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The call log's end reasons, as the call package and the agents write them, folded into the label set. */
class EndCauseTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "caller hung up|caller_bye",
            "rejected 487|caller_cancel",
            "rejected 480 Agent unavailable|rejected",
            "dial failed 486 Busy Here|dial_failed",
            "hangup requested through the HTTP API|api_hangup",
            "hangup requested by agent-1|agent_hangup",
            "caller pressed #|agent_hangup",
            "transferred to sip:bob@pbx|transferred",
            "media timeout|media_timeout",
            "no ACK|no_ack",
            "maximum call duration reached|max_duration",
            "session refresh failed (408)|session_refresh_failed",
            "dialog terminated|dialog_terminated",
            "gateway shutting down|shutdown",
            "still ringing after 60 s|swept",
            "signalling failed: connection closed by the server without a close frame|room_gone",
            "room phone-1 not ready within 10 s|room_gone",
            "something new|other",
            "|other"})
    void reasonsFoldIntoFixedLabels(String reason, String label) {
        assertEquals(label, EndCause.of(reason).label());
    }
}
