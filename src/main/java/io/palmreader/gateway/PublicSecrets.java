package io.palmreader.gateway;

import io.palmreader.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Secrets nobody may sign tokens with: shorter than {@value AccessConfig#MIN_SECRET_CHARS} characters, or written
 * anywhere in this project's own files (docs, examples, deployment files, placeholders), where anyone can read them.
 * The latter are kept as SHA-256 digests in {@code /public-secrets.sha256}; a test keeps that list in step with the
 * files.
 */
final class PublicSecrets {

  private static final Set<String> DIGESTS = load();

  private PublicSecrets() {
  }

  /** @throws ConfigException when {@code secret} is too short or published */
  static void refuseWeak(String secret) {
    if (secret.length() < AccessConfig.MIN_SECRET_CHARS) {
      throw new ConfigException("auth.jwtSecret must be at least " + AccessConfig.MIN_SECRET_CHARS + " characters");
    }
    if (DIGESTS.contains(digest(secret))) {
      throw new ConfigException("auth.jwtSecret is a value written in Palmreader's own files (an example or "
          + "placeholder), which anyone can read: generate a random one (e.g. openssl rand -base64 48)");
    }
  }

  static String digest(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(secret.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  private static Set<String> load() {
    Set<String> digests = new HashSet<>();
    try (InputStream in = PublicSecrets.class.getResourceAsStream("/public-secrets.sha256")) {
      if (in == null) {
        throw new IllegalStateException("public-secrets.sha256 is not packaged");
      }
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        String d = line.strip();
        if (!d.isEmpty() && !d.startsWith("#")) {
          digests.add(d.split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read public-secrets.sha256", e);
    }
    return Set.copyOf(digests);
  }
}
