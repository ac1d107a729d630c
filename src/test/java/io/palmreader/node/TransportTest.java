package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The transport under every socket and timer of a node: Linux's epoll, from the native library the jar carries. */
@DisplayName("Node transport: epoll on Linux")
class TransportTest {

    @Test
    @DisplayName("a node built from its configuration runs on epoll on Linux x86-64, not on Java's NIO")
    void nodeRunsOnEpoll() throws Exception {
        assumeTrue(
                System.getProperty("os.name").equals("Linux")
                        && System.getProperty("os.arch").equals("amd64"),
                "the jar carries epoll for Linux x86-64 only");
        Vertx vertx = Node.createVertx(new JsonObject()).await(30, TimeUnit.SECONDS);
        try {
            assertNull(vertx.unavailableNativeTransportCause(), "why epoll did not load");
            assertTrue(vertx.isNativeTransportEnabled());
        } finally {
            vertx.close().await(30, TimeUnit.SECONDS);
        }
    }
}
