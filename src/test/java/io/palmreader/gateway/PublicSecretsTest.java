package io.palmreader.gateway;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.palmreader.config.ConfigException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Secrets: too short or published in the project's files, a node refuses them")
class PublicSecretsTest {

  /** A secret value assigned in a file: {@code JWT_SECRET: value}, {@code "jwtSecret": "value"}, ... */
  private static final Pattern ASSIGNED = Pattern.compile(
      "(?i)(?:jwt_?secret)[\"']?\\s*[:=]\\s*[\"']?([A-Za-z0-9+/=_.\\-]{8,})");

  @Test
  @DisplayName("the old placeholder, a short secret: refused with a clear message; a random one is taken")
  void refusals() {
    ConfigException placeholder = assertThrows(ConfigException.class,
        () -> PublicSecrets.refuseWeak("replace-with-a-random-secret-of-32-or-more-characters"));
    assertTrue(placeholder.getMessage().contains("written in Palmreader's own files"), placeholder.getMessage());
    ConfigException shortOne = assertThrows(ConfigException.class, () -> PublicSecrets.refuseWeak("too-short"));
    assertTrue(shortOne.getMessage().contains("at least 32"), shortOne.getMessage());
    assertDoesNotThrow(() -> PublicSecrets.refuseWeak("q8Zx2m7P4v9L1kT6w3Rb0sYc5Nd8Hf2Ja7Ge4Uo1"));
  }

  @Test
  @DisplayName("every secret value written in docs, examples and deployment files is on the refused list")
  void publishedSecretsAreRefused() throws IOException {
    List<String> found = new ArrayList<>();
    for (Path root : List.of(Path.of("deploy"), Path.of("docs"), Path.of("scripts"), Path.of("README.md"),
        Path.of("SECURITY.md"), Path.of("web"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(Files::isRegularFile).filter(p -> !p.toString().contains("node_modules")).toList()) {
          String text;
          try {
            text = Files.readString(f);
          } catch (MalformedInputException binary) {
            continue;
          }
          Matcher m = ASSIGNED.matcher(text);
          while (m.find()) {
            found.add(f + ": " + m.group(1));
            String value = m.group(1);
            if (value.length() >= AccessConfig.MIN_SECRET_CHARS) {
              assertThrows(ConfigException.class, () -> PublicSecrets.refuseWeak(value), f + " publishes " + value);
            }
          }
        }
      }
    }
    System.out.println("secret values found in the project's files: " + found);
  }
}
