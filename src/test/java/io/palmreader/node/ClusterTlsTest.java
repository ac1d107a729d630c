package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.palmreader.testing.NodeExtension;
import io.palmreader.testing.NodeProcess;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName(
        "The event bus over TLS: a cluster with the certificate carries frames, a process without it delivers nothing")
class ClusterTlsTest {

    private static final byte[] PHOTO = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");
    private static final SelfSignedCertificate CERTIFICATE = SelfSignedCertificate.create("palmreader-cluster");

    /** The event bus's TLS settings: the certificate, and its key. */
    private static JsonObject tls() {
        return new JsonObject()
                .put("tlsCertPath", CERTIFICATE.certificatePath())
                .put("tlsKeyPath", CERTIFICATE.privateKeyPath());
    }

    /** The certified edge here, with room for the certified inference node and an uncertified edge. */
    @RegisterExtension
    static final NodeExtension edge = NodeExtension.node(new JsonObject()
                    .put("node", new JsonObject().put("id", "edge-tls"))
                    // The test checks which node answered: clients are told node names only with this on.
                    .put("observability", new JsonObject().put("exposeNodeNames", true))
                    .put("cluster", tls()))
            .role("edge")
            .inCluster("gpu-tls", "rogue");

    @Test
    @DisplayName("edge and inference node share a certificate and answer frames; an edge without it joins Hazelcast "
            + "but gets no frame answered")
    void onlyCertificateHoldersTalk() throws Exception {
        edge.startMember("gpu-tls", "gpu", new JsonObject().put("cluster", tls()));
        Vertx clientVertx = edge.clients();
        try (SessionClient s = SessionClient.connect(clientVertx, edge.port())) {
            s.next("welcome", 5000);
            long[] seq = {0};
            Eventually.await(clientVertx, 90_000, "a frame answered by the TLS inference node", () -> {
                s.sendFrame(++seq[0], PHOTO);
                JsonObject m;
                try {
                    m = s.nextOf(5000, "hands", "error", "dropped");
                } catch (AssertionError notYet) {
                    return false; // a node still warming up answers late: the next frame asks again
                }
                return "hands".equals(m.getString("type"))
                        && m.getString("worker").startsWith("gpu-tls/");
            });

            // A process without the certificate: it joins Hazelcast (open-source Hazelcast does not authenticate
            // members) and sees the workers' registrations, but no event bus connection to them is accepted. Its frames
            // go unanswered: it gives up on each after a second.
            NodeProcess rogue = edge.startMember(
                            "rogue",
                            "edge",
                            new JsonObject().put("session", new JsonObject().put("answerTimeoutMs", 1000)))
                    .awaitReady();
            List<String> outcomes = new ArrayList<>();
            try (SessionClient r = SessionClient.connect(clientVertx, rogue.httpPort())) {
                r.next("welcome", 5000);
                for (int i = 1; i <= 10; i++) {
                    r.sendFrame(i, PHOTO);
                    JsonObject m = r.nextOf(10_000, "hands", "error", "dropped");
                    outcomes.add(m.getString("type") + " " + m.getString("code", m.getString("reason")));
                }
            }
            // Told once that no inference answered, then each frame dropped quietly for the same reason; none reached a
            // worker.
            List<String> expected = new ArrayList<>(List.of("error over_capacity"));
            expected.addAll(Collections.nCopies(9, "dropped over_capacity"));
            assertEquals(expected, outcomes, "what the uncertified edge's frames got");
            // The certified edge still works beside it.
            s.sendFrame(++seq[0], PHOTO);
            JsonObject after = s.nextOf(10_000, "hands", "error", "dropped");
            assertEquals("hands", after.getString("type"), after.encode());
            assertTrue(after.getString("worker").startsWith("gpu-tls/"), after.encode());
        }
    }
}
