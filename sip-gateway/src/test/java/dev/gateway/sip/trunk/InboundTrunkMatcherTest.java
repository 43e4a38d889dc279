package dev.gateway.sip.trunk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gateway.sip.trunk.InboundTrunkMatcher.CallerNotAllowed;
import dev.gateway.sip.trunk.InboundTrunkMatcher.Match;
import dev.gateway.sip.trunk.InboundTrunkMatcher.Matched;
import dev.gateway.sip.trunk.InboundTrunkMatcher.NoTrunk;
import dev.gateway.sip.trunk.InboundTrunkMatcher.SourceNotAllowed;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InboundTrunkMatcherTest {

    private static InboundTrunk trunk(String id, List<String> numbers, List<String> cidrs, List<String> callers) {
        return new InboundTrunk(id, id, "", numbers, cidrs.stream().map(Cidr::parse).toList(), callers, "", "",
                Map.of());
    }

    private static final InboundTrunk TWILIO = new InboundTrunk("twilio", "twilio", "", List.of("+15550100000"),
            TrunkPreset.TWILIO.ranges(), List.of(), "", "", Map.of());
    private static final InboundTrunk OFFICE = trunk("office", List.of("15550100000"), List.of("192.0.2.0/24"),
            List.of());
    private static final InboundTrunk VIP = trunk("vip", List.of("+1 555 010 0001"), List.of(),
            List.of("+15559990000"));
    private static final InboundTrunk ANY = trunk("any", List.of(), List.of("198.51.100.0/24"), List.of());

    private static final InboundTrunkMatcher MATCHER = new InboundTrunkMatcher(List.of(TWILIO, OFFICE, VIP, ANY));

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("twilio edge, E.164 number", "54.172.60.1", "+15550100000", "+1222",
                        new Matched(TWILIO)),
                Arguments.of("twilio media range, number without plus", "168.86.130.1", "15550100000", "",
                        new Matched(TWILIO)),
                Arguments.of("same number from office prefers office", "192.0.2.10", "+15550100000", "",
                        new Matched(OFFICE)),
                Arguments.of("number known, source unknown", "203.0.113.5", "+15550100000", "",
                        new SourceNotAllowed("twilio")),
                Arguments.of("formatted number in config matches", "203.0.113.5", "+15550100001", "+15559990000",
                        new Matched(VIP)),
                Arguments.of("caller not on allow-list", "203.0.113.5", "15550100001", "+15550000000",
                        new CallerNotAllowed("vip")),
                Arguments.of("wildcard trunk by source", "198.51.100.7", "+4930123", "", new Matched(ANY)),
                Arguments.of("specific rejection falls back to wildcard", "198.51.100.7", "+15550100000", "",
                        new Matched(ANY)),
                Arguments.of("wildcard exists but source wrong", "203.0.113.5", "+4930123", "",
                        new SourceNotAllowed("any")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void match(String name, String source, String called, String caller, Match expected) throws Exception {
        assertEquals(expected, MATCHER.match(InetAddress.getByName(source), called, caller));
    }

    @Test
    void noTrunkForNumberWithoutWildcard() throws Exception {
        InboundTrunkMatcher m = new InboundTrunkMatcher(List.of(TWILIO));
        assertEquals(new NoTrunk(), m.match(InetAddress.getByName("54.172.60.1"), "+4930123", ""));
    }

    @Test
    void noTrunksConfiguredAcceptsEverything() throws Exception {
        Match m = new InboundTrunkMatcher(List.of()).match(InetAddress.getByName("203.0.113.5"), "x", "y");
        assertEquals(InboundTrunk.OPEN_TRUNK_ID, ((Matched) m).trunk().id());
    }

    @Test
    void nonNumericUserPartsCompareExactly() {
        assertEquals("support", InboundTrunkMatcher.normalize("support"));
        assertEquals("15550100", InboundTrunkMatcher.normalize("+1 (555) 01-00"));
    }

    @Test
    void listsTheSourcesOfEveryTrunkAndIsClosedOnlyWhenEveryTrunkNamesThem() throws Exception {
        InboundTrunkMatcher m = new InboundTrunkMatcher(List.of(TWILIO, OFFICE, ANY));
        assertTrue(m.lists(InetAddress.getByName("54.172.60.1")), "twilio preset range");
        assertTrue(m.lists(InetAddress.getByName("192.0.2.77")), "office /24");
        assertTrue(m.lists(InetAddress.getByName("198.51.100.1")), "any /24");
        assertFalse(m.lists(InetAddress.getByName("203.0.113.5")));
        assertTrue(m.closed(), "no trunk accepts any source");
        InboundTrunkMatcher withVip = new InboundTrunkMatcher(List.of(TWILIO, VIP));
        assertFalse(withVip.closed(), "vip has no allowed_addresses: any source may call its number");
        assertFalse(withVip.lists(InetAddress.getByName("203.0.113.5")), "an open trunk lists nobody");
        InboundTrunkMatcher open = new InboundTrunkMatcher(List.of(InboundTrunk.open()));
        assertFalse(open.closed());
        assertFalse(open.lists(InetAddress.getByName("127.0.0.1")));
    }
}
