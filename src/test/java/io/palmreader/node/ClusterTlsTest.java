package io.palmreader.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.Eventually;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("The event bus over TLS: a cluster with the certificate carries frames, a process without it delivers nothing")
class ClusterTlsTest {

  private static final byte[] PHOTO = GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg");

  @Test
  @DisplayName("edge and inference node share a certificate and answer frames; an edge without it joins Hazelcast "
      + "but gets no frame answered")
  void onlyCertificateHoldersTalk() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("palmreader-cluster");
    Map<String, String> tls = Map.of("PALMREADER_CLUSTER_TLS_CERT_PATH", certificate.certificatePath(),
        "PALMREADER_CLUSTER_TLS_KEY_PATH", certificate.privateKeyPath());
    int portA = NodeProcess.freePort();
    int portGpu = NodeProcess.freePort();
    int portRogue = NodeProcess.freePort();
    int rogueHttp = NodeProcess.freePort();
    String members = "127.0.0.1:" + portA + ",127.0.0.1:" + portGpu + ",127.0.0.1:" + portRogue;
    Process gpu = NodeProcess.start("gpu-tls", "gpu", portGpu, members, tls);
    Process rogue = null;
    JsonObject config = new JsonObject().put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        .put("node", new JsonObject().put("id", "edge-tls"))
        // The test checks which node answered: clients are told node names only with this on.
        .put("observability", new JsonObject().put("exposeNodeNames", true))
        .put("cluster", new JsonObject().put("enabled", true).put("port", portA).put("members", members)
            .put("tlsCertPath", certificate.certificatePath()).put("tlsKeyPath", certificate.privateKeyPath()));
    Vertx vertx = Node.createVertx(config).await(60, TimeUnit.SECONDS);
    Vertx clientVertx = Vertx.vertx();
    Node edge = Node.start(vertx, config, "edge").await(60, TimeUnit.SECONDS);
    try (SessionClient s = SessionClient.connect(clientVertx, GatewayTestAccess.port(vertx))) {
      s.next("welcome", 5000);
      long[] seq = {0};
      Eventually.await(clientVertx, 90_000, "a frame answered by the TLS inference node", () -> {
        s.sendFrame(++seq[0], PHOTO);
        JsonObject m = s.nextOf(5000, "hands", "error", "dropped");
        return "hands".equals(m.getString("type")) && m.getString("worker").startsWith("gpu-tls/");
      });

      // A process without the certificate: it joins Hazelcast (open-source Hazelcast does not authenticate
      // members) and sees the workers' registrations, but no event bus connection to them is accepted.
      rogue = NodeProcess.start("rogue", "edge", portRogue, members, Map.of("PALMREADER_HTTP_PORT",
          Integer.toString(rogueHttp)));
      Eventually.await(clientVertx, 90_000, "the uncertified edge to listen", () -> {
        try (SessionClient probe = SessionClient.connect(clientVertx, rogueHttp)) {
          return probe.next("welcome", 5000) != null;
        } catch (Exception notYet) {
          return false;
        }
      });
      int hands = 0;
      try (SessionClient r = SessionClient.connect(clientVertx, rogueHttp)) {
        r.next("welcome", 5000);
        for (int i = 1; i <= 10; i++) {
          r.sendFrame(i, PHOTO);
          JsonObject m = r.nextOf(10_000, "hands", "error", "dropped");
          hands += "hands".equals(m.getString("type")) ? 1 : 0;
          if ("error".equals(m.getString("type"))) {
            assertEquals("over_capacity", m.getString("code"), m.encode());
          }
        }
      }
      assertEquals(0, hands, "no frame of the uncertified node reached a worker");
      // The certified edge still works beside it.
      s.sendFrame(++seq[0], PHOTO);
      JsonObject after = s.nextOf(10_000, "hands", "dropped");
      assertTrue(after.getString("type").equals("hands") || after.getString("type").equals("dropped"), after.encode());
    } finally {
      gpu.destroyForcibly();
      if (rogue != null) {
        rogue.destroyForcibly();
      }
      edge.stop().await(30, TimeUnit.SECONDS);
      clientVertx.close();
    }
  }
}
