package io.palmreader.gateway;

import io.palmreader.config.ConfigException;
import io.vertx.core.MultiMap;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
          throw new UnknownHostException("not an IP address"); // names are never looked up
        }
        int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(t.substring(slash + 1));
        if (prefix < 0 || prefix > address.length * 8) {
          throw new NumberFormatException("prefix " + prefix);
        }
        return new Cidr(address, prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new ConfigException("http.trustedProxies must list CIDRs like 10.0.0.0/8 or 127.0.0.1/32, was '"
            + text + "'");
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

  private final List<Cidr> trusted;

  ClientAddress(List<String> trustedProxies) {
    List<Cidr> cidrs = new ArrayList<>();
    trustedProxies.forEach(t -> cidrs.add(Cidr.parse(t)));
    this.trusted = List.copyOf(cidrs);
  }

  /** The client's address for a connection from {@code peer} with these request headers. */
  String of(String peer, MultiMap headers) {
    if (peer == null) {
      return "unknown";
    }
    if (!isTrusted(peer)) {
      return peer;
    }
    List<String> hops = forwardedFor(headers);
    // Walk from the nearest hop outwards: the first one that is not one of ours is the client as our proxies saw it.
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (!isTrusted(hop)) {
        return hop;
      }
    }
    return hops.isEmpty() ? peer : hops.get(0);
  }

  private boolean isTrusted(String address) {
    byte[] bytes = literal(address);
    return bytes != null && trusted.stream().anyMatch(c -> c.contains(bytes));
  }

  /** The hops named by {@code X-Forwarded-For} (all of its headers, in order), else by {@code Forwarded}. */
  private static List<String> forwardedFor(MultiMap headers) {
    List<String> hops = new ArrayList<>();
    for (String header : headers.getAll("X-Forwarded-For")) {
      for (String hop : header.split(",")) {
        addHop(hops, hop);
      }
    }
    if (!hops.isEmpty()) {
      return hops;
    }
    for (String header : headers.getAll("Forwarded")) {
      for (String element : header.split(",")) {
        for (String pair : element.split(";")) {
          String p = pair.trim();
          if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
            addHop(hops, p.substring(4));
          }
        }
      }
    }
    return hops;
  }

  /** Adds a hop if it is an IP literal ({@code "[2001:db8::1]:443"} and {@code 1.2.3.4:5} unwrapped); else skips it. */
  private static void addHop(List<String> hops, String raw) {
    String h = raw.trim().replace("\"", "");
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end > 0 ? h.substring(1, end) : h;
    } else if (h.indexOf(':') == h.lastIndexOf(':') && h.indexOf(':') > 0) {
      h = h.substring(0, h.indexOf(':')); // IPv4 with a port
    }
    if (literal(h) != null) {
      hops.add(h);
    }
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for anything else (names are never looked up). */
  static byte[] literal(String text) {
    if (text == null || text.isEmpty() || !(text.indexOf(':') >= 0 || text.chars().allMatch(c -> c == '.'
        || Character.isDigit(c)))) {
      return null;
    }
    if (text.indexOf(':') >= 0 && !text.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
      return null;
    }
    try {
      return InetAddress.getByName(text).getAddress();
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
