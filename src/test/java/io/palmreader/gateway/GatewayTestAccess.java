package io.palmreader.gateway;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;

/** What tests of other packages need to reach a node's gateway: its port and the test photos. */
public final class GatewayTestAccess {

    private GatewayTestAccess() {}

    /** The port the node's gateway bound. */
    public static int port(Vertx vertx) {
        return (Integer)
                vertx.sharedData().getLocalMap(GatewayVerticle.NODE_MAP).get(GatewayVerticle.HTTP_PORT_KEY);
    }

    /** A test resource's bytes. */
    public static byte[] photo(String path) {
        try (InputStream in = GatewayTestAccess.class.getClassLoader().getResourceAsStream(path)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
