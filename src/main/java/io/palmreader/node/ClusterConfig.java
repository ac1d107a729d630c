package io.palmreader.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.palmreader.config.Settings;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import java.util.Arrays;
import java.util.List;

/**
 * How a node joins the cluster; keys under {@code cluster.} (README, Configuration). Members are found from a static
 * TCP/IP list (bare metal, Compose, tests) or, with {@code cluster.kubernetesServiceDns}, through a Kubernetes
 * headless Service. Multicast is never used.
 *
 * @param enabled        whether the event bus is clustered
 * @param name           the cluster's name: nodes with another name never join
 * @param host           the address this node binds and advertises for Hazelcast and the event bus
 * @param port           Hazelcast's member port
 * @param members        {@code host:port} of members to join (this node may be among them)
 * @param kubernetesDns  the headless Service's DNS name for Kubernetes discovery, or empty
 */
public record ClusterConfig(boolean enabled, String name, String host, int port, List<String> members,
                            String kubernetesDns) {

  public static ClusterConfig from(Settings s) {
    String members = s.string("cluster.members", "");
    return new ClusterConfig(s.oneOf("cluster.enabled", "false", "true", "false").equals("true"),
        s.string("cluster.name", "palmreader"), s.string("cluster.host", "127.0.0.1"),
        s.integer("cluster.port", 5701, 1, 65535),
        members.isBlank() ? List.of() : Arrays.stream(members.split(",")).map(String::trim).toList(),
        s.string("cluster.kubernetesServiceDns", ""));
  }

  /** Hazelcast's configuration, starting from vertx-hazelcast's own (it holds the maps Vert.x needs). */
  Config hazelcast() {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    // Joining at once instead of after Hazelcast's default 5 s wait halves a node's start-up.
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    // A node that dies without saying goodbye leaves the cluster within seconds, not Hazelcast's default minute, so
    // its event bus consumers stop receiving frames soon after the gateways' answer timeout has noticed.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(false);
    if (host.matches("[0-9.]+")) {
      network.getInterfaces().setEnabled(true).addInterface(host);
    } else {
      // A host name (a container's): Hazelcast binds every interface and advertises the name.
      network.setPublicAddress(host + ":" + port);
    }
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (!kubernetesDns.isBlank()) {
      network.getInterfaces().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", kubernetesDns);
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(members.isEmpty() ? List.of(host + ":" + port) : members)
          .setConnectionTimeoutSeconds(1);
    }
    return config;
  }
}
