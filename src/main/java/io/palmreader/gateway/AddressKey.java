package io.palmreader.gateway;

import io.netty.util.NetUtil;

/**
 * What a client address counts as wherever it keys a limit (sessions per address, questions and frames per address,
 * blocked addresses): an IPv4 address as itself, an IPv6 address as its /64. One host is usually handed a whole /64,
 * so keying the full IPv6 address would let it take a fresh limit with each of its 2^64 addresses. An IPv4-mapped
 * IPv6 address ({@code ::ffff:1.2.3.4}) is the IPv4 address it maps. Logs and the event log keep the full address.
 */
final class AddressKey {

    private static final int IPV6_BYTES = 16;
    private static final int PREFIX_BYTES = 8;
    private static final int MAPPED_PREFIX_BYTES = 12;

    private AddressKey() {}

    /** The key {@code address} counts under; anything not an IP literal (e.g. {@code unknown}) keys as itself. */
    static String of(String address) {
        // Netty parses literals only: nothing here ever looks a name up.
        byte[] bytes = address == null ? null : NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return address;
        }
        if (bytes.length != IPV6_BYTES) {
            return NetUtil.bytesToIpAddress(bytes);
        }
        if (ipv4Mapped(bytes)) {
            return NetUtil.bytesToIpAddress(bytes, MAPPED_PREFIX_BYTES, 4);
        }
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < PREFIX_BYTES; i += 2) {
            key.append(Integer.toHexString((bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff))
                    .append(':');
        }
        return key.append(":/64").toString();
    }

    private static boolean ipv4Mapped(byte[] bytes) {
        for (int i = 0; i < MAPPED_PREFIX_BYTES - 2; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }
}
