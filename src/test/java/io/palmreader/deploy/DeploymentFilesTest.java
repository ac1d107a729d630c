package io.palmreader.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.palmreader.gateway.GatewayTestAccess;
import io.palmreader.gateway.SessionClient;
import io.palmreader.observability.PalmreaderMetrics;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonFormatValidator;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

@ExtendWith(VertxExtension.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Deployment files parse into what they claim, and the dashboard asks for metrics that exist")
class DeploymentFilesTest {

    private static final Path K8S = Path.of("deploy", "k8s");
    private static final Path COMPOSE = Path.of("deploy", "compose");

    private static List<HasMetadata> manifests() throws Exception {
        List<HasMetadata> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(K8S)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml"))
                    .toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    Object parsed = Serialization.unmarshal(in);
                    if (parsed instanceof KubernetesList list) {
                        all.addAll(list.getItems());
                    } else if (parsed instanceof List<?> list) {
                        list.forEach(o -> all.add((HasMetadata) o));
                    } else {
                        all.add((HasMetadata) parsed);
                    }
                }
            }
        }
        return all;
    }

    private static Map<String, HasMetadata> byKindAndName(List<HasMetadata> all) {
        Map<String, HasMetadata> map = new HashMap<>();
        all.forEach(r -> map.put(r.getKind() + "/" + r.getMetadata().getName(), r));
        return map;
    }

    @Test
    @DisplayName(
            "every Kubernetes manifest is a typed object; Palmreader pods have probes and resources, GPU pods a GPU")
    void kubernetes() throws Exception {
        Map<String, HasMetadata> all = byKindAndName(manifests());
        for (String expected : new String[] {
            "Namespace/palmreader",
            "ConfigMap/palmreader",
            "Deployment/palmreader-edge",
            "Service/palmreader-edge",
            "HorizontalPodAutoscaler/palmreader-edge",
            "PodDisruptionBudget/palmreader-edge",
            "Deployment/palmreader-gpu",
            "Service/palmreader-cluster",
            "StatefulSet/ollama",
            "StatefulSet/kafka",
            "Deployment/redis",
            "Ingress/palmreader",
            "NetworkPolicy/palmreader-cluster"
        }) {
            assertTrue(all.containsKey(expected), "missing " + expected + " among " + new TreeSet<>(all.keySet()));
        }
        for (String name : new String[] {"palmreader-edge", "palmreader-gpu"}) {
            PodSpec pod = ((Deployment) all.get("Deployment/" + name))
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            Container c = pod.getContainers().get(0);
            assertEquals("/api/health/ready", c.getReadinessProbe().getHttpGet().getPath(), name);
            assertEquals("/api/health/live", c.getLivenessProbe().getHttpGet().getPath(), name);
            assertNotNull(c.getResources().getLimits().get("memory"), name + " memory limit");
            assertTrue(pod.getTerminationGracePeriodSeconds() >= 20, name + " has time to drain");
        }
        PodSpec gpu = ((Deployment) all.get("Deployment/palmreader-gpu"))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertEquals(
                "1",
                gpu.getContainers()
                        .get(0)
                        .getResources()
                        .getLimits()
                        .get("nvidia.com/gpu")
                        .getAmount());
        assertFalse(gpu.getTolerations().isEmpty());
        PodSpec ollama = ((StatefulSet) all.get("StatefulSet/ollama"))
                .getSpec()
                .getTemplate()
                .getSpec();
        assertEquals(
                "1",
                ollama.getContainers()
                        .get(0)
                        .getResources()
                        .getLimits()
                        .get("nvidia.com/gpu")
                        .getAmount());
        assertEquals(
                "None",
                ((io.fabric8.kubernetes.api.model.Service) all.get("Service/palmreader-cluster"))
                        .getSpec()
                        .getClusterIP(),
                "a headless Service for discovery");
        JsonObject kustomization = composeDocument(Files.readString(K8S.resolve("kustomization.yaml")));
        for (Object resource : kustomization.getJsonArray("resources")) {
            assertTrue(Files.isRegularFile(K8S.resolve((String) resource)), "kustomization lists " + resource);
        }
        // The Secret is generated from secret.env, which is never committed.
        JsonObject generator = kustomization.getJsonArray("secretGenerator").getJsonObject(0);
        assertEquals("palmreader", generator.getString("name"));
        assertEquals("secret.env", generator.getJsonArray("envs").getString(0));
        assertTrue(Files.readString(Path.of(".gitignore")).contains("deploy/k8s/secret.env"));
    }

    @Test
    @DisplayName("every workload runs hardened: non-root, no capabilities, seccomp, memory limits, pinned images")
    void kubernetesHardening() throws Exception {
        for (HasMetadata resource : manifests()) {
            PodSpec pod = resource instanceof Deployment d
                    ? d.getSpec().getTemplate().getSpec()
                    : resource instanceof StatefulSet st
                            ? st.getSpec().getTemplate().getSpec()
                            : null;
            if (pod == null) {
                continue;
            }
            String name = resource.getMetadata().getName();
            assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name + " runs as non-root");
            assertEquals(
                    "RuntimeDefault",
                    pod.getSecurityContext().getSeccompProfile().getType(),
                    name + " seccomp");
            for (Container c : pod.getContainers()) {
                assertEquals(
                        List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), name + " drops ALL");
                assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), name);
                assertNotNull(c.getResources().getLimits().get("memory"), name + " memory limit");
                assertFalse(
                        c.getImage().endsWith(":latest") || !c.getImage().contains(":"),
                        name + " pinned: " + c.getImage());
            }
        }
        Map<String, HasMetadata> all = byKindAndName(manifests());
        io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress =
                (io.fabric8.kubernetes.api.model.networking.v1.Ingress) all.get("Ingress/palmreader");
        assertFalse(ingress.getSpec().getTls().isEmpty(), "the Ingress terminates TLS");
        String config = Files.readString(K8S.resolve("configmap.yaml"));
        assertTrue(config.contains("PALMREADER_METRICS_PORT: \"9404\""), "metrics on their own port");
        assertTrue(config.contains("PALMREADER_HTTP_TRUSTED_PROXIES"), "the ingress controller is a trusted proxy");
        // The Ingress routes to the public port only; the ServiceMonitor scrapes the metrics port.
        assertTrue(Files.readString(K8S.resolve("ingress.yaml")).contains("{port: metrics, path: /metrics"));
        try (Stream<Path> files = Files.list(K8S)) {
            // secret.env and cluster-tls/ are git-ignored: filled in where one deploys, never committed.
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !f.endsWith("secret.env"))
                    .toList()) {
                assertFalse(
                        Files.readString(f).matches("(?s).*JWT_SECRET[:=] *[A-Za-z0-9+/=_-]{8,}.*"),
                        f + " holds no secret value");
            }
        }
    }

    private static PodSpec podSpec(HasMetadata resource) {
        return resource instanceof Deployment d
                ? d.getSpec().getTemplate().getSpec()
                : resource instanceof StatefulSet st
                        ? st.getSpec().getTemplate().getSpec()
                        : null;
    }

    /** Containers whose software writes into its own image (Kafka's start script writes its configuration there). */
    private static final Set<String> WRITABLE_ROOT = Set.of("kafka");

    /**
     * An image named by an exact version ({@code 1.27.3}, {@code 17.0.16_8}), optionally pinned by digest: never
     * {@code latest}, never a moving major or minor tag.
     */
    private static final Pattern PINNED_IMAGE = Pattern.compile(
            "[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]*\\d+\\.\\d+\\.\\d+[A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?");

    private static void assertPinned(String image, String where) {
        assertTrue(PINNED_IMAGE.matcher(image).matches(), where + " names an exact version (or a digest): " + image);
    }

    @Test
    @DisplayName("the image pin check takes exact versions and well-formed digests, and refuses moving tags")
    void imagePinCheck() {
        for (String good : new String[] {
            "nginx:1.27.3-alpine",
            "eclipse-temurin:17.0.16_8-jre",
            "prom/prometheus:v3.1.0",
            "redis:7.4.2-alpine@sha256:" + "0123456789abcdef".repeat(4)
        }) {
            assertTrue(PINNED_IMAGE.matcher(good).matches(), good);
        }
        for (String bad : new String[] {
            "nginx",
            "nginx:latest",
            "eclipse-temurin:17-jre",
            "maven:3.9-eclipse-temurin-17",
            "redis:7.4.2-alpine@sha256:abc",
            "redis@sha256:" + "0123456789abcdef".repeat(4)
        }) {
            assertFalse(PINNED_IMAGE.matcher(bad).matches(), bad);
        }
    }

    @Test
    @DisplayName("no Kubernetes pod gets an API token, and every root filesystem is read-only but Kafka's")
    void kubernetesPodsHoldNoTokens() throws Exception {
        int pods = 0;
        for (HasMetadata resource : manifests()) {
            PodSpec pod = podSpec(resource);
            if (pod == null) {
                continue;
            }
            pods++;
            String name = resource.getMetadata().getName();
            // Hazelcast's DNS discovery (cluster.kubernetesServiceDns) reads Service records, not the API.
            assertEquals(
                    Boolean.FALSE, pod.getAutomountServiceAccountToken(), name + " mounts no service account token");
            for (Container c : pod.getContainers()) {
                assertEquals(
                        !WRITABLE_ROOT.contains(name),
                        c.getSecurityContext().getReadOnlyRootFilesystem(),
                        name + " root filesystem read-only");
                assertPinned(c.getImage(), name);
            }
        }
        assertEquals(5, pods);
    }

    @Test
    @DisplayName("Kubernetes runs the event bus over TLS with certificates from a generated Secret, mounted read-only, "
            + "and takes the cluster's name from the Secret")
    void kubernetesClusterSecrets() throws Exception {
        Map<String, HasMetadata> all = byKindAndName(manifests());
        Map<String, String> config =
                ((io.fabric8.kubernetes.api.model.ConfigMap) all.get("ConfigMap/palmreader")).getData();
        String dir = "/etc/palmreader/cluster-tls/";
        assertEquals(dir + "tls.crt", config.get("PALMREADER_CLUSTER_TLS_CERT_PATH"));
        assertEquals(dir + "tls.key", config.get("PALMREADER_CLUSTER_TLS_KEY_PATH"));
        assertEquals(dir + "ca.crt", config.get("PALMREADER_CLUSTER_TLS_TRUST_PATH"));
        assertFalse(config.containsKey("PALMREADER_CLUSTER_NAME"), "the cluster's name is not in the ConfigMap");
        for (String name : new String[] {"palmreader-edge", "palmreader-gpu"}) {
            PodSpec pod = ((Deployment) all.get("Deployment/" + name))
                    .getSpec()
                    .getTemplate()
                    .getSpec();
            io.fabric8.kubernetes.api.model.Volume tls = pod.getVolumes().stream()
                    .filter(v -> v.getSecret() != null
                            && "palmreader-cluster-tls".equals(v.getSecret().getSecretName()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " mounts Secret palmreader-cluster-tls"));
            assertEquals(0440, tls.getSecret().getDefaultMode(), name + ": the key readable by the pod's group only");
            Container c = pod.getContainers().get(0);
            io.fabric8.kubernetes.api.model.VolumeMount mount = c.getVolumeMounts().stream()
                    .filter(m -> m.getName().equals(tls.getName()))
                    .findFirst()
                    .orElseThrow();
            assertEquals(dir, mount.getMountPath() + "/", name);
            assertEquals(Boolean.TRUE, mount.getReadOnly(), name + " mounts the certificates read-only");
            boolean nameFromSecret = c.getEnvFrom().stream()
                            .anyMatch(e -> e.getSecretRef() != null
                                    && "palmreader".equals(e.getSecretRef().getName()))
                    || c.getEnv().stream()
                            .anyMatch(e -> e.getName().equals("PALMREADER_CLUSTER_NAME")
                                    && e.getValueFrom()
                                            .getSecretKeyRef()
                                            .getName()
                                            .equals("palmreader"));
            assertTrue(nameFromSecret, name + " takes the cluster's name from Secret palmreader");
            assertTrue(
                    c.getEnv().stream()
                            .noneMatch(e -> e.getName().equals("PALMREADER_CLUSTER_NAME") && e.getValue() != null),
                    name + " has no cluster name written in");
        }
        JsonObject kustomization = composeDocument(Files.readString(K8S.resolve("kustomization.yaml")));
        JsonObject tlsSecret = kustomization.getJsonArray("secretGenerator").stream()
                .map(JsonObject.class::cast)
                .filter(g -> g.getString("name").equals("palmreader-cluster-tls"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of(
                        "tls.crt=cluster-tls/node.pem",
                        "tls.key=cluster-tls/node-key.pem",
                        "ca.crt=cluster-tls/ca.pem"),
                tlsSecret.getJsonArray("files").getList());
        assertTrue(
                Files.readString(K8S.resolve("secret.env.example")).contains("\nPALMREADER_CLUSTER_NAME=\n"),
                "secret.env.example asks for the cluster's name");
        assertTrue(Files.readString(Path.of(".gitignore")).contains("\ndeploy/k8s/cluster-tls/\n"));
    }

    @Test
    @DisplayName(
            "Kubernetes believes forwarded headers from a narrow range only, not the cluster's whole address space")
    void kubernetesTrustsNarrowProxies() throws Exception {
        Map<String, HasMetadata> all = byKindAndName(manifests());
        String proxies = ((io.fabric8.kubernetes.api.model.ConfigMap) all.get("ConfigMap/palmreader"))
                .getData()
                .get("PALMREADER_HTTP_TRUSTED_PROXIES");
        for (String cidr : proxies.split(",")) {
            int bits = Integer.parseInt(cidr.trim().split("/")[1]);
            assertTrue(bits >= 24, cidr + " is a /24 or narrower");
        }
    }

    @Test
    @DisplayName("Kubernetes NetworkPolicies: default deny both ways; HTTP only from the ingress controller's "
            + "namespace; Redis only from edges; Kafka and Ollama reach nothing inside the cluster")
    void kubernetesNetworkPolicies() throws Exception {
        List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> list = new ArrayList<>();
        manifests().stream()
                .filter(r -> r instanceof io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy)
                .forEach(r -> list.add((io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy) r));
        NetworkPolicies policies = new NetworkPolicies("palmreader", list);
        NetworkPolicies.Pod edge = new NetworkPolicies.Pod("palmreader", labels(all("palmreader-edge")));
        NetworkPolicies.Pod gpu = new NetworkPolicies.Pod("palmreader", labels(all("palmreader-gpu")));
        NetworkPolicies.Pod redis = new NetworkPolicies.Pod("palmreader", labels(all("redis")));
        NetworkPolicies.Pod kafka = new NetworkPolicies.Pod("palmreader", labels(all("kafka")));
        NetworkPolicies.Pod ollama = new NetworkPolicies.Pod("palmreader", labels(all("ollama")));
        NetworkPolicies.Pod ingress =
                new NetworkPolicies.Pod("ingress-nginx", Map.of("app.kubernetes.io/name", "ingress-nginx"));
        NetworkPolicies.Pod prometheus =
                new NetworkPolicies.Pod("monitoring", Map.of("app.kubernetes.io/name", "prometheus"));
        NetworkPolicies.Pod dns = new NetworkPolicies.Pod("kube-system", Map.of("k8s-app", "kube-dns"));
        NetworkPolicies.Pod stranger = new NetworkPolicies.Pod("default", Map.of("app", "anything"));
        NetworkPolicies.Pod neighbour = new NetworkPolicies.Pod("palmreader", Map.of("app", "debug"));

        List<NetworkPolicies.Pod> ours = List.of(edge, gpu, redis, kafka, ollama);
        for (NetworkPolicies.Pod p : ours) {
            assertTrue(policies.allows(p, NetworkPolicies.Target.pod(dns, 53, "UDP")), p + " resolves names");
            assertFalse(
                    policies.allows(p, NetworkPolicies.Target.pod(stranger, 8080)), p + " reaches no other namespace");
            assertFalse(
                    policies.allows(neighbour, NetworkPolicies.Target.pod(p, 5701)), "an unlabelled pod reaches " + p);
        }
        // Allowed, and nothing more.
        assertTrue(policies.allows(ingress, NetworkPolicies.Target.pod(edge, 8080)));
        for (NetworkPolicies.Pod a : List.of(edge, gpu)) {
            for (NetworkPolicies.Pod b : List.of(edge, gpu)) {
                assertTrue(policies.allows(a, NetworkPolicies.Target.pod(b, 5701)), a + " → " + b + " Hazelcast");
                assertTrue(policies.allows(a, NetworkPolicies.Target.pod(b, 5702)), a + " → " + b + " event bus");
            }
            assertTrue(policies.allows(prometheus, NetworkPolicies.Target.pod(a, 9404)), "Prometheus scrapes " + a);
            assertFalse(policies.allows(stranger, NetworkPolicies.Target.pod(a, 9404)));
            assertFalse(policies.allows(ingress, NetworkPolicies.Target.pod(a, 5701)), "the ingress controller joins");
        }
        assertTrue(policies.allows(edge, NetworkPolicies.Target.pod(redis, 6379)));
        assertTrue(policies.allows(edge, NetworkPolicies.Target.pod(kafka, 9092)));
        assertTrue(policies.allows(edge, NetworkPolicies.Target.pod(ollama, 11434)));
        assertTrue(policies.allows(ollama, NetworkPolicies.Target.outside("104.18.32.47", 443)), "Ollama pulls models");

        assertFalse(policies.allows(stranger, NetworkPolicies.Target.pod(edge, 8080)), "HTTP from outside the Ingress");
        assertFalse(
                policies.allows(ingress, NetworkPolicies.Target.pod(gpu, 8080)), "GPU pods are not behind the Ingress");
        for (NetworkPolicies.Pod p : List.of(gpu, kafka, ollama, ingress, stranger)) {
            assertFalse(policies.allows(p, NetworkPolicies.Target.pod(redis, 6379)), p + " reaches Redis");
            // Redis itself refuses them too, should their own egress ever be opened.
            assertFalse(policies.admits(p, NetworkPolicies.Target.pod(redis, 6379)), "Redis takes " + p);
        }
        for (NetworkPolicies.Pod p : List.of(redis, kafka, ollama)) {
            for (NetworkPolicies.Pod q : ours) {
                for (int port : new int[] {5701, 5702, 6379, 8080, 9092, 11434}) {
                    if (p != q) {
                        assertFalse(
                                policies.allows(p, NetworkPolicies.Target.pod(q, port)), p + " → " + q + ":" + port);
                    }
                }
            }
        }
        assertFalse(policies.allows(gpu, NetworkPolicies.Target.pod(kafka, 9092)), "GPU pods need no Kafka");
        for (String inside : new String[] {"10.0.0.1", "172.20.0.1", "192.168.1.1", "169.254.169.254"}) {
            assertFalse(
                    policies.allows(ollama, NetworkPolicies.Target.outside(inside, 443)), "Ollama reaches " + inside);
        }
        assertFalse(
                policies.allows(edge, NetworkPolicies.Target.outside("104.18.32.47", 443)), "edges reach the internet");
    }

    private static HasMetadata all(String name) throws Exception {
        return manifests().stream()
                .filter(r -> podSpec(r) != null && r.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> labels(HasMetadata workload) {
        return workload instanceof Deployment d
                ? d.getSpec().getTemplate().getMetadata().getLabels()
                : ((StatefulSet) workload).getSpec().getTemplate().getMetadata().getLabels();
    }

    /**
     * Loads a YAML document the way Compose does: merge keys ({@code <<: *anchor}) expanded, then as JSON, which is
     * what the Compose specification's schema describes.
     */
    private static JsonObject composeDocument(String yaml) {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return new JsonObject(Json.encode(loaded));
    }

    private static Validator composeSpecValidator() {
        try (InputStream in = DeploymentFilesTest.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
            JsonObject schema = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            // The schema declares draft 2019-09 but still labels itself and its sub-schemas with draft-4 "id" strings
            // that name their own JSON pointer. 2019-09 gives "id" no meaning; the validator would take them as base
            // URIs and lose its way, so they are dropped before the schema is read.
            dropDraft4Ids(schema);
            // Compose's "duration" is Go's duration syntax; JSON Schema's built-in format of that name is ISO 8601,
            // which
            // the validator always applies. The format is renamed to what Compose means and checked by its own rule.
            JsonObject composeSchema = new JsonObject(schema.encode()
                    .replace("\"format\":\"duration\"", "\"format\":\"" + COMPOSE_DURATION_FORMAT + "\""));
            return Validator.create(
                    JsonSchema.of(composeSchema),
                    new JsonSchemaOptions()
                            .setDraft(Draft.DRAFT201909)
                            .setBaseUri("https://palmreader.invalid/compose-spec.json")
                            .setOutputFormat(OutputFormat.Basic),
                    DeploymentFilesTest::composeFormat);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Compose's durations are Go's ({@code 20s}, {@code 1m30s}), not the ISO 8601 ones JSON Schema means. */
    private static final Pattern COMPOSE_DURATION = Pattern.compile("(\\d+(\\.\\d+)?(ns|us|\u00b5s|ms|s|m|h))+");

    private static final String COMPOSE_DURATION_FORMAT = "compose-duration";

    private static final Validator COMPOSE_SPEC = composeSpecValidator();

    private static String composeFormat(String instanceType, String format, Object instance) {
        if (COMPOSE_DURATION_FORMAT.equals(format) && instance instanceof String text) {
            return COMPOSE_DURATION.matcher(text).matches() ? null : "not a Compose duration: " + text;
        }
        return JsonFormatValidator.DEFAULT_VALIDATOR.validateFormat(instanceType, format, instance);
    }

    private static void dropDraft4Ids(Object node) {
        if (node instanceof JsonObject object) {
            if (object.getValue("id") instanceof String) {
                object.remove("id");
            }
            object.forEach(entry -> dropDraft4Ids(entry.getValue()));
        } else if (node instanceof JsonArray array) {
            array.forEach(DeploymentFilesTest::dropDraft4Ids);
        }
    }

    private static List<String> specViolations(JsonObject compose) {
        OutputUnit result = COMPOSE_SPEC.validate(compose);
        List<String> violations = new ArrayList<>();
        if (!result.getValid()) {
            List<OutputUnit> errors = result.getErrors() == null ? List.of(result) : result.getErrors();
            errors.forEach(e -> violations.add(e.getInstanceLocation() + ": " + e.getError()));
        }
        return violations;
    }

    @Test
    @DisplayName("the Compose file is valid against the Compose Specification's schema")
    void composeMatchesSpecification() throws Exception {
        JsonObject compose = composeDocument(Files.readString(COMPOSE.resolve("compose.yaml")));
        assertEquals(List.of(), specViolations(compose));
    }

    @Test
    @DisplayName("the schema check refuses what Compose would refuse")
    void composeSpecificationCatchesMistakes() throws Exception {
        String good = Files.readString(COMPOSE.resolve("compose.yaml"));
        JsonObject unknownKey = composeDocument(good);
        unknownKey.getJsonObject("services").getJsonObject("redis").put("restart_policy", "always");
        assertFalse(specViolations(unknownKey).isEmpty(), "unknown service key");
        JsonObject wrongType = composeDocument(good);
        wrongType.getJsonObject("services").getJsonObject("balancer").put("ports", "8080:8080");
        assertFalse(specViolations(wrongType).isEmpty(), "ports must be a list");
        JsonObject badDevice = composeDocument(good);
        badDevice
                .getJsonObject("services")
                .getJsonObject("gpu")
                .getJsonObject("deploy")
                .getJsonObject("resources")
                .getJsonObject("reservations")
                .getJsonArray("devices")
                .getJsonObject(0)
                .put("count", List.of(1));
        assertFalse(specViolations(badDevice).isEmpty(), "device count must be a number or 'all'");
        JsonObject badDuration = composeDocument(good);
        badDuration.getJsonObject("services").getJsonObject("edge1").put("stop_grace_period", "twenty seconds");
        assertFalse(specViolations(badDuration).isEmpty(), "durations are Go durations");
    }

    @Test
    @DisplayName(
            "the Compose file has the services, GPU reservations, probes and ports it promises; Prometheus scrapes them")
    void compose() throws Exception {
        JsonObject services = composeDocument(Files.readString(COMPOSE.resolve("compose.yaml")))
                .getJsonObject("services");
        for (String s : new String[] {
            "edge1", "edge2", "gpu", "balancer", "ollama", "ollama-pull", "redis", "kafka", "prometheus", "grafana"
        }) {
            assertNotNull(services.getJsonObject(s), "service " + s);
        }
        for (String s : new String[] {"gpu", "ollama"}) {
            JsonObject device = services.getJsonObject(s)
                    .getJsonObject("deploy")
                    .getJsonObject("resources")
                    .getJsonObject("reservations")
                    .getJsonArray("devices")
                    .getJsonObject(0);
            assertEquals("nvidia", device.getString("driver"), s);
            assertEquals("gpu", device.getJsonArray("capabilities").getString(0), s);
        }
        // The Palmreader nodes share one definition through a merge key: each must come out with it in full.
        for (String s : new String[] {"edge1", "edge2", "gpu"}) {
            JsonObject node = services.getJsonObject(s);
            assertNotNull(node.getJsonObject("build"), s + " build");
            assertEquals("20s", node.getString("stop_grace_period"), s + " drains before it is killed");
            assertNotNull(node.getJsonObject("environment"), s + " environment");
            assertEquals(
                    "true",
                    String.valueOf(node.getJsonObject("environment").getValue("PALMREADER_CLUSTER_ENABLED")),
                    s + " clustered");
        }
        assertEquals(
                "8080:8080",
                services.getJsonObject("balancer").getJsonArray("ports").getString(0));
        JsonObject prometheus = composeDocument(Files.readString(COMPOSE.resolve("prometheus.yml")));
        List<String> targets = new ArrayList<>();
        prometheus
                .getJsonArray("scrape_configs")
                .getJsonObject(0)
                .getJsonArray("static_configs")
                .getJsonObject(0)
                .getJsonArray("targets")
                .forEach(t -> targets.add((String) t));
        assertEquals(List.of("edge1:9404", "edge2:9404", "gpu:9404"), targets);
        String nginx = Files.readString(COMPOSE.resolve("nginx.conf"));
        assertFalse(nginx.contains(":9404;"), "the balancer never routes to the metrics port");
        assertTrue(nginx.contains("X-Forwarded-For"), "the balancer names the client");
        assertEquals(
                "127.0.0.1:9090:9090",
                services.getJsonObject("prometheus").getJsonArray("ports").getString(0));
        assertEquals(
                "127.0.0.1:3000:3000",
                services.getJsonObject("grafana").getJsonArray("ports").getString(0));
        assertTrue(services.getJsonObject("redis").getJsonArray("command").contains("--maxmemory"));
    }

    private static final List<String> NODES = List.of("edge1", "edge2", "gpu");

    @Test
    @DisplayName("Compose runs the event bus over TLS with certificates mounted read-only, the cluster on its own "
            + "network at fixed addresses, and the cluster's name from secret.env")
    void composeCluster() throws Exception {
        JsonObject compose = composeDocument(Files.readString(COMPOSE.resolve("compose.yaml")));
        JsonObject services = compose.getJsonObject("services");
        JsonObject clusterNet = compose.getJsonObject("networks").getJsonObject("cluster");
        assertEquals(Boolean.TRUE, clusterNet.getBoolean("internal"), "the cluster network reaches nothing outside");
        String subnet = clusterNet
                .getJsonObject("ipam")
                .getJsonArray("config")
                .getJsonObject(0)
                .getString("subnet");
        List<String> addresses = new ArrayList<>();
        for (String s : NODES) {
            JsonObject node = services.getJsonObject(s);
            JsonObject env = node.getJsonObject("environment");
            String address =
                    node.getJsonObject("networks").getJsonObject("cluster").getString("ipv4_address");
            assertTrue(NetworkPolicies.inCidr(subnet, address), s + " " + address + " in " + subnet);
            // Hazelcast and the event bus bind cluster.host alone (ClusterConfigTest): the cluster network's address.
            assertEquals(address, env.getString("PALMREADER_CLUSTER_HOST"), s + " binds its cluster address");
            addresses.add(address + ":5701");
            for (String key : new String[] {
                "PALMREADER_CLUSTER_TLS_CERT_PATH",
                "PALMREADER_CLUSTER_TLS_KEY_PATH",
                "PALMREADER_CLUSTER_TLS_TRUST_PATH"
            }) {
                String path = env.getString(key);
                assertNotNull(path, s + " " + key);
                JsonObject mount = node.getJsonArray("volumes").stream()
                        .filter(v -> v instanceof JsonObject)
                        .map(JsonObject.class::cast)
                        .filter(v -> path.equals(v.getString("target")))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(s + " mounts " + path));
                assertEquals("bind", mount.getString("type"));
                assertTrue(mount.getString("source").startsWith("./cluster-tls/"), mount.encode());
                assertEquals(Boolean.TRUE, mount.getBoolean("read_only"), s + " mounts " + path + " read-only");
                // A missing file stops Compose instead of becoming an empty directory the node cannot read.
                assertEquals(Boolean.FALSE, mount.getJsonObject("bind").getBoolean("create_host_path"), mount.encode());
            }
            assertFalse(env.containsKey("PALMREADER_CLUSTER_NAME"), s + ": the cluster's name is not in compose.yaml");
            assertEquals("secret.env", node.getValue("env_file"), s + " reads secret.env");
        }
        for (String s : NODES) {
            assertEquals(
                    String.join(",", addresses),
                    services.getJsonObject(s).getJsonObject("environment").getString("PALMREADER_CLUSTER_MEMBERS"));
        }
        for (String s : services.fieldNames()) {
            JsonObject service = services.getJsonObject(s);
            Object networks = service.getValue("networks");
            boolean onCluster = networks instanceof JsonObject o
                    ? o.containsKey("cluster")
                    : networks instanceof JsonArray a && a.contains("cluster");
            assertEquals(NODES.contains(s), onCluster, s + " on the cluster network");
            JsonArray ports = service.getJsonArray("ports", new JsonArray());
            assertTrue(
                    ports.stream().noneMatch(p -> String.valueOf(p).matches(".*:570[12]$")), s + " publishes " + ports);
        }
        // The balancer alone is believed about the client's address.
        String balancer = services.getJsonObject("balancer")
                .getJsonObject("networks")
                .getJsonObject("front")
                .getString("ipv4_address");
        assertEquals(
                balancer + "/32",
                services.getJsonObject("edge1")
                        .getJsonObject("environment")
                        .getString("PALMREADER_HTTP_TRUSTED_PROXIES"));
        assertTrue(Files.readString(COMPOSE.resolve("secret.env.example")).contains("\nPALMREADER_CLUSTER_NAME=\n"));
        String ignored = Files.readString(Path.of(".gitignore"));
        assertTrue(
                ignored.contains("\ndeploy/compose/secret.env\n")
                        && ignored.contains("\ndeploy/compose/cluster-tls/\n"),
                "secret.env and the certificates are never committed");
    }

    @Test
    @DisplayName("every Compose container drops all capabilities, cannot gain privileges, runs as a user and, but for "
            + "Kafka, on a read-only root; Ollama keeps its home and models on its volume")
    void composeHardening() throws Exception {
        JsonObject services = composeDocument(Files.readString(COMPOSE.resolve("compose.yaml")))
                .getJsonObject("services");
        for (String s : services.fieldNames()) {
            JsonObject service = services.getJsonObject(s);
            assertEquals(
                    List.of("ALL"),
                    service.getJsonArray("cap_drop", new JsonArray()).getList(),
                    s + " drops ALL");
            assertTrue(
                    service.getJsonArray("security_opt", new JsonArray()).contains("no-new-privileges:true"),
                    s + " no-new-privileges");
            assertEquals(!WRITABLE_ROOT.contains(s), service.getBoolean("read_only", false), s + " read-only root");
            if (service.containsKey("image")) {
                assertPinned(service.getString("image"), s);
            }
            if (NODES.contains(s)) {
                // The user is the image's (USER in the Dockerfile, checked below); /tmp is where native libraries go.
                assertTrue(
                        service.getJsonArray("tmpfs").getString(0).matches("/tmp:exec,.*"), s + " /tmp for libraries");
            } else {
                String user = service.getString("user", "");
                assertTrue(
                        user.matches("[1-9][0-9]*(:[0-9]+)?"), s + " runs as a numbered non-root user: '" + user + "'");
            }
        }
        JsonObject ollama = services.getJsonObject("ollama");
        String models = ollama.getJsonArray("volumes").getString(0);
        assertTrue(models.matches("[a-z-]+:/models"), models);
        assertEquals("/models", ollama.getJsonObject("environment").getString("HOME"));
        assertTrue(
                ollama.getJsonObject("environment").getString("OLLAMA_MODELS").startsWith("/models/"));
        assertEquals("ollama", ollama.getJsonObject("build").getString("target"));
    }

    @Test
    @DisplayName("the image: exact base versions, the jar root's and read-only, the node a user of its own")
    void dockerfile() throws Exception {
        List<String> lines = Files.readAllLines(COMPOSE.resolve("Dockerfile"));
        Set<String> stages = new TreeSet<>();
        String lastUser = null;
        boolean jarReadOnly = false;
        boolean jarRootOwned = false;
        for (String line : lines) {
            Matcher from = Pattern.compile("FROM (\\S+)(?: AS (\\S+))?").matcher(line);
            if (from.matches()) {
                String image = from.group(1);
                if (!image.startsWith("runtime-")) {
                    assertPinned(image, "FROM");
                }
                if (from.group(2) != null) {
                    stages.add(from.group(2));
                }
                lastUser = null;
            }
            if (line.startsWith("USER ")) {
                lastUser = line.substring(5).trim();
            }
            jarReadOnly |= line.contains("chmod 0444 palmreader.jar");
            jarRootOwned |= line.matches("COPY --from=build --chown=root:root /src/palmreader.jar .*");
        }
        assertTrue(stages.containsAll(List.of("build", "ollama", "runtime-cpu", "runtime-gpu")), stages.toString());
        assertEquals("10001:10001", lastUser, "the node runs as user 10001");
        assertTrue(jarReadOnly && jarRootOwned, "the jar is root's and read-only");
        assertTrue(
                String.join("\n", lines).contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"),
                "native libraries unpack into /tmp, so the root filesystem may be read-only");
    }

    @Test
    @DisplayName("every metric the Grafana dashboard queries is exported by a running node")
    void dashboardMetricsExist() throws Exception {
        JsonObject dashboard = new JsonObject(Files.readString(COMPOSE.resolve("grafana/dashboards/palmreader.json")));
        Set<String> wanted = new TreeSet<>();
        Pattern name = Pattern.compile("palmreader_[a-z_]+");
        for (Object panel : dashboard.getJsonArray("panels")) {
            for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
                Matcher m = name.matcher(((JsonObject) target).getString("expr"));
                while (m.find()) {
                    wanted.add(m.group());
                }
            }
        }
        assertFalse(wanted.isEmpty());
        // An unreachable broker still registers the event log's meters.
        try (NodeExtension node = NodeExtension.node(
                                new JsonObject().put("kafka", new JsonObject().put("bootstrap", "127.0.0.1:1")))
                        .start();
                SessionClient s = SessionClient.connect(node.vertx(), node.port())) {
            s.next("welcome", 5000);
            for (int seq = 1; seq <= 2; seq++) {
                s.sendFrame(seq, GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg"));
                s.next("hands", 30_000);
            }
            s.sendText(new JsonObject().put("type", "ask").put("text", "hi").encode());
            s.next("ai_error", 10_000);
            // Device memory is sampled by GPU workers only: registered here as one does, so its names are checked too.
            PalmreaderMetrics.get().deviceMemory("test/gpu-0", 0, "test device", 1L << 30, 2L << 30);
            // A query names a series as exported (a histogram's _bucket, a counter's _total): each must be one exactly.
            Set<String> exported = node.metrics().names();
            for (String metric : wanted) {
                assertTrue(exported.contains(metric), "the dashboard queries " + metric + ", which /metrics lacks");
            }
        }
    }
}
