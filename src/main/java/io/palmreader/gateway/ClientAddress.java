package io.palmreader.gateway;

import io.netty.util.NetUtil;
import io.palmreader.config.ConfigException;
import io.vertx.core.MultiMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a connection comes from, behind proxies. From a peer inside {@code http.trustedProxies} the address is taken
 * from {@code X-Forwarded-For} (the rightmost hop that is not itself a trusted proxy: the one the nearest proxy saw)
 * or, without it, from {@code Forwarded}; from anyone else those headers are ignored, since anyone can send them.
 * Every per-address limit, log line and event-log record uses this address.
 */
final class ClientAddress {

    /** An IPv4 or IPv6 network: {@code 10.0.0.0/8}, {@code fd00::/8}, or one address. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String t = text.trim();
            int slash = t.indexOf('/');
            try {
                byte[] address = literal(slash < 0 ? t : t.substring(0, slash));
                if (address == null) {
                    throw new NumberFormatException("not an IP address"); // names are never looked up
                }
                int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(t.substring(slash + 1));
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new NumberFormatException("prefix " + prefix);
                }
                return new Cidr(address, prefix);
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        "http.trustedProxies must list CIDRs like 10.0.0.0/8 or 127.0.0.1/32, was '" + text + "'");
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    /**
     * Forwarded hops looked at, from the nearest: our own proxies add one each, so a longer chain than this is the
     * client's own writing, and parsing all of an 8 KB header's hundreds of entries would be the client's choice.
     */
    static final int MAX_HOPS = 8;

    private final List<Cidr> trusted;

    ClientAddress(List<String> trustedProxies) {
        List<Cidr> cidrs = new ArrayList<>();
        trustedProxies.forEach(t -> cidrs.add(Cidr.parse(t)));
        this.trusted = List.copyOf(cidrs);
    }

    /**
     * The client's address for a connection from {@code peer} with these request headers, as a canonical IP literal
     * (so that one address written two ways is one key), or "unknown" without a peer.
     */
    String of(String peer, MultiMap headers) {
        byte[] peerBytes = literal(peer);
        if (peerBytes == null) {
            return peer == null ? "unknown" : peer;
        }
        if (!isTrusted(peerBytes)) {
            return NetUtil.bytesToIpAddress(peerBytes);
        }
        List<String> hops = nearestHops(headers);
        // Walk from the nearest hop outwards: the first one that is not one of ours is the client as our proxies saw
        // it.
        // A hop that is not an address cannot have been written by our proxies: the client is the last proxy that
        // passed it on.
        byte[] client = peerBytes;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] hop = literal(unwrap(hops.get(i)));
            if (hop == null) {
                break;
            }
            client = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return NetUtil.bytesToIpAddress(client);
    }

    private boolean isTrusted(byte[] address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The {@link #MAX_HOPS} nearest hops named by {@code X-Forwarded-For} (all of its headers, in order), else by the
     * {@code for=} parameters of {@code Forwarded}; the rest of the headers is never looked at.
     */
    private static List<String> nearestHops(MultiMap headers) {
        List<String> forwardedFor = headers.getAll("X-Forwarded-For");
        if (!forwardedFor.isEmpty()) {
            return nearest(forwardedFor, ClientAddress::addForwardedForHops);
        }
        return nearest(headers.getAll("Forwarded"), ClientAddress::addForwardedHops);
    }

    private static List<String> nearest(
            List<String> headers, java.util.function.BiConsumer<String, ArrayDeque<String>> reader) {
        ArrayDeque<String> hops = new ArrayDeque<>();
        for (int h = headers.size() - 1; h >= 0 && hops.size() < MAX_HOPS; h--) {
            reader.accept(headers.get(h), hops);
        }
        return new ArrayList<>(hops);
    }

    /** Prepends the nearest hops of one {@code X-Forwarded-For} value to {@code hops}, up to {@link #MAX_HOPS}. */
    private static void addForwardedForHops(String header, ArrayDeque<String> hops) {
        int end = header.length();
        while (end >= 0 && hops.size() < MAX_HOPS) {
            int comma = header.lastIndexOf(',', end - 1);
            hops.addFirst(header.substring(comma + 1, end));
            end = comma;
        }
    }

    /** Prepends the nearest {@code for=} values of one {@code Forwarded} value (RFC 7239) to {@code hops}. */
    private static void addForwardedHops(String header, ArrayDeque<String> hops) {
        int end = header.length();
        while (end >= 0 && hops.size() < MAX_HOPS) {
            int comma = header.lastIndexOf(',', end - 1);
            for (String pair : header.substring(comma + 1, end).split(";", 8)) {
                String p = pair.trim();
                if (p.regionMatches(true, 0, "for=", 0, 4)) {
                    hops.addFirst(p.substring(4));
                }
            }
            end = comma;
        }
    }

    /** An address as a hop writes it, without quotes, brackets or port: {@code "[2001:db8::1]:443"}, {@code 1.2.3.4:5}. */
    private static String unwrap(String raw) {
        String h = raw.trim();
        if (h.length() >= 2 && h.startsWith("\"") && h.endsWith("\"")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(1, end) : h;
        }
        int colon = h.indexOf(':');
        if (colon > 0 && colon == h.lastIndexOf(':')) {
            return h.substring(0, colon); // IPv4 with a port
        }
        return h;
    }

    /**
     * The bytes of a strict IPv4 (dotted quad) or IPv6 literal, or null for anything else. Parsed by Netty's literal
     * parser: no name is ever resolved, so a header can never make the event loop wait on DNS.
     */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45 || text.indexOf('%') >= 0) {
            return null; // longer than any literal, or an IPv6 zone, which names an interface of the sender's
        }
        return NetUtil.createByteArrayFromIpAddressString(text);
    }
}
