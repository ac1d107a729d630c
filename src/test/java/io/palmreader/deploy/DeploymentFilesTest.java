package io.palmreader.deploy;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;
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
import io.palmreader.node.Node;
import io.palmreader.observability.PalmreaderMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
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
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("kustomization.yaml")).toList()) {
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
  @DisplayName("every Kubernetes manifest is a typed object; Palmreader pods have probes and resources, GPU pods a GPU")
  void kubernetes() throws Exception {
    Map<String, HasMetadata> all = byKindAndName(manifests());
    for (String expected : new String[] {"Namespace/palmreader", "ConfigMap/palmreader",
        "Deployment/palmreader-edge", "Service/palmreader-edge", "HorizontalPodAutoscaler/palmreader-edge",
        "PodDisruptionBudget/palmreader-edge", "Deployment/palmreader-gpu", "Service/palmreader-cluster",
        "StatefulSet/ollama", "StatefulSet/kafka", "Deployment/redis", "Ingress/palmreader",
        "NetworkPolicy/palmreader-cluster"}) {
      assertTrue(all.containsKey(expected), "missing " + expected + " among " + new TreeSet<>(all.keySet()));
    }
    for (String name : new String[] {"palmreader-edge", "palmreader-gpu"}) {
      PodSpec pod = ((Deployment) all.get("Deployment/" + name)).getSpec().getTemplate().getSpec();
      Container c = pod.getContainers().get(0);
      assertEquals("/api/health/ready", c.getReadinessProbe().getHttpGet().getPath(), name);
      assertEquals("/api/health/live", c.getLivenessProbe().getHttpGet().getPath(), name);
      assertNotNull(c.getResources().getLimits().get("memory"), name + " memory limit");
      assertTrue(pod.getTerminationGracePeriodSeconds() >= 20, name + " has time to drain");
    }
    PodSpec gpu = ((Deployment) all.get("Deployment/palmreader-gpu")).getSpec().getTemplate().getSpec();
    assertEquals("1", gpu.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").getAmount());
    assertFalse(gpu.getTolerations().isEmpty());
    PodSpec ollama = ((StatefulSet) all.get("StatefulSet/ollama")).getSpec().getTemplate().getSpec();
    assertEquals("1", ollama.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").getAmount());
    assertEquals("None", ((io.fabric8.kubernetes.api.model.Service) all.get("Service/palmreader-cluster"))
        .getSpec().getClusterIP(), "a headless Service for discovery");
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
      PodSpec pod = resource instanceof Deployment d ? d.getSpec().getTemplate().getSpec()
          : resource instanceof StatefulSet st ? st.getSpec().getTemplate().getSpec() : null;
      if (pod == null) {
        continue;
      }
      String name = resource.getMetadata().getName();
      assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot(), name + " runs as non-root");
      assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType(), name + " seccomp");
      for (Container c : pod.getContainers()) {
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop(), name + " drops ALL");
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation(), name);
        assertNotNull(c.getResources().getLimits().get("memory"), name + " memory limit");
        assertFalse(c.getImage().endsWith(":latest") || !c.getImage().contains(":"), name + " pinned: " + c.getImage());
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
      for (Path f : files.toList()) {
        assertFalse(Files.readString(f).matches("(?s).*JWT_SECRET[:=] *[A-Za-z0-9+/=_-]{8,}.*"),
            f + " holds no secret value");
      }
    }
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
      // Compose's "duration" is Go's duration syntax; JSON Schema's built-in format of that name is ISO 8601, which
      // the validator always applies. The format is renamed to what Compose means and checked by its own rule.
      JsonObject composeSchema = new JsonObject(schema.encode().replace("\"format\":\"duration\"",
          "\"format\":\"" + COMPOSE_DURATION_FORMAT + "\""));
      return Validator.create(JsonSchema.of(composeSchema), new JsonSchemaOptions().setDraft(Draft.DRAFT201909)
          .setBaseUri("https://palmreader.invalid/compose-spec.json").setOutputFormat(OutputFormat.Basic),
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
    badDevice.getJsonObject("services").getJsonObject("gpu").getJsonObject("deploy").getJsonObject("resources")
        .getJsonObject("reservations").getJsonArray("devices").getJsonObject(0).put("count", List.of(1));
    assertFalse(specViolations(badDevice).isEmpty(), "device count must be a number or 'all'");
    JsonObject badDuration = composeDocument(good);
    badDuration.getJsonObject("services").getJsonObject("edge1").put("stop_grace_period", "twenty seconds");
    assertFalse(specViolations(badDuration).isEmpty(), "durations are Go durations");
  }

  @Test
  @DisplayName("the Compose file has the services, GPU reservations, probes and ports it promises; Prometheus scrapes them")
  void compose() throws Exception {
    JsonObject services = composeDocument(Files.readString(COMPOSE.resolve("compose.yaml"))).getJsonObject("services");
    for (String s : new String[] {"edge1", "edge2", "gpu", "balancer", "ollama", "ollama-pull", "redis", "kafka",
        "prometheus", "grafana"}) {
      assertNotNull(services.getJsonObject(s), "service " + s);
    }
    for (String s : new String[] {"gpu", "ollama"}) {
      JsonObject device = services.getJsonObject(s).getJsonObject("deploy").getJsonObject("resources")
          .getJsonObject("reservations").getJsonArray("devices").getJsonObject(0);
      assertEquals("nvidia", device.getString("driver"), s);
      assertEquals("gpu", device.getJsonArray("capabilities").getString(0), s);
    }
    // The Palmreader nodes share one definition through a merge key: each must come out with it in full.
    for (String s : new String[] {"edge1", "edge2", "gpu"}) {
      JsonObject node = services.getJsonObject(s);
      assertNotNull(node.getJsonObject("build"), s + " build");
      assertEquals("20s", node.getString("stop_grace_period"), s + " drains before it is killed");
      assertNotNull(node.getJsonObject("environment"), s + " environment");
      assertEquals("true", String.valueOf(node.getJsonObject("environment").getValue("PALMREADER_CLUSTER_ENABLED")),
          s + " clustered");
    }
    assertEquals("8080:8080", services.getJsonObject("balancer").getJsonArray("ports").getString(0));
    JsonObject prometheus = composeDocument(Files.readString(COMPOSE.resolve("prometheus.yml")));
    List<String> targets = new ArrayList<>();
    prometheus.getJsonArray("scrape_configs").getJsonObject(0).getJsonArray("static_configs").getJsonObject(0)
        .getJsonArray("targets").forEach(t -> targets.add((String) t));
    assertEquals(List.of("edge1:9404", "edge2:9404", "gpu:9404"), targets);
    String nginx = Files.readString(COMPOSE.resolve("nginx.conf"));
    assertFalse(nginx.contains(":9404;"), "the balancer never routes to the metrics port");
    assertTrue(nginx.contains("X-Forwarded-For"), "the balancer names the client");
    assertEquals("127.0.0.1:9090:9090", services.getJsonObject("prometheus").getJsonArray("ports").getString(0));
    assertEquals("127.0.0.1:3000:3000", services.getJsonObject("grafana").getJsonArray("ports").getString(0));
    assertTrue(services.getJsonObject("redis").getJsonArray("command").contains("--maxmemory"));
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
          wanted.add(m.group().replaceAll("_(bucket|sum|count)$", ""));
        }
      }
    }
    assertFalse(wanted.isEmpty());
    Vertx vertx = Node.createVertx();
    JsonObject config = new JsonObject().put("http", new JsonObject().put("port", 0).put("host", "127.0.0.1"))
        // An unreachable broker still registers the event log's meters.
        .put("kafka", new JsonObject().put("bootstrap", "127.0.0.1:1"));
    Node node = Node.start(vertx, config, "all").await(60, TimeUnit.SECONDS);
    try (SessionClient s = SessionClient.connect(vertx, GatewayTestAccess.port(vertx))) {
      s.next("welcome", 5000);
      for (int seq = 1; seq <= 2; seq++) {
        s.sendFrame(seq, GatewayTestAccess.photo("hands/victory/wasmedge_victory.jpg"));
        s.next("hands", 30_000);
      }
      s.sendText(new JsonObject().put("type", "ask").put("text", "hi").encode());
      s.next("ai_error", 10_000);
      // Device memory is sampled by GPU workers only: registered here as one does, so its names are checked too.
      PalmreaderMetrics.get().deviceMemory("test/gpu-0", 0, "test device", 1L << 30, 2L << 30);
      var http = vertx.createHttpClient();
      String metrics = http.request(HttpMethod.GET, GatewayTestAccess.port(vertx), "127.0.0.1", "/metrics")
          .compose(r -> r.send().compose(resp -> resp.body())).map(Object::toString).await(10, TimeUnit.SECONDS);
      for (String metric : wanted) {
        assertTrue(metrics.contains(metric), "the dashboard queries " + metric + ", which /metrics lacks");
      }
    } finally {
      node.stop().await(30, TimeUnit.SECONDS);
    }
  }
}
