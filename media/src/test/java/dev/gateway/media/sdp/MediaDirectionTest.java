package dev.gateway.media.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class MediaDirectionTest {

    @ParameterizedTest(name = "offer {0} is answered {1}")
    @CsvSource({"SENDRECV, SENDRECV", "SENDONLY, RECVONLY", "RECVONLY, SENDONLY", "INACTIVE, INACTIVE"})
    void answersPerRfc3264Section6_1(MediaDirection offer, MediaDirection answer) {
        assertEquals(answer, offer.answerTo());
    }

    @ParameterizedTest
    @EnumSource(MediaDirection.class)
    void attributeRoundTrips(MediaDirection d) {
        assertSame(d, MediaDirection.ofAttribute(d.attribute()));
        assertSame(d, MediaDirection.ofAttribute(" " + d.attribute().toUpperCase() + " "));
        assertEquals(d.name().toLowerCase(), d.attribute());
    }

    @ParameterizedTest(name = "''{0}'' is no direction")
    @ValueSource(strings = {"", "rtcp-mux", "send", "sendrecv:1", "ptime:20"})
    void unknownAttributeIsNull(String name) {
        assertNull(MediaDirection.ofAttribute(name));
    }

    @Test
    void nullIsNull() {
        assertNull(MediaDirection.ofAttribute(null));
    }
}
