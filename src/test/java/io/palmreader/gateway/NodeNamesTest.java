package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Node and worker names reach clients only with observability.exposeNodeNames")
class NodeNamesTest {

    private static final String NODE_ID = "pod-7f3a9c";

    /** What one session hears: welcome, the assistant's status, a frame's hands, an answer, stats. */
    private record Heard(JsonObject welcome, JsonObject hands, JsonObject done, List<JsonObject> all) {}

    /** A node named {@link #NODE_ID} with echo inference and a test Ollama; {@code observability} as given. */
    private static NodeExtension named(JsonObject observability) {
        return NodeExtension.node(new JsonObject()
                        .put("node", new JsonObject().put("id", NODE_ID))
                        .put("inference", new JsonObject().put("mode", "echo"))
                        .put("session", new JsonObject().put("statsIntervalMs", 100))
                        .put("observability", observability))
                .withOllama();
    }

    @RegisterExtension
    static final NodeExtension hidden = named(new JsonObject());

    @RegisterExtension
    static final NodeExtension shown = named(new JsonObject().put("exposeNodeNames", true));

    /** What one session with {@code node} hears. */
    private static Heard session(NodeExtension node) throws Exception {
        try (SessionClient s = SessionClient.connect(node.vertx(), node.port())) {
            List<JsonObject> all = new ArrayList<>();
            JsonObject welcome = s.next("welcome", 5000);
            all.add(welcome);
            all.add(s.next("assistant", 5000));
            s.sendFrame(1, GatewayTestAccess.photo("hands/thumbs_up/mpsamples_hand_thumb_up.jpg"));
            JsonObject hands = s.next("hands", 30_000);
            all.add(hands);
            s.sendText(new JsonObject()
                    .put("type", "ask")
                    .put("text", "Which node is this?")
                    .encode());
            JsonObject ai;
            do {
                ai = s.next("ai", 10_000);
                all.add(ai);
            } while (!ai.getBoolean("done"));
            all.add(s.next("stats", 5000));
            all.addAll(s.skipped());
            return new Heard(welcome, hands, ai, all);
        }
    }

    @Test
    @DisplayName("by default no message names the node or the worker: welcome, hands, answers, status, stats")
    void hiddenByDefault() throws Exception {
        Heard heard = session(hidden);
        assertFalse(
                heard.welcome().getJsonObject("capabilities").containsKey("node"),
                heard.welcome().encode());
        assertFalse(heard.hands().containsKey("worker"), heard.hands().encode());
        assertFalse(heard.done().containsKey("node"), heard.done().encode());
        for (JsonObject m : heard.all()) {
            assertFalse(m.encode().contains(NODE_ID), "a client is told the node's name: " + m.encode());
        }
    }

    @Test
    @DisplayName("with observability.exposeNodeNames the welcome, each hands and a finished answer name them")
    void shownWhenAsked() throws Exception {
        Heard heard = session(shown);
        assertEquals(NODE_ID, heard.welcome().getJsonObject("capabilities").getString("node"));
        assertTrue(
                heard.hands().getString("worker").startsWith(NODE_ID + "/"),
                heard.hands().encode());
        assertEquals(NODE_ID, heard.done().getString("node"), heard.done().encode());
    }
}
