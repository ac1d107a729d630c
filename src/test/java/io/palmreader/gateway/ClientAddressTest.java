package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    assertEquals("198.51.100.4", behindProxies.of("10.1.2.3",
        headers("X-Forwarded-For", "1.2.3.4, 198.51.100.4, 10.9.9.9")));
    assertEquals("198.51.100.4", behindProxies.of("192.168.1.7",
        headers("X-Forwarded-For", "1.2.3.4", "X-Forwarded-For", "198.51.100.4")));
    assertEquals("2001:db8::5", behindProxies.of("fd00::1", headers("X-Forwarded-For", "2001:db8::5")));
  }

  @Test
  @DisplayName("Forwarded (RFC 7239) when there is no X-Forwarded-For; garbage hops are skipped")
  void forwardedHeader() {
    assertEquals("198.51.100.17", behindProxies.of("10.0.0.2",
        headers("Forwarded", "for=198.51.100.17;proto=https;by=10.0.0.2")));
    assertEquals("2001:db8::1", behindProxies.of("10.0.0.2", headers("Forwarded", "for=\"[2001:db8::1]:4711\"")));
    assertEquals("203.0.113.1", behindProxies.of("10.0.0.2",
        headers("X-Forwarded-For", "203.0.113.1, not-an-address")));
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
