package dev.gateway.sip.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostCheckTest {

    private final HostCheck check = new HostCheck(List.of("gateway.example.com"));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "127.0.0.1|true", "127.0.0.1:8080|true", "10.1.2.3:80|true", "[::1]|true", "[::1]:8080|true",
            "localhost|true", "LOCALHOST:8080|true", "localhost.|true", "gateway.example.com|true",
            "Gateway.Example.COM:443|true",
            // DNS rebinding: a name the attacker controls, pointed at us
            "evil.example|false", "evil.example:8080|false", "localhost.evil.example|false",
            "127.0.0.1.nip.io|false", "gateway.example.com.evil.example|false",
            // not a Host at all
            "''|false", "::1|false", "[::1|false", "[::1]x|false", "127.0.0.1:80:80|false", "127.0.0.1:|false",
            "256.1.1.1|false", "[evil.example]|false", "localhost:http|false"})
    void allowsLiteralsLocalhostAndConfiguredNamesOnly(String host, boolean allowed) {
        assertEquals(allowed, check.allows(host));
    }

    @org.junit.jupiter.api.Test
    void missingHostIsNotAllowed() {
        assertEquals(false, check.allows(null));
    }
}
