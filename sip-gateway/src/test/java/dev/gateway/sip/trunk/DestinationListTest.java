package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DestinationListTest {

    private static final DestinationList US_AND_LONDON = DestinationList.parse(
            List.of("+1*", "+4420*", "+33142685300", "alice", "+44*@pbx.example.com", "*@[2001:db8::5]"));

    static Stream<Arguments> numbers() {
        return Stream.of(
                Arguments.of("US prefix", "+15105550100", true),
                Arguments.of("US prefix, visual separators ignored", "+1-510-555.0100", true),
                Arguments.of("London prefix", "+442071234567", true),
                Arguments.of("UK outside London", "+447700900123", false),
                Arguments.of("exact number", "+33142685300", true),
                Arguments.of("exact number is not a prefix", "+331426853001", false),
                Arguments.of("premium satellite range", "+881612345678", false),
                Arguments.of("national form does not match an E.164 prefix", "15105550100", false),
                Arguments.of("international 00 prefix does not match +", "0015105550100", false),
                Arguments.of("SIP user exact", "alice", true),
                Arguments.of("SIP user is case-sensitive", "Alice", false),
                Arguments.of("host pattern does not allow dialling its user", "+447700900123", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("numbers")
    void dialledNumbers(String name, String number, boolean allowed) {
        assertEquals(allowed, US_AND_LONDON.allowsNumber(number));
    }

    static Stream<Arguments> targets() {
        return Stream.of(
                Arguments.of("tel: under a prefix", "tel:+15105550100", null, true),
                Arguments.of("tel: with parameters", "tel:+1-510-555-0100;ext=12", null, true),
                Arguments.of("tel: outside the list", "tel:+882100100", null, false),
                Arguments.of("sip: number on a foreign host", "sip:+15105550100@evil.example.net", null, false),
                Arguments.of("sip: number on the trunk's own host", "sip:+15105550100@carrier.example.com:5060;user=phone",
                        "carrier.example.com", true),
                Arguments.of("own host compared without case", "sip:+15105550100@Carrier.Example.COM", "carrier.example.com",
                        true),
                Arguments.of("sip: premium number on the trunk's own host", "sip:+19005550100@carrier.example.com",
                        "carrier.example.com", true),
                Arguments.of("percent-encoded plus is decoded", "sip:%2B15105550100@carrier.example.com",
                        "carrier.example.com", true),
                Arguments.of("percent-encoded outside number", "sip:%2B88161234@carrier.example.com",
                        "carrier.example.com", false),
                Arguments.of("host pattern, user prefix", "sips:+442079460000@pbx.example.com", null, true),
                Arguments.of("host pattern, other user", "sip:+15105550100@pbx.example.com", null, false),
                Arguments.of("IPv6 host pattern, any user", "sip:ops@[2001:db8::5]:5070", null, true),
                Arguments.of("IPv6 host pattern, no user", "sip:[2001:db8::5]", null, true),
                Arguments.of("user on the own host", "sip:alice@carrier.example.com", "carrier.example.com", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void transferTargets(String name, String target, String trunkHost, boolean allowed) {
        assertEquals(allowed, US_AND_LONDON.allowsTarget(target, trunkHost));
    }

    @Test
    void unsetAllowsEverythingButIsNotRestricted() {
        assertFalse(DestinationList.UNRESTRICTED.restricted());
        assertTrue(DestinationList.UNRESTRICTED.allowsNumber("+881612345678"));
        assertTrue(DestinationList.UNRESTRICTED.allowsTarget("sip:x@evil.example.net", null));
    }

    @Test
    void emptyListAllowsNothing() {
        DestinationList none = DestinationList.parse(List.of());
        assertTrue(none.restricted());
        assertFalse(none.allowsNumber("+15105550100"));
        assertFalse(none.allowsTarget("tel:+15105550100", null));
        assertEquals("[]", none.toString());
    }

    @Test
    void starAllowsEverythingExplicitly() {
        DestinationList all = DestinationList.parse(List.of("*"));
        assertTrue(all.restricted());
        assertTrue(all.allowsNumber("+881612345678"));
        assertTrue(all.allowsTarget("sip:x@anywhere.example.org", null));
    }

    static Stream<Arguments> badPatterns() {
        return Stream.of(
                Arguments.of("+1*900", "'*' may only end the pattern"),
                Arguments.of("**", "'*' may only end the pattern"),
                Arguments.of("", "empty; write * to allow everything"),
                Arguments.of("+1 <script>", "not a number, number prefix or SIP user part"),
                Arguments.of("+1*@", "must be a host name or address"),
                Arguments.of("+1*@bad host", "must be a host name or address"));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("badPatterns")
    void badPatternsNameTheReason(String pattern, String reason) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DestinationList.parse(List.of(pattern)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
        assertTrue(e.getMessage().startsWith("'" + pattern + "'"), e.getMessage());
    }
}
