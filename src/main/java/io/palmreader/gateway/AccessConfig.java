package io.palmreader.gateway;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may open a session and how many; keys under {@code auth.}, {@code http.} and {@code session.} (README,
 * Configuration).
 *
 * @param authRequired          a signed token is needed for a session
 * @param jwtSecret             HS256 shared secret (or empty)
 * @param publicKeyPem          PEM public key for RS256/ES256 tokens (or empty)
 * @param algorithm             the algorithm of {@code publicKeyPem}
 * @param issuer                required {@code iss}, or empty for any
 * @param audience              required {@code aud}, or empty for any
 * @param tokenInUrl            accept {@code ?access_token=} on the upgrade URL (off: URLs end up in logs and history)
 * @param helloTimeoutMs        how long a connection without a token in its headers has to send its {@code hello}
 * @param allowedOrigins        browser origins allowed to open sessions and call the REST API; empty: any
 * @param maxSessions           sessions open on this node at once
 * @param maxSessionsPerAddress sessions open on this node from one client address (0: no limit)
 */
public record AccessConfig(boolean authRequired, String jwtSecret, String publicKeyPem, String algorithm, String issuer,
                           String audience, boolean tokenInUrl, int helloTimeoutMs, List<String> allowedOrigins,
                           int maxSessions, int maxSessionsPerAddress) {

  public static AccessConfig from(Settings s) {
    boolean required = s.oneOf("auth.enabled", "false", "true", "false").equals("true");
    String secret = s.string("auth.jwtSecret", "");
    String key = s.string("auth.publicKey", "");
    if (required && secret.isBlank() && key.isBlank()) {
      throw new ConfigException("auth.enabled needs auth.jwtSecret (HS256) or auth.publicKey (PEM)");
    }
    if (!secret.isBlank() && secret.length() < 32) {
      throw new ConfigException("auth.jwtSecret must be at least 32 characters");
    }
    List<String> origins = new ArrayList<>();
    for (String o : s.string("http.allowedOrigins", "").split(",")) {
      if (!o.isBlank()) {
        origins.add(o.trim());
      }
    }
    return new AccessConfig(required, secret, key,
        s.oneOf("auth.algorithm", "rs256", "rs256", "es256", "ps256").toUpperCase(java.util.Locale.ROOT),
        s.string("auth.issuer", ""), s.string("auth.audience", ""),
        s.oneOf("auth.tokenInUrl", "false", "true", "false").equals("true"),
        s.integer("auth.helloTimeoutMs", 5_000, 100, 60_000), List.copyOf(origins),
        s.integer("session.maxSessions", 10_000, 1, 1_000_000),
        s.integer("session.maxSessionsPerAddress", 0, 0, 1_000_000));
  }

  /** Whether a browser page from {@code origin} may connect; a client that sends no Origin is not a browser. */
  public boolean originAllowed(String origin) {
    return allowedOrigins.isEmpty() || origin == null || allowedOrigins.contains(origin);
  }
}
