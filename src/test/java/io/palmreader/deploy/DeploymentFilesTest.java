package io.palmreader.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
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
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
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

@DisplayName("Deployment files parse into what they claim, and the dashboard asks for metrics that exist")
class DeploymentFilesTest {

  private static final Path K8S = Path.of("deploy", "k8s");
  private static final Path COMPOSE = Path.of("deploy", "compose");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

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
    for (String expected : new String[] {"Namespace/palmreader", "ConfigMap/palmreader", "Secret/palmreader",
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
    JsonNode kustomization = YAML.readTree(K8S.resolve("kustomization.yaml").toFile());
    for (JsonNode resource : kustomization.get("resources")) {
      assertTrue(Files.isRegularFile(K8S.resolve(resource.asText())), "kustomization lists " + resource);
    }
  }

  @Test
  @DisplayName("the Compose file has the services, GPU reservations and ports it promises; Prometheus scrapes them")
  void compose() throws Exception {
    JsonNode compose = YAML.readTree(COMPOSE.resolve("compose.yaml").toFile());
    JsonNode services = compose.get("services");
    for (String s : new String[] {"edge1", "edge2", "gpu", "balancer", "ollama", "ollama-pull", "redis", "kafka",
        "prometheus", "grafana"}) {
      assertNotNull(services.get(s), "service " + s);
    }
    for (String s : new String[] {"gpu", "ollama"}) {
      JsonNode device = services.get(s).at("/deploy/resources/reservations/devices/0");
      assertEquals("nvidia", device.get("driver").asText(), s);
      assertEquals("gpu", device.get("capabilities").get(0).asText(), s);
    }
    assertEquals("8080:8080", services.get("balancer").get("ports").get(0).asText());
    JsonNode prometheus = YAML.readTree(COMPOSE.resolve("prometheus.yml").toFile());
    List<String> targets = new ArrayList<>();
    prometheus.at("/scrape_configs/0/static_configs/0/targets").forEach(t -> targets.add(t.asText()));
    assertEquals(List.of("edge1:8080", "edge2:8080", "gpu:8080"), targets);
  }

  @Test
  @DisplayName("every metric the Grafana dashboard queries is exported by a running node")
  void dashboardMetricsExist() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(COMPOSE.resolve("grafana/dashboards/palmreader.json").toFile());
    Set<String> wanted = new TreeSet<>();
    Pattern name = Pattern.compile("palmreader_[a-z_]+");
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        Matcher m = name.matcher(target.get("expr").asText());
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
