package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("How a node joins the cluster: Hazelcast bound to cluster.host alone, a name of its own, certificates "
        + "from scripts/cluster-certs")
class ClusterConfigTest {

    private static ClusterConfig cluster(JsonObject keys) {
        return ClusterConfig.from(new Settings(new JsonObject().put("cluster", keys.put("enabled", true))));
    }

    @Test
    @DisplayName("Hazelcast listens on cluster.host only: another address of the same machine is refused")
    void hazelcastBindsTheClusterHostOnly() throws Exception {
        int port = NodeExtension.freePort();
        Config config = cluster(new JsonObject()
                        .put("host", "127.0.0.1")
                        .put("port", port)
                        .put("name", "bind-test"))
                .hazelcast();
        assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
        assertEquals(
                List.of("127.0.0.1"),
                List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        try {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            }
            // All of 127/8 reaches this machine; a member bound to every interface would take this connection too.
            try (Socket s = new Socket()) {
                assertThrows(
                        ConnectException.class,
                        () -> s.connect(new InetSocketAddress("127.0.0.2", port), 5000),
                        "the member port is open on an address that is not cluster.host");
            }
        } finally {
            member.shutdown();
        }
    }

    @Test
    @DisplayName("with Kubernetes discovery, and for a host name, Hazelcast still binds one address")
    void discoveryAndNamesBindOneAddress() {
        Config kubernetes = cluster(new JsonObject()
                        .put("host", "10.1.2.3")
                        .put("name", "k8s-test")
                        .put("kubernetesServiceDns", "palmreader-cluster.palmreader.svc.cluster.local"))
                .hazelcast();
        assertEquals("false", kubernetes.getProperty("hazelcast.socket.bind.any"));
        assertTrue(kubernetes.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(
                List.of("10.1.2.3"),
                List.copyOf(kubernetes.getNetworkConfig().getInterfaces().getInterfaces()));
        assertTrue(kubernetes.getNetworkConfig().getJoin().getKubernetesConfig().isEnabled());

        Config named = cluster(new JsonObject()
                        .put("host", "localhost")
                        .put("port", 5801)
                        .put("name", "name-test"))
                .hazelcast();
        assertEquals("false", named.getProperty("hazelcast.socket.bind.any"));
        String bound = named.getNetworkConfig()
                .getInterfaces()
                .getInterfaces()
                .iterator()
                .next();
        assertTrue(bound.startsWith("127.") || bound.equals("0:0:0:0:0:0:0:1"), bound);
        assertEquals("localhost:5801", named.getNetworkConfig().getPublicAddress(), "advertised by name");

        ConfigException unresolved = assertThrows(
                ConfigException.class,
                () -> cluster(new JsonObject().put("host", "no-such-host.invalid"))
                        .hazelcast());
        assertTrue(unresolved.getMessage().contains("cluster.host"), unresolved.getMessage());
    }

    @Test
    @DisplayName("a cluster.host name is never looked up on a Vert.x thread: only a literal address is taken there")
    void nameNotResolvedOnAnEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Promise<String> outcome = Promise.promise();
            vertx.runOnContext(v -> {
                try {
                    cluster(new JsonObject().put("host", "10.1.2.3")).hazelcast();
                    cluster(new JsonObject().put("host", "localhost")).hazelcast();
                    outcome.complete("resolved");
                } catch (IllegalStateException e) {
                    outcome.complete(e.getMessage());
                }
            });
            String said = outcome.future().await(10, TimeUnit.SECONDS);
            assertTrue(said.contains("never on a Vert.x thread"), said);
        } finally {
            vertx.close();
        }
    }

    @Test
    @DisplayName("an empty cluster name is refused, and the default one is told apart")
    void clusterName() {
        ConfigException empty = assertThrows(ConfigException.class, () -> cluster(new JsonObject().put("name", " ")));
        assertTrue(empty.getMessage().contains("cluster.name"), empty.getMessage());
        assertTrue(cluster(new JsonObject()).defaultName());
        assertFalse(
                cluster(new JsonObject().put("name", "palmreader-prod-7f3a")).defaultName());
        assertEquals(
                "palmreader-prod-7f3a",
                cluster(new JsonObject().put("name", "palmreader-prod-7f3a"))
                        .hazelcast()
                        .getClusterName());
    }

    @Test
    @DisplayName("scripts/cluster-certs makes certificates the event bus takes: a node holding them is accepted, one "
            + "with another certificate is not")
    void scriptCertificatesWorkOnTheEventBus(Vertx vertx, @TempDir Path dir) throws Exception {
        Path tls = dir.resolve("cluster-tls");
        Process script = new ProcessBuilder("scripts/cluster-certs", tls.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(script.getInputStream().readAllBytes());
        assertTrue(script.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, script.exitValue(), output);
        for (String file : List.of("ca.pem", "node.pem", "node-key.pem")) {
            assertTrue(Files.isRegularFile(tls.resolve(file)), file + " in " + output);
        }
        assertFalse(Files.exists(tls.resolve("ca-key.pem")), "the authority's key is not kept");
        // The same command again refuses to replace a set running nodes may hold.
        Process again = new ProcessBuilder("scripts/cluster-certs", tls.toString())
                .redirectErrorStream(true)
                .start();
        again.getInputStream().readAllBytes();
        assertTrue(again.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, again.exitValue());

        ClusterConfig config = cluster(new JsonObject()
                .put("host", "127.0.0.1")
                .put("tlsCertPath", tls.resolve("node.pem").toString())
                .put("tlsKeyPath", tls.resolve("node-key.pem").toString())
                .put("tlsTrustPath", tls.resolve("ca.pem").toString()));
        assertTrue(config.tls());
        // Server and client made from the event bus's options, as the clustered event bus makes its own.
        JsonObject eventBus = config.eventBus().toJson();
        NetClientOptions member = new NetClientOptions(eventBus).setHostnameVerificationAlgorithm("");
        int[] accepted = {0};
        NetServer node = vertx.createNetServer(new NetServerOptions(eventBus).setPort(0))
                .connectHandler(socket -> {
                    accepted[0]++;
                    socket.write("welcome");
                });
        node.listen().await(10, TimeUnit.SECONDS);
        assertEquals("welcome", firstData(vertx, member, node.actualPort()));

        // A process with a certificate of its own, not signed by the cluster's authority: refused as a client ...
        SelfSignedCertificate other = SelfSignedCertificate.create("palmreader-node");
        NetClientOptions stranger = new NetClientOptions(eventBus)
                .setHostnameVerificationAlgorithm("")
                .setKeyCertOptions(other.keyCertOptions());
        assertEquals("(refused)", firstData(vertx, stranger, node.actualPort()));
        assertEquals(1, accepted[0], "only the certificate holder got through the handshake");
        // ... and as a server: one that joined Hazelcast and advertised an event bus address of its own gets no frame
        // sent to it, since members check whom they connect to.
        NetServer impostor = vertx.createNetServer(new NetServerOptions()
                        .setSsl(true)
                        .setPort(0)
                        .setHost("127.0.0.1")
                        .setKeyCertOptions(other.keyCertOptions()))
                .connectHandler(socket -> socket.write("welcome"));
        impostor.listen().await(10, TimeUnit.SECONDS);
        assertEquals("(refused)", firstData(vertx, member, impostor.actualPort()));
    }

    /** What the server sends first, or {@code (refused)} when the connection fails or closes before it sends. */
    private static String firstData(Vertx vertx, NetClientOptions options, int port) throws Exception {
        // Held until the answer: a client nothing refers to any more is closed when garbage collected.
        NetClient client = vertx.createNetClient(options);
        Promise<String> first = Promise.promise();
        client.connect(port, "127.0.0.1").onComplete(connected -> {
            if (connected.failed()) {
                first.tryComplete("(refused)");
                return;
            }
            NetSocket socket = connected.result();
            socket.handler((Buffer data) -> first.tryComplete(data.toString()));
            socket.closeHandler(v -> first.tryComplete("(refused)"));
            socket.exceptionHandler(e -> first.tryComplete("(refused)"));
        });
        try {
            return first.future().await(30, TimeUnit.SECONDS);
        } finally {
            client.close().await(10, TimeUnit.SECONDS);
        }
    }
}
