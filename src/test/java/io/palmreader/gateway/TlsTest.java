package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.palmreader.testing.NodeExtension;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("With a PEM key and certificate the node serves HTTPS and WSS only")
class TlsTest {

    private static final SelfSignedCertificate CERTIFICATE = SelfSignedCertificate.create("localhost");

    @RegisterExtension
    static final NodeExtension node = NodeExtension.node(new JsonObject()
            .put(
                    "http",
                    new JsonObject()
                            .put("tlsKeyPath", CERTIFICATE.privateKeyPath())
                            .put("tlsCertPath", CERTIFICATE.certificatePath()))
            .put("inference", new JsonObject().put("mode", "echo")));

    @Test
    @DisplayName("the page over HTTPS with HSTS, a session over WSS")
    void httpsAndWss() throws Exception {
        var https = node.vertx()
                .createHttpClient(
                        new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
        HttpClientResponse page = https.request(new RequestOptions()
                        .setMethod(HttpMethod.GET)
                        .setHost("127.0.0.1")
                        .setPort(node.port())
                        .setURI("/"))
                .compose(r -> r.send().compose(resp -> resp.body().map(b -> resp)))
                .await(10, TimeUnit.SECONDS);
        assertEquals(200, page.statusCode());
        assertNotNull(page.getHeader("Strict-Transport-Security"));
        try (SessionClient c = SessionClient.connect(
                node.vertx(),
                new WebSocketConnectOptions()
                        .setHost("127.0.0.1")
                        .setPort(node.port())
                        .setURI("/ws")
                        .setSsl(true)
                        .setSslOptions(
                                new ClientSSLOptions().setTrustAll(true).setHostnameVerificationAlgorithm("")))) {
            c.next("welcome", 5000);
        }
    }

    @Test
    @DisplayName("a plain-HTTP request is closed without an HTTP answer")
    void plainHttpIsClosedUnanswered() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", node.port())) {
            // Connection: close, so that a server answering plain HTTP would close the connection after its answer too.
            socket.getOutputStream()
                    .write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            // Far longer than the TLS handshake's refusal takes; a server that waited for more would hold it open.
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            byte[] answered;
            try {
                answered = in.readAllBytes();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the plain-HTTP connection was still open after 20 s");
            }
            String text = new String(answered, StandardCharsets.ISO_8859_1);
            assertFalse(text.contains("HTTP/"), "answered over plain HTTP: " + text);
        }
    }
}
