package io.palmreader.deploy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

/**
 * What a set of NetworkPolicies, all in one namespace, lets through, by the rules Kubernetes documents: a pod that
 * some policy selects for a direction takes (or sends) only what one of those policies' rules allows, and a
 * connection needs the sender's egress and the receiver's ingress. Peers outside the cluster are addresses; pods never
 * match an {@code ipBlock} here (their addresses are cluster-internal ranges that the policies keep out anyway).
 */
final class NetworkPolicies {

    /** A pod: its namespace and labels. */
    record Pod(String namespace, Map<String, String> labels) {}

    /** Where a connection goes: a pod or, with {@code pod} null, an address outside the cluster. */
    record Target(Pod pod, String address, int port, String protocol) {

        static Target pod(Pod pod, int port) {
            return new Target(pod, null, port, "TCP");
        }

        static Target pod(Pod pod, int port, String protocol) {
            return new Target(pod, null, port, protocol);
        }

        static Target outside(String address, int port) {
            return new Target(null, address, port, "TCP");
        }
    }

    private final String namespace;
    private final List<NetworkPolicy> policies;

    NetworkPolicies(String namespace, List<NetworkPolicy> policies) {
        this.namespace = namespace;
        this.policies = List.copyOf(policies);
    }

    boolean allows(Pod from, Target to) {
        return egressAllows(from, to) && (to.pod() == null || ingressAllows(from, to));
    }

    private boolean egressAllows(Pod from, Target to) {
        List<NetworkPolicy> selecting = selecting(from, "Egress");
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream()
                .flatMap(p -> p.getSpec().getEgress().stream())
                .anyMatch(rule -> portsMatch(rule.getPorts(), to) && peersMatch(rule.getTo(), to));
    }

    /** The receiving side alone: whether {@code to}'s ingress policies take it, whatever the sender's egress says. */
    boolean admits(Pod from, Target to) {
        return ingressAllows(from, to);
    }

    private boolean ingressAllows(Pod from, Target to) {
        List<NetworkPolicy> selecting = selecting(to.pod(), "Ingress");
        if (selecting.isEmpty()) {
            return true;
        }
        Target source = new Target(from, null, 0, "TCP");
        return selecting.stream()
                .flatMap(p -> p.getSpec().getIngress().stream())
                .anyMatch(rule -> portsMatch(rule.getPorts(), to) && peersMatch(rule.getFrom(), source));
    }

    private List<NetworkPolicy> selecting(Pod pod, String direction) {
        if (!pod.namespace().equals(namespace)) {
            return List.of();
        }
        return policies.stream()
                .filter(p -> types(p).contains(direction))
                .filter(p -> matches(p.getSpec().getPodSelector(), pod.labels()))
                .toList();
    }

    /** policyTypes, or what Kubernetes assumes without them: Ingress, and Egress when there are egress rules. */
    private static List<String> types(NetworkPolicy p) {
        List<String> types = p.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        return p.getSpec().getEgress().isEmpty() ? List.of("Ingress") : List.of("Ingress", "Egress");
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, Target to) {
        return ports.isEmpty()
                || ports.stream()
                        .anyMatch(p -> (p.getPort() == null || p.getPort().getIntVal() == to.port())
                                && (p.getProtocol() == null ? "TCP" : p.getProtocol()).equals(to.protocol()));
    }

    private boolean peersMatch(List<NetworkPolicyPeer> peers, Target peer) {
        return peers.isEmpty() || peers.stream().anyMatch(p -> peerMatches(p, peer));
    }

    private boolean peerMatches(NetworkPolicyPeer peer, Target target) {
        if (peer.getIpBlock() != null) {
            return target.pod() == null && inBlock(peer.getIpBlock(), target.address());
        }
        if (target.pod() == null) {
            return false;
        }
        Pod pod = target.pod();
        boolean namespaceOk = peer.getNamespaceSelector() == null
                ? pod.namespace().equals(namespace)
                : matches(peer.getNamespaceSelector(), Map.of("kubernetes.io/metadata.name", pod.namespace()));
        return namespaceOk && (peer.getPodSelector() == null || matches(peer.getPodSelector(), pod.labels()));
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null
                && !selector.getMatchLabels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))) {
            return false;
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("operator " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean inBlock(IPBlock block, String address) {
        return inCidr(block.getCidr(), address) && block.getExcept().stream().noneMatch(e -> inCidr(e, address));
    }

    static boolean inCidr(String cidr, String address) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        BigInteger network = toNumber(parts[0]);
        BigInteger candidate = toNumber(address);
        int shift = 32 - bits;
        return network.shiftRight(shift).equals(candidate.shiftRight(shift));
    }

    private static BigInteger toNumber(String ipv4) {
        try {
            return new BigInteger(1, InetAddress.getByName(ipv4).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ipv4, e);
        }
    }
}
