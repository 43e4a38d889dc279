package dev.gateway.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Constructor;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class LogFormatTest {
    private static LogFormat format(boolean json) throws Exception {
        Constructor<LogFormat> c = LogFormat.class.getDeclaredConstructor(boolean.class);
        c.setAccessible(true);
        return c.newInstance(json);
    }

    private static LogRecord record(Level level, String logger, String message) {
        LogRecord r = new LogRecord(level, message);
        r.setLoggerName(logger);
        r.setMillis(1_764_057_662_123L); // 2025-11-25T08:01:02.123Z
        return r;
    }

    @Test
    void jsonLinesCarryTheCallIdApart() throws Exception {
        String line = format(true).format(record(Level.INFO, "call", "[c-8f3a01b2c4d5] ended reason=\"caller hung up\""));
        assertTrue(line.endsWith("}\n") && line.indexOf('\n') == line.length() - 1, line);
        JsonNode n = new ObjectMapper().readTree(line);
        assertEquals("2025-11-25T08:01:02.123Z", n.get("time").asText());
        assertEquals("INFO", n.get("level").asText());
        assertEquals("call", n.get("logger").asText());
        assertEquals("c-8f3a01b2c4d5", n.get("callId").asText());
        assertEquals("ended reason=\"caller hung up\"", n.get("message").asText());
    }

    @Test
    void jsonWithoutCallIdAndWithATrace() throws Exception {
        LogRecord r = record(Level.SEVERE, "media", "tick failed\nsecond line");
        r.setThrown(new IllegalStateException("boom"));
        JsonNode n = new ObjectMapper().readTree(format(true).format(r));
        assertEquals("ERROR", n.get("level").asText());
        assertEquals(null, n.get("callId"));
        assertEquals("tick failed\nsecond line", n.get("message").asText());
        assertTrue(n.get("thrown").asText().startsWith("java.lang.IllegalStateException: boom"), n.toString());
    }

    @Test
    void textLinesAreUnchanged() throws Exception {
        assertEquals("2025-11-25T08:01:02.123Z WARN  sip    [c-1] refused\n",
                format(false).format(record(Level.WARNING, "sip", "[c-1] refused")));
    }
}
