package io.palmreader.gateway;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.List;

/**
 * Checks the signed tokens (JWT, through vertx-auth-jwt) sessions present: signature, expiry, a subject, and the
 * issuer and audience when configured. Finds a token where a client may put one on the upgrade request: a
 * {@code Sec-WebSocket-Protocol} entry {@code bearer.TOKEN} (what a browser can set), an {@code Authorization:
 * Bearer} header (other clients), or, only when allowed, the {@code access_token} query parameter.
 */
final class TokenVerifier {

    /** The subprotocol a client offers beside its {@code bearer.} entry; the server selects it. */
    static final String SUBPROTOCOL = "palmreader";

    private static final String BEARER_PROTOCOL = "bearer.";
    private static final String URL_TOKEN_PARAMETER = "access_token";
    private static final int LEEWAY_SECONDS = 5;

    private final JWTAuth auth;
    private final boolean tokenInUrl;
    private final long maxLifetimeSeconds;

    TokenVerifier(Vertx vertx, AccessConfig config) {
        JWTAuthOptions options = new JWTAuthOptions();
        if (!config.jwtSecret().isBlank()) {
            options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.jwtSecret()));
        }
        if (!config.publicKeyPem().isBlank()) {
            options.addPubSecKey(
                    new PubSecKeyOptions().setAlgorithm(config.algorithm()).setBuffer(config.publicKeyPem()));
        }
        // The leeway covers clock skew for iat and nbf; expiry is checked without it (see claimsProblem).
        JWTOptions checks = new JWTOptions().setLeeway(LEEWAY_SECONDS);
        if (!config.issuer().isBlank()) {
            checks.setIssuer(config.issuer());
        }
        if (!config.audience().isBlank()) {
            checks.setAudience(List.of(config.audience()));
        }
        this.auth = JWTAuth.create(vertx, options.setJWTOptions(checks));
        this.tokenInUrl = config.tokenInUrl();
        this.maxLifetimeSeconds = config.maxTokenLifetimeMs() / 1000;
    }

    /** Verifies a token; fails with a reason fit for the client (never echoing the token). */
    Future<SessionGrant> verify(String token) {
        if (token == null || token.isBlank()) {
            return Future.failedFuture("a token is required");
        }
        return auth.authenticate(new TokenCredentials(token))
                .recover(e -> Future.failedFuture("token refused: " + reason(e.getMessage())))
                .compose(user -> {
                    // The whole payload: vertx-auth-jwt keeps exp and iat out of the principal, among the attributes.
                    JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
                    String problem = claimsProblem(claims, System.currentTimeMillis() / 1000);
                    return problem == null
                            ? Future.succeededFuture(SessionGrant.fromClaims(claims))
                            : Future.failedFuture("token refused: " + problem);
                });
    }

    /**
     * Why a verified token's claims are not acceptable, or null. It must name its user: a string {@code sub}, not
     * empty, since everything a user owns (taught gestures, cached answers, resume records, question limits) is keyed
     * by it. It must expire ({@code exp}), not yet (without the leeway: a session ends at {@code exp} itself, so one
     * opened on a token past it would end at once), and within {@code auth.maxTokenLifetimeMs} of being issued
     * ({@code iat}) and of now, so that a leaked token is not good for long.
     */
    String claimsProblem(JsonObject claims, long nowSeconds) {
        if (!(claims.getValue("sub") instanceof String sub) || sub.isBlank()) {
            return "no subject (sub)";
        }
        if (!(claims.getValue("exp") instanceof Number exp)) {
            return "no expiry (exp)";
        }
        if (exp.longValue() <= nowSeconds) {
            return "expired";
        }
        boolean tooLong = exp.longValue() - nowSeconds > maxLifetimeSeconds
                || claims.getValue("iat") instanceof Number iat
                        && exp.longValue() - iat.longValue() > maxLifetimeSeconds;
        return tooLong ? "valid for longer than " + maxLifetimeSeconds / 3600 + " h" : null;
    }

    private static String reason(String message) {
        if (message == null) {
            return "invalid";
        }
        String m = message.toLowerCase(java.util.Locale.ROOT);
        if (m.contains("expired")) {
            return "expired";
        }
        if (m.contains("audience")) {
            return "wrong audience";
        }
        if (m.contains("issuer")) {
            return "wrong issuer";
        }
        if (m.contains("signature")) {
            return "bad signature";
        }
        return "invalid";
    }

    /** The token the upgrade request carries, or null. */
    String tokenOf(MultiMap headers, String query) {
        for (String protocols : headers.getAll("Sec-WebSocket-Protocol")) {
            for (String p : protocols.split(",")) {
                String offered = p.trim();
                if (offered.startsWith(BEARER_PROTOCOL)) {
                    return offered.substring(BEARER_PROTOCOL.length());
                }
            }
        }
        String authorization = headers.get("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        List<String> inUrl = tokenInUrl ? urlTokens(query) : List.of();
        return inUrl.isEmpty() ? null : inUrl.get(0);
    }

    /** Whether the URL carries a token this node does not accept there. */
    boolean refusedUrlToken(String query) {
        return !tokenInUrl && !urlTokens(query).isEmpty();
    }

    /** The {@code access_token} parameters of the upgrade's raw query, decoded, in order (Netty's decoder). */
    private static List<String> urlTokens(String query) {
        return query == null
                ? List.of()
                : new QueryStringDecoder(query, false).parameters().getOrDefault(URL_TOKEN_PARAMETER, List.of());
    }
}
