package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.ConfigException;
import io.vertx.core.MultiMap;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Client addresses behind proxies: forwarded headers believed from trusted peers only")
class ClientAddressTest {

    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "192.168.1.7/32", "fd00::/8"));

    private static MultiMap headers(String... pairs) {
        MultiMap m = MultiMap.caseInsensitiveMultiMap();
        for (int i = 0; i < pairs.length; i += 2) {
            m.add(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Test
    @DisplayName("from a trusted proxy: the rightmost untrusted X-Forwarded-For hop")
    void rightmostUntrustedHop() {
        assertEquals("203.0.113.9", behindProxies.of("10.1.2.3", headers("X-Forwarded-For", "203.0.113.9")));
        // A client's own forged entry comes first; the hop our proxy added is the one to believe.
        assertEquals(
                "198.51.100.4",
                behindProxies.of("10.1.2.3", headers("X-Forwarded-For", "1.2.3.4, 198.51.100.4, 10.9.9.9")));
        assertEquals(
                "198.51.100.4",
                behindProxies.of(
                        "192.168.1.7", headers("X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "198.51.100.4")));
        assertEquals("2001:db8::5", behindProxies.of("fd00::1", headers("X-Forwarded-For", "2001:db8::5")));
    }

    @Test
    @DisplayName("Forwarded (RFC 7239) when there is no X-Forwarded-For")
    void forwardedHeader() {
        assertEquals(
                "198.51.100.17",
                behindProxies.of("10.0.0.2", headers("Forwarded", "for=198.51.100.17;proto=https;by=10.0.0.2")));
        assertEquals("2001:db8::1", behindProxies.of("10.0.0.2", headers("Forwarded", "for=\"[2001:db8::1]:4711\"")));
        assertEquals(
                "198.51.100.17",
                behindProxies.of(
                        "10.0.0.2", headers("Forwarded", "for=192.0.2.1, for=198.51.100.17:4711;proto=https")));
    }

    @Test
    @DisplayName(
            "a hop that is not a strict IP literal is untrusted garbage: the client is the proxy that passed it on")
    void garbageHops() {
        for (String garbage : List.of(
                "not-an-address",
                "999.1.1.1",
                "1.2.3.4.5",
                "1.2.3",
                "01.2.3.4x",
                "localhost",
                "unknown",
                "_hidden",
                "fe80::1%eth0",
                "2001:db8::zz",
                "1:2:3:4:5:6:7:8:9",
                "")) {
            assertEquals(
                    "10.0.0.2",
                    behindProxies.of("10.0.0.2", headers("X-Forwarded-For", "203.0.113.1, " + garbage)),
                    garbage);
            assertEquals(
                    "10.0.0.3",
                    behindProxies.of("10.0.0.2", headers("X-Forwarded-For", "203.0.113.1, " + garbage + ", 10.0.0.3")),
                    garbage);
        }
        assertEquals("10.0.0.2", behindProxies.of("10.0.0.2", headers("Forwarded", "for=unknown")));
    }

    @Test
    @DisplayName("only the nearest hops are looked at, and addresses come out in one canonical form")
    void nearestHopsOnly() {
        // A chain of trusted hops longer than any of ours: the walk stops at the last one it looks at.
        StringBuilder chain = new StringBuilder("203.0.113.7");
        for (int i = 0; i < 500; i++) {
            chain.append(", 10.0.").append(i / 250).append('.').append(i % 250 + 1);
        }
        String client = behindProxies.of("10.0.0.2", headers("X-Forwarded-For", chain.toString()));
        assertTrue(client.startsWith("10.0.1."), client);
        assertEquals("203.0.113.7", behindProxies.of("10.0.0.2", headers("X-Forwarded-For", "203.0.113.7, 10.0.0.9")));
        assertEquals("2001:db8::5", behindProxies.of("10.0.0.2", headers("X-Forwarded-For", "2001:DB8:0:0::0005")));
        assertEquals("2001:db8::5", behindProxies.of("2001:db8:0::5", headers()));
    }

    @Test
    @DisplayName("from anyone else the headers are ignored; bad CIDRs are configuration errors")
    void untrustedPeers() {
        assertEquals("198.51.100.8", behindProxies.of("198.51.100.8", headers("X-Forwarded-For", "10.0.0.1")));
        assertEquals("192.168.1.8", behindProxies.of("192.168.1.8", headers("X-Forwarded-For", "203.0.113.9")));
        assertEquals("127.0.0.1", new ClientAddress(List.of()).of("127.0.0.1", headers("X-Forwarded-For", "1.2.3.4")));
        assertThrows(ConfigException.class, () -> new ClientAddress(List.of("10.0.0.0/33")));
        assertThrows(ConfigException.class, () -> new ClientAddress(List.of("proxy.example.com")));
    }
}
