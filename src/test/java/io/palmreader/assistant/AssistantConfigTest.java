package io.palmreader.assistant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.ConfigException;
import io.palmreader.config.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("The assistant's provider settings: the ollama.* keys kept, assistant.* winning, the key hidden")
class AssistantConfigTest {

    private static AssistantConfig config(JsonObject assistant, JsonObject ollama) {
        return AssistantConfig.from(
                new Settings(new JsonObject().put("assistant", assistant).put("ollama", ollama)));
    }

    @Test
    @DisplayName("an Ollama deployment's ollama.url and ollama.model still choose the server and model")
    void ollamaKeysKept() {
        AssistantConfig c = config(
                new JsonObject(),
                new JsonObject().put("url", "http://ollama:11434/").put("model", "qwen3:1.7b"));
        assertEquals(Provider.OLLAMA, c.provider());
        assertEquals("http://ollama:11434", c.baseUrl().toString());
        assertEquals("qwen3:1.7b", c.model());
        assertNull(c.apiKey());
        AssistantConfig both = config(
                new JsonObject().put("baseUrl", "http://other:11434").put("model", "llama3.2:3b"),
                new JsonObject().put("url", "http://ollama:11434").put("model", "qwen3:1.7b"));
        assertEquals("http://other:11434", both.baseUrl().toString());
        assertEquals("llama3.2:3b", both.model());
    }

    @Test
    @DisplayName("openai needs assistant.baseUrl; a key is taken from assistant.apiKeyFile, never both ways at once")
    void openAiAndItsKey(@TempDir Path dir) throws Exception {
        assertThrows(ConfigException.class, () -> config(new JsonObject().put("provider", "openai"), new JsonObject()));
        Path file = dir.resolve("key");
        Files.writeString(file, "sk-from-a-file\n");
        AssistantConfig c = config(
                new JsonObject()
                        .put("provider", "openai")
                        .put("baseUrl", "http://vllm:8000/v1")
                        .put("apiKeyFile", file.toString()),
                new JsonObject());
        assertEquals("Bearer sk-from-a-file", c.apiKey().bearer());
        assertFalse(c.toString().contains("sk-from-a-file"), c.toString());
        ConfigException both = assertThrows(
                ConfigException.class,
                () -> config(
                        new JsonObject().put("apiKey", "sk-inline-key").put("apiKeyFile", file.toString()),
                        new JsonObject()));
        assertFalse(both.getMessage().contains("sk-inline-key"));
        ConfigException missing = assertThrows(
                ConfigException.class,
                () -> config(
                        new JsonObject().put("apiKeyFile", dir.resolve("none").toString()), new JsonObject()));
        assertTrue(missing.getMessage().contains("apiKeyFile"), missing.getMessage());
    }

    @Test
    @DisplayName("PALMREADER_ASSISTANT_API_KEY in the environment is assistant.apiKey")
    void keyFromTheEnvironment() {
        AssistantConfig c = AssistantConfig.from(new Settings(Settings.withEnvironment(
                new JsonObject(),
                Map.of(
                        "PALMREADER_ASSISTANT_PROVIDER", "openai",
                        "PALMREADER_ASSISTANT_BASE_URL", "https://api.example.com/v1",
                        "PALMREADER_ASSISTANT_API_KEY", "sk-from-the-environment"))));
        assertEquals(Provider.OPENAI, c.provider());
        assertEquals("https://api.example.com/v1", c.baseUrl().toString());
        assertEquals("Bearer sk-from-the-environment", c.apiKey().bearer());
    }
}
