package io.palmreader.gateway;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** The headers every HTTP response of the gateway carries, so that the page runs only what it serves itself. */
final class SecurityHeaders implements Handler<RoutingContext> {

    /** What the page needs and nothing more: its own scripts and styles, camera frames drawn to a canvas, its socket. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; media-src 'self' blob:; connect-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    /** A year, for browsers to keep to HTTPS once they saw it. */
    private static final String STRICT_TRANSPORT = "max-age=31536000";

    private final boolean tls;

    /** @param tls whether the gateway serves HTTPS, which browsers are then told to keep to */
    SecurityHeaders(boolean tls) {
        this.tls = tls;
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response()
                .headers()
                .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("X-Frame-Options", "DENY")
                .set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
                .set("Cross-Origin-Opener-Policy", "same-origin");
        if (tls) {
            ctx.response().headers().set("Strict-Transport-Security", STRICT_TRANSPORT);
        }
        ctx.next();
    }
}
