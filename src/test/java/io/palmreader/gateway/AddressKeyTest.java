package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Address keys: IPv4 counts as itself, IPv6 as its /64, IPv4-mapped IPv6 as the IPv4 address")
class AddressKeyTest {

    @Test
    @DisplayName("two IPv6 addresses in one /64 share a key; one in the next /64 does not")
    void ipv6BySlash64() {
        assertEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:db8:1:2:ffff::9"));
        assertEquals("2001:db8:1:2::/64", AddressKey.of("2001:DB8:1:2:0:0:0:1"));
        assertNotEquals(AddressKey.of("2001:db8:1:2::1"), AddressKey.of("2001:db8:1:3::1"));
    }

    @Test
    @DisplayName("IPv4 as itself, also when written as an IPv4-mapped IPv6 address")
    void ipv4AsItself() {
        assertEquals("1.2.3.4", AddressKey.of("1.2.3.4"));
        assertEquals("1.2.3.4", AddressKey.of("::ffff:1.2.3.4"));
        assertNotEquals(AddressKey.of("1.2.3.4"), AddressKey.of("1.2.3.5"));
    }

    @Test
    @DisplayName("anything that is not an IP literal keys as itself, never looked up")
    void othersAsThemselves() {
        assertEquals("unknown", AddressKey.of("unknown"));
        assertEquals("localhost", AddressKey.of("localhost"));
    }
}
