package io.palmreader.config;

import java.lang.management.ManagementFactory;

/**
 * What a node is, where it listens and what it tells clients about itself; keys under {@code node.}, {@code http.},
 * {@code metrics.} and {@code observability.} (README, Configuration).
 *
 * @param nodeId          this node's name in logs, metrics and health details ({@code PID@host} by default)
 * @param host            interface the HTTP server listens on
 * @param port            HTTP and WebSocket port (0: a free port, chosen once for all gateway instances)
 * @param httpInstances   gateway verticle instances, {@link #AUTO} for one per core
 * @param metricsPort     serve {@code /metrics} on this port only (0: on {@code port})
 * @param metricsHost     interface of the metrics port
 * @param exposeNodeNames whether clients are told node and worker names ({@code welcome}'s {@code node}, the
 *                        {@code worker} of {@code hands}, the {@code node} of a finished answer); off, since node
 *                        and pod names map a deployment for whoever connects
 * @param stopTimeoutMs   how long a graceful stop may take: past it, sessions still open are closed and the node exits
 */
public record NodeConfig(
        String nodeId,
        String host,
        int port,
        int httpInstances,
        int metricsPort,
        String metricsHost,
        boolean exposeNodeNames,
        int stopTimeoutMs) {

    public static final int AUTO = -1;

    public static NodeConfig from(Settings s) {
        return new NodeConfig(
                s.string("node.id", ManagementFactory.getRuntimeMXBean().getName()),
                s.string("http.host", "0.0.0.0"),
                s.integer("http.port", 8080, 0, 65535),
                s.integerOrAuto("http.instances", AUTO, 1, 256),
                s.integer("metrics.port", 0, 0, 65535),
                s.string("metrics.host", "0.0.0.0"),
                s.bool("observability.exposeNodeNames", false),
                s.integer("node.stopTimeoutMs", 10_000, 500, 600_000));
    }

    /** {@code name} (a node's or a worker's) when clients may be told it, else null. */
    public String forClients(String name) {
        return exposeNodeNames ? name : null;
    }

    /** Gateway instances on a machine of {@code cores}. */
    public int httpInstances(int cores) {
        return httpInstances == AUTO ? cores : httpInstances;
    }
}
