package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transport under every socket and timer of a node: Linux's epoll, from the native library the jar carries. */
@DisplayName("Node transport: epoll on Linux")
class TransportTest {

    @Test
    @DisplayName("a node built from its configuration runs on epoll on Linux x86-64, and on Java's NIO elsewhere")
    void nodeRunsOnEpoll() throws Exception {
        // The jar carries epoll for Linux x86-64 only; anywhere else the node must still start, on NIO.
        boolean epollPlatform = System.getProperty("os.name").equals("Linux")
                && System.getProperty("os.arch").equals("amd64");
        Vertx vertx = Node.createVertx(new JsonObject()).await(30, TimeUnit.SECONDS);
        try {
            if (epollPlatform) {
                assertNull(vertx.unavailableNativeTransportCause(), "why epoll did not load");
            }
            assertEquals(epollPlatform, vertx.isNativeTransportEnabled());
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
