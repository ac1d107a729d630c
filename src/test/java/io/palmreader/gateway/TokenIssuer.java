package io.palmreader.gateway;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.security.SecureRandom;
import java.util.Base64;

/** Signs test tokens (HS256) with a node's {@code auth.jwtSecret}, as a deployment's token issuer would. */
public final class TokenIssuer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JWTAuth auth;

    public TokenIssuer(Vertx vertx, String secret) {
        auth = JWTAuth.create(
                vertx,
                new JWTAuthOptions()
                        .addPubSecKey(
                                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
    }

    /**
     * A fresh secret for one test run: 48 random bytes as 64 base64url characters. Tests never write a secret down:
     * one written in this project's files is public, and a node refuses it.
     */
    public static String randomSecret() {
        byte[] bytes = new byte[48];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** A token for {@code subject} valid for an hour. */
    public String token(String subject) {
        return token(subject, 3600L, null);
    }

    /**
     * A token for {@code subject} valid for {@code seconds} (null: no {@code exp} at all), with a {@code palmreader}
     * claim when given.
     */
    String token(String subject, Long seconds, JsonObject palmreader) {
        JsonObject claims = new JsonObject().put("sub", subject);
        if (palmreader != null) {
            claims.put("palmreader", palmreader);
        }
        return signed(claims, seconds);
    }

    /** A token of exactly these claims, valid for {@code seconds} (null: no {@code exp}). */
    String signed(JsonObject claims, Long seconds) {
        JWTOptions options = new JWTOptions();
        if (seconds != null) {
            options.setExpiresInSeconds(seconds.intValue());
        }
        return auth.generateToken(claims, options);
    }
}
