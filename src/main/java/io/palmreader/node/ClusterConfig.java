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
 * @param eventBusPort   the event bus's own port (0: any free one), so that firewalls and policies can name it
 * @param tlsCertPath    PEM certificate of this node on the event bus (with the key: the event bus is TLS only, and
 *                       takes only peers holding a certificate {@code tlsTrustPath} trusts)
 * @param tlsKeyPath     its PEM key
 * @param tlsTrustPath   PEM certificate(s) of the authority peers' certificates must chain to (empty: the node's own
 *                       certificate, for a cluster sharing one)
 */
public record ClusterConfig(
        boolean enabled,
        String name,
        String host,
        int port,
        List<String> members,
        String kubernetesDns,
        int eventBusPort,
        String tlsCertPath,
        String tlsKeyPath,
        String tlsTrustPath) {

    public static ClusterConfig from(Settings s) {
        String members = s.string("cluster.members", "");
        ClusterConfig config = new ClusterConfig(
                s.bool("cluster.enabled", false),
                s.string("cluster.name", DEFAULT_NAME),
                s.string("cluster.host", "127.0.0.1"),
                s.integer("cluster.port", 5701, 1, 65535),
                members.isBlank()
                        ? List.of()
                        : Arrays.stream(members.split(",")).map(String::trim).toList(),
                s.string("cluster.kubernetesServiceDns", ""),
                s.integer("cluster.eventBusPort", 0, 0, 65535),
                s.string("cluster.tlsCertPath", "").trim(),
                s.string("cluster.tlsKeyPath", "").trim(),
                s.string("cluster.tlsTrustPath", "").trim());
        if (config.name.isBlank()) {
            throw new io.palmreader.config.ConfigException("cluster.name must not be empty (an unfilled secret?)");
        }
        if (config.tlsCertPath.isEmpty() != config.tlsKeyPath.isEmpty()) {
            throw new io.palmreader.config.ConfigException("cluster.tlsCertPath and cluster.tlsKeyPath go together");
        }
        return config;
    }

    /** {@code cluster.name}'s default, which every deployment should replace with a name of its own. */
    public static final String DEFAULT_NAME = "palmreader";

    /**
     * Whether this node joins under the name every unconfigured node has: then any stray or test node on the same
     * network joins this cluster by accident, and one who wants to join needs to guess nothing.
     */
    public boolean defaultName() {
        return DEFAULT_NAME.equals(name);
    }

    /** Whether the event bus runs over TLS with client certificates. */
    public boolean tls() {
        return !tlsCertPath.isEmpty();
    }

    /**
     * The event bus options: this node's address and port, and with TLS both directions authenticated by
     * certificate (the connecting member checks the accepting one's as well as the other way round), so that a process
     * that can join Hazelcast (which open-source Hazelcast does not authenticate) still cannot send or receive a single
     * message.
     */
    public io.vertx.core.eventbus.EventBusOptions eventBus() {
        io.vertx.core.eventbus.EventBusOptions options = new io.vertx.core.eventbus.EventBusOptions()
                .setHost(host)
                .setClusterPublicHost(host)
                .setPort(eventBusPort);
        if (tls()) {
            // EventBusOptions trusts every server by default: without this a member that joined Hazelcast could
            // advertise
            // an event bus of its own with any certificate and be sent the frames meant for the consumers it registers.
            options.setSsl(true)
                    .setTrustAll(false)
                    .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
                            .setCertPath(tlsCertPath)
                            .setKeyPath(tlsKeyPath))
                    .setTrustOptions(new io.vertx.core.net.PemTrustOptions()
                            .addCertPath(tlsTrustPath.isEmpty() ? tlsCertPath : tlsTrustPath))
                    .setClientAuth(io.vertx.core.http.ClientAuth.REQUIRED);
        }
        return options;
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
        // Hazelcast binds every interface (0.0.0.0) whatever address it advertises, unless told not to: bound to
        // cluster.host alone, the member port is not open on a node's other networks (the public one, the back one).
        config.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(port).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).addInterface(bindAddress());
        if (!isLiteral(host)) {
            // A host name: bound to the address it resolves to, advertised as the name.
            network.setPublicAddress(host + ":" + port);
        }
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (!kubernetesDns.isBlank()) {
            join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", kubernetesDns);
        } else {
            join.getTcpIpConfig()
                    .setEnabled(true)
                    .setMembers(members.isEmpty() ? List.of(host + ":" + port) : members)
                    .setConnectionTimeoutSeconds(1);
        }
        return config;
    }

    /**
     * The address Hazelcast binds: {@code cluster.host} itself when it is an IP literal, else what the name resolves
     * to (a container's or pod's own name). Resolved once, while the node starts and before Vert.x runs: the name
     * comes from the operator's configuration, never from a client, and no event loop waits on it.
     */
    private String bindAddress() {
        if (isLiteral(host)) {
            return host;
        }
        if (io.vertx.core.Context.isOnVertxThread()) {
            throw new IllegalStateException("cluster.host is resolved at start-up only, never on a Vert.x thread");
        }
        try {
            return java.net.InetAddress.getByName(host).getHostAddress();
        } catch (java.net.UnknownHostException e) {
            throw new io.palmreader.config.ConfigException(
                    "cluster.host must be an address or a name that resolves, was '" + host + "'");
        }
    }

    private static boolean isLiteral(String host) {
        return io.netty.util.NetUtil.isValidIpV4Address(host) || io.netty.util.NetUtil.isValidIpV6Address(host);
    }
}
