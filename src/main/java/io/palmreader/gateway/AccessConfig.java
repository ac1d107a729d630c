package io.palmreader.gateway;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import java.util.List;

/**
 * Who may open a session, from where, and how many; keys under {@code auth.}, {@code http.} and {@code session.}
 * (README, Configuration).
 *
 * @param authRequired          a signed token is needed for a session
 * @param jwtSecret             HS256 shared secret (or empty)
 * @param publicKeyPem          PEM public key for RS256/ES256 tokens (or empty)
 * @param algorithm             the algorithm of {@code publicKeyPem}
 * @param issuer                required {@code iss}, or empty for any
 * @param audience              required {@code aud}, or empty for any
 * @param tokenInUrl            accept {@code ?access_token=} on the upgrade URL (off: URLs end up in logs and history)
 * @param helloTimeoutMs        how long a connection without a token in its headers has to send its {@code hello}
 * @param maxUnauthenticated    connections waiting for their {@code hello} on this node at once
 * @param maxUnauthenticatedPerAddress connections waiting for their {@code hello} on this node from one client
 *                              address (0: no limit)
 * @param maxTokenLifetimeMs    tokens valid for longer (expiry minus issue time, or minus now) are refused
 * @param allowedOrigins        browser origins allowed to open sessions and call the REST API; empty: any
 * @param trustedProxies        CIDRs of the proxies whose {@code X-Forwarded-For} / {@code Forwarded} are believed
 * @param maxSessions           sessions open on this node at once
 * @param maxSessionsPerAddress sessions open on this node from one client address (0: no limit)
 * @param maxConnections        HTTP connections open on this node at once, sessions included
 * @param idleTimeoutMs         an HTTP connection silent this long is closed, one whose request never finishes too
 */
public record AccessConfig(
        boolean authRequired,
        String jwtSecret,
        String publicKeyPem,
        String algorithm,
        String issuer,
        String audience,
        boolean tokenInUrl,
        int helloTimeoutMs,
        int maxUnauthenticated,
        int maxUnauthenticatedPerAddress,
        long maxTokenLifetimeMs,
        List<String> allowedOrigins,
        List<String> trustedProxies,
        int maxSessions,
        int maxSessionsPerAddress,
        int maxConnections,
        int idleTimeoutMs) {

    /** The shortest HS256 secret accepted: 256 bits of base64 or hex are 43 or 64 characters; 32 is the floor. */
    static final int MIN_SECRET_CHARS = 32;

    public static AccessConfig from(Settings s) {
        boolean required = s.bool("auth.enabled", false);
        String secret = s.string("auth.jwtSecret", "");
        String key = s.string("auth.publicKey", "");
        if (required && secret.isBlank() && key.isBlank()) {
            throw new ConfigException("auth.enabled needs auth.jwtSecret (HS256) or auth.publicKey (PEM)");
        }
        if (!secret.isBlank()) {
            PublicSecrets.refuseWeak(secret);
        }
        AccessConfig config = new AccessConfig(
                required,
                secret,
                key,
                s.oneOf("auth.algorithm", "rs256", "rs256", "es256", "ps256").toUpperCase(java.util.Locale.ROOT),
                s.string("auth.issuer", ""),
                s.string("auth.audience", ""),
                s.bool("auth.tokenInUrl", false),
                s.integer("auth.helloTimeoutMs", 3_000, 100, 60_000),
                s.integer("auth.maxUnauthenticated", 100, 1, 100_000),
                s.integer("auth.maxUnauthenticatedPerAddress", 4, 0, 100_000),
                s.integer("auth.maxTokenLifetimeMs", 86_400_000, 1000, Integer.MAX_VALUE),
                s.list("http.allowedOrigins"),
                s.list("http.trustedProxies"),
                s.integer("session.maxSessions", defaultMaxSessions(), 1, 1_000_000),
                s.integer("session.maxSessionsPerAddress", 0, 0, 1_000_000),
                s.integer("http.maxConnections", 20_000, 1, 1_000_000),
                s.integer("http.idleTimeoutMs", 30_000, 100, 3_600_000));
        new ClientAddress(config.trustedProxies); // a bad CIDR stops the node here
        return config;
    }

    /**
     * Sessions a node takes by default: as many as its heap holds at {@value #HEAP_PER_SESSION_BYTES} bytes each (a
     * session's own state is a few kilobytes; the rest is room for its frames in flight and answers being written),
     * at most 10,000.
     */
    static int defaultMaxSessions() {
        long byHeap = Runtime.getRuntime().maxMemory() / HEAP_PER_SESSION_BYTES;
        return (int) Math.max(100, Math.min(10_000, byHeap));
    }

    /** Heap set aside per session by the default {@code session.maxSessions}. */
    static final long HEAP_PER_SESSION_BYTES = 64 * 1024;

    /** Whether a browser page from {@code origin} may connect; a client that sends no Origin is not a browser. */
    public boolean originAllowed(String origin) {
        return allowedOrigins.isEmpty() || origin == null || allowedOrigins.contains(origin);
    }
}
