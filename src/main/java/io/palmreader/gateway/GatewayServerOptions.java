package io.palmreader.gateway;

import io.palmreader.config.NodeConfig;
import io.palmreader.protocol.ClientFrame;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.tracing.TracingPolicy;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** How the gateway's HTTP server listens: address, message limits, no WebSocket compression, idle time-out, TLS. */
final class GatewayServerOptions {

    /** Smallest message limit, whatever the frame limit: a text message never comes near it. */
    private static final int MIN_MESSAGE_BYTES = 64 * 1024;

    private GatewayServerOptions() {}

    static HttpServerOptions of(NodeConfig node, GatewayConfig config, AccessConfig access) {
        // Messages up to four times the frame limit reach the session, which refuses them with frame_too_large and
        // carries on; beyond that the connection is closed (1009) before the bytes are buffered.
        int maxMessage = Math.max(ClientFrame.HEADER_BYTES + config.maxFrameBytes() * 4, MIN_MESSAGE_BYTES);
        HttpServerOptions options = new HttpServerOptions()
                // Frames and questions get spans of their own; a request's span would carry its URL, where a token
                // may be (auth.tokenInUrl).
                .setTracingPolicy(TracingPolicy.IGNORE)
                .setHost(node.host())
                .setPort(node.port())
                .setMaxWebSocketMessageSize(maxMessage)
                .setMaxWebSocketFrameSize(maxMessage)
                .setCompressionSupported(true)
                .setWebSocketSubProtocols(List.of(TokenVerifier.SUBPROTOCOL))
                // No WebSocket compression: Netty inflates without an output cap while the message limit counts wire
                // bytes,
                // so one deflated megabyte could become a gigabyte of heap before any token. Frames are JPEG (which
                // does not
                // compress) and text messages are small, so nothing is lost by never offering it.
                .setPerMessageWebSocketCompressionSupported(false)
                .setPerFrameWebSocketCompressionSupported(false)
                // A connection that sends nothing, or a request that never finishes, is closed; open sessions ping.
                .setIdleTimeout(access.idleTimeoutMs())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        if (config.tls()) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setKeyPath(config.tlsKeyPath())
                            .setCertPath(config.tlsCertPath()));
        }
        return options;
    }
}
