package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.Settings;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("A token in the upgrade's query: read as a query string, the parameter's name decoded as its value is")
class TokenInUrlTest {

    private static final MultiMap NO_HEADERS = MultiMap.caseInsensitiveMultiMap();

    private Vertx vertx;
    private TokenVerifier allowed;
    private TokenVerifier refused;

    private TokenVerifier verifier(boolean tokenInUrl) {
        return new TokenVerifier(
                vertx,
                AccessConfig.from(new Settings(new JsonObject()
                        .put(
                                "auth",
                                new JsonObject()
                                        .put("enabled", true)
                                        .put("jwtSecret", TokenIssuer.randomSecret())
                                        .put("tokenInUrl", tokenInUrl)))));
    }

    @BeforeAll
    void start() {
        vertx = Vertx.vertx();
        allowed = verifier(true);
        refused = verifier(false);
    }

    @AfterAll
    void stop() {
        vertx.close();
    }

    @Test
    @DisplayName("where allowed, the first access_token parameter, decoded")
    void readsTheParameter() {
        assertEquals("a b+c", allowed.tokenOf(NO_HEADERS, "x=1&access_token=a+b%2Bc&access_token=z"));
        assertEquals("t", allowed.tokenOf(NO_HEADERS, "access%5Ftoken=t"));
        assertNull(allowed.tokenOf(NO_HEADERS, "x=access_token=1"), "a value that looks like the parameter is a value");
        assertNull(allowed.tokenOf(NO_HEADERS, null));
        assertNull(refused.tokenOf(NO_HEADERS, "access_token=t"), "where not allowed it is never read");
    }

    @Test
    @DisplayName("where not allowed, any access_token parameter refuses the upgrade, its name encoded or not")
    void refusesTheParameter() {
        assertTrue(refused.refusedUrlToken("access_token=t"));
        assertTrue(refused.refusedUrlToken("x=1&access_token=t"));
        assertTrue(refused.refusedUrlToken("access%5Ftoken=t"));
        assertFalse(refused.refusedUrlToken("my_access_token=t"));
        assertFalse(refused.refusedUrlToken("x=access_token=t"));
        assertFalse(refused.refusedUrlToken(null));
        assertFalse(allowed.refusedUrlToken("access_token=t"));
    }
}
