package io.palmreader.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Configuration: nested keys, PALMREADER_* variables, refusals that name the key")
class SettingsTest {

    @Test
    @DisplayName("PALMREADER_SECTION_SOME_KEY becomes section.someKey and overrides the file's value")
    void environment() {
        JsonObject file =
                new JsonObject().put("http", new JsonObject().put("port", 9000).put("host", "::"));
        JsonObject merged = Settings.withEnvironment(
                file,
                Map.of("PALMREADER_HTTP_PORT", "8081", "PALMREADER_SESSION_MAX_FRAME_BYTES", "2048", "HOME", "/root"));
        Settings s = new Settings(merged);
        assertEquals(8081, s.integer("http.port", 1, 0, 65535));
        assertEquals("::", s.string("http.host", "x"));
        assertEquals(2048, s.integer("session.maxFrameBytes", 1, 0, 1 << 20));
    }

    @Test
    @DisplayName("out-of-range, non-numeric and unknown choices fail with the key, the value and what is allowed")
    void refusals() {
        Settings s = new Settings(new JsonObject()
                .put("http", new JsonObject().put("port", 70000).put("host", "x"))
                .put("inference", new JsonObject().put("mode", "magic").put("workers", "two")));
        assertEquals(
                "http.port must be between 0 and 65535, was 70000",
                assertThrows(ConfigException.class, () -> s.integer("http.port", 1, 0, 65535))
                        .getMessage());
        assertEquals(
                "inference.mode must be one of model, echo, was 'magic'",
                assertThrows(ConfigException.class, () -> s.oneOf("inference.mode", "model", "model", "echo"))
                        .getMessage());
        assertEquals(
                "inference.workers must be a whole number, was 'two'",
                assertThrows(ConfigException.class, () -> s.integerOrAuto("inference.workers", 1, 1, 8))
                        .getMessage());
        assertEquals(3, new Settings(new JsonObject()).integerOrAuto("inference.workers", 3, 1, 8));
    }
}
