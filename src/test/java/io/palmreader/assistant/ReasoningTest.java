package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.gateway.SessionClient;
import io.palmreader.testing.NodeExtension;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("assistant.reasoning=stream: a reasoning model's thoughts reach the client marked, apart from the answer")
class ReasoningTest {

    private static final List<String> THOUGHTS = List.of("The user waves.", " I should greet.");

    private static final FakeOpenAi openAi = FakeOpenAi.onOwnVertx();

    @RegisterExtension
    static final NodeExtension ollamaNode = NodeExtension.node(new JsonObject()
                    .put(
                            "assistant",
                            new JsonObject().put("reasoning", "stream").put("cacheTtlMs", 0)))
            .withOllama();

    @RegisterExtension
    static final NodeExtension openAiNode = NodeExtension.node(new JsonObject()
            .put(
                    "assistant",
                    new JsonObject()
                            .put("provider", "openai")
                            .put("baseUrl", openAi.url())
                            .put("model", "test-model")
                            .put("reasoning", "stream")
                            .put("cacheTtlMs", 0)));

    @AfterAll
    void closeServer() {
        openAi.close();
    }

    /** Asks once; the thoughts and the answer as the client got them, told apart by {@code thinking: true}. */
    private static String[] ask(NodeExtension node) throws Exception {
        try (SessionClient s = SessionClient.connect(node.vertx(), node.port())) {
            s.next("welcome", 5000);
            s.sendText(new JsonObject().put("type", "ask").put("text", "Hi").encode());
            StringBuilder thinking = new StringBuilder();
            StringBuilder answer = new StringBuilder();
            while (true) {
                JsonObject ai = s.next("ai", 10_000);
                if (ai.getBoolean("done")) {
                    return new String[] {thinking.toString(), answer.toString()};
                }
                if (ai.getBoolean("thinking", false)) {
                    assertEquals(0, answer.length(), "these thoughts all come before the answer");
                    thinking.append(ai.getString("delta"));
                } else {
                    answer.append(ai.getString("delta"));
                }
            }
        }
    }

    @Test
    @DisplayName(
            "Ollama: think is asked for, message.thinking arrives as ai with thinking: true, the answer holds none")
    void ollama() throws Exception {
        FakeOllama ollama = ollamaNode.ollama();
        ollama.thoughts = THOUGHTS;
        String[] got = ask(ollamaNode);
        assertEquals(String.join("", THOUGHTS), got[0]);
        assertEquals(String.join("", ollama.tokens), got[1]);
        assertEquals(true, ollama.requests.get(0).getBoolean("think"));
    }

    @Test
    @DisplayName("OpenAI-compatible: delta.reasoning_content and delta.reasoning arrive marked, the answer holds none")
    void openAi() throws Exception {
        for (String field : List.of("reasoning_content", "reasoning")) {
            openAi.reasoningField = field;
            openAi.thoughts = THOUGHTS;
            String[] got = ask(openAiNode);
            assertEquals(String.join("", THOUGHTS), got[0], field);
            assertEquals(String.join("", openAi.tokens), got[1], field);
        }
        assertTrue(openAi.requests.stream().noneMatch(b -> b.containsKey("think")));
        assertFalse(openAi.requests.get(1).getJsonArray("messages").encode().contains("greet"));
    }
}
