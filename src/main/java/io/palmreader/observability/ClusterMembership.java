package io.palmreader.observability;

import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

/**
 * The cluster manager of each clustered Vert.x instance, kept by whoever built it (the node), so that health checks
 * and meters can read the membership through the public cluster SPI.
 */
public final class ClusterMembership {

    private static final Map<Vertx, ClusterManager> MANAGERS = new WeakHashMap<>();

    private ClusterMembership() {}

    /** Records {@code manager} as {@code vertx}'s, and exports its member count as {@code palmreader_cluster_members}. */
    public static synchronized void register(Vertx vertx, ClusterManager manager) {
        MANAGERS.put(vertx, manager);
        PalmreaderMetrics.get()
                .registry()
                .gauge("palmreader.cluster.members", manager, m -> m.getNodes().size());
    }

    /** The cluster manager of {@code vertx}, if it is clustered. */
    public static synchronized Optional<ClusterManager> of(Vertx vertx) {
        return Optional.ofNullable(MANAGERS.get(vertx));
    }
}
