package io.palmreader.gateway;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.palmreader.node.Node;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("With a PEM key and certificate the node serves HTTPS and WSS only")
class TlsTest {

  @Test
  @DisplayName("the page over HTTPS with HSTS, a session over WSS; plain HTTP is not answered")
  void httpsAndWss() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    Vertx vertx = Node.createVertx();
    Node node = Node.start(vertx, new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1")
            .put("tlsKeyPath", certificate.privateKeyPath()).put("tlsCertPath", certificate.certificatePath()))
        .put("inference", new JsonObject().put("mode", "echo")), "all").await(60, TimeUnit.SECONDS);
    try {
      int port = GatewayTestAccess.port(vertx);
      var https = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
      HttpClientResponse page = https.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
              .setPort(port).setURI("/"))
          .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp))).await(10, TimeUnit.SECONDS);
      assertEquals(200, page.statusCode());
      assertNotNull(page.getHeader("Strict-Transport-Security"));
      try (SessionClient c = SessionClient.connect(vertx, new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(port).setURI("/ws").setSsl(true)
          .setSslOptions(new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("")))) {
        c.next("welcome", 5000);
      }
      var plain = vertx.createHttpClient();
      assertThrows(Exception.class, () -> plain.request(HttpMethod.GET, port, "127.0.0.1", "/")
          .compose(r -> r.send()).await(5, TimeUnit.SECONDS));
    } finally {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
