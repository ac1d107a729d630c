package io.palmreader.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.SessionClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("The test node: lifted time limits under a test's own settings, no Ollama but the test's, nodes of "
        + "their own JVM, all stopped after")
class NodeExtensionTest {

    private static final JsonObject ECHO = new JsonObject().put("inference", new JsonObject().put("mode", "echo"));

    @RegisterExtension
    static final NodeExtension plain =
            NodeExtension.node(ECHO.copy().put("session", new JsonObject().put("answerTimeoutMs", 5000)));

    @RegisterExtension
    static final NodeExtension withOllama =
            NodeExtension.node(ECHO).withOllama().withTokens();

    @Test
    @DisplayName("time limits a test does not set are lifted; the ones it sets are its own")
    void limitsAreLiftedUnlessSet() {
        JsonObject config = plain.config();
        assertEquals(5000, config.getJsonObject("session").getInteger("answerTimeoutMs"), "the test's own");
        assertEquals(
                NodeExtension.IDLE_TIMEOUT_MS, config.getJsonObject("session").getInteger("idleTimeoutMs"));
        assertEquals(NodeExtension.IDLE_TIMEOUT_MS, config.getJsonObject("http").getInteger("idleTimeoutMs"));
        assertEquals(
                NodeExtension.MAX_QUEUE_MS, config.getJsonObject("inference").getInteger("maxQueueMs"));
        assertEquals(
                NodeExtension.HELLO_TIMEOUT_MS, config.getJsonObject("auth").getInteger("helloTimeoutMs"));
        assertEquals("echo", config.getJsonObject("inference").getString("mode"), "the test's settings beside them");
        assertEquals("127.0.0.1", config.getJsonObject("http").getString("host"));
        assertNotEquals(0, plain.port());
    }

    @Test
    @DisplayName("without the test Ollama a node finds none, wherever a developer runs one; with it, the test's")
    void onlyTheTestOllama() throws Exception {
        assertEquals(
                NodeExtension.NO_OLLAMA, plain.config().getJsonObject("ollama").getString("url"));
        try (SessionClient s = SessionClient.connect(plain.vertx(), plain.port())) {
            s.next("welcome", 5000);
            assertFalse(s.next("assistant", 10_000).getBoolean("available"));
        }
        assertEquals(
                withOllama.ollama().url(),
                withOllama.config().getJsonObject("ollama").getString("url"));
        try (SessionClient s = SessionClient.connect(
                withOllama.vertx(),
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(withOllama.port())
                        .setURI("/ws")
                        .addHeader(
                                "Authorization", "Bearer " + withOllama.tokens().token("tester")))) {
            s.next("welcome", 5000);
            assertTrue(s.next("assistant", 10_000).getBoolean("available"));
        }
    }

    @Test
    @DisplayName(
            "a node in its own JVM gets the same test configuration, the cluster's members, and the test's settings")
    void processConfiguration() throws Exception {
        try (NodeExtension cluster = NodeExtension.processes()
                .sharing(withOllama)
                .inCluster("gpu-1", "gpu-2")
                .start()) {
            JsonObject config = cluster.memberConfig(
                    "gpu-1", new JsonObject().put("session", new JsonObject().put("answerTimeoutMs", 1000)));
            assertEquals("gpu-1", config.getJsonObject("node").getString("id"));
            assertEquals(1000, config.getJsonObject("session").getInteger("answerTimeoutMs"));
            assertEquals(
                    NodeExtension.MAX_QUEUE_MS,
                    config.getJsonObject("inference").getInteger("maxQueueMs"));
            assertEquals(1, config.getJsonObject("inference").getInteger("workers"));
            assertNotEquals(0, config.getJsonObject("http").getInteger("port"));
            assertEquals(
                    withOllama.ollama().url(), config.getJsonObject("ollama").getString("url"), "what it shares");
            assertEquals(withOllama.secret(), config.getJsonObject("auth").getString("jwtSecret"));
            JsonObject member = config.getJsonObject("cluster");
            assertTrue(member.getBoolean("enabled"));
            List<String> members = List.of(member.getString("members").split(","));
            assertEquals(2, members.size(), member.encode());
            assertTrue(members.contains("127.0.0.1:" + member.getInteger("port")), member.encode());
            assertThrows(IllegalArgumentException.class, () -> cluster.memberConfig("gpu-3", new JsonObject()));
        }
    }

    @Test
    @DisplayName("a node started for part of a test, here or in its own JVM, is gone once closed")
    void closedNodesAreGone() throws Exception {
        int port;
        try (NodeExtension own = NodeExtension.node(ECHO).start()) {
            port = own.port();
            try (SessionClient s = SessionClient.connect(own.vertx(), port)) {
                s.next("welcome", 5000);
            }
        }
        NodeProcess process;
        try (NodeExtension processes = NodeExtension.processes().start()) {
            process = processes
                    .startProcess("extension-test", List.of("-Xmx256m"), ECHO)
                    .awaitReady();
            try (SessionClient s = SessionClient.connect(processes.clients(), process.httpPort())) {
                s.next("welcome", 5000);
            }
        }
        assertFalse(process.process().isAlive(), "the process was stopped");
        int stoppedPort = port;
        Exception refused = assertThrows(
                Exception.class,
                () -> SessionClient.connect(plain.vertx(), stoppedPort).close());
        Throwable cause =
                refused instanceof CompletionException && refused.getCause() != null ? refused.getCause() : refused;
        assertTrue(cause instanceof ConnectException, "nothing listens where the node did: " + cause);
    }
}
