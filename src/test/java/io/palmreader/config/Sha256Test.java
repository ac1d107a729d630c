package io.palmreader.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("SHA-256 hex: one helper, the standard digest of the text's UTF-8 bytes")
class Sha256Test {

    @Test
    @DisplayName("gives FIPS 180-2's digests of 'abc' and of nothing, and digests non-ASCII text as UTF-8")
    void knownDigests() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Sha256.hex("abc"));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Sha256.hex(""));
        // The digest of C3 A9, "é" in UTF-8; ISO-8859-1's single byte E9 would give de2e331d….
        assertEquals("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", Sha256.hex("\u00e9"));
    }

    @Test
    @DisplayName("no other main class computes a SHA-256 of its own")
    void theOnlyOne() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            List<String> others = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.getFileName().toString().equals("Sha256.java"))
                    .filter(p -> read(p).contains("\"SHA-256\""))
                    .map(Path::toString)
                    .sorted()
                    .toList();
            assertEquals(List.of(), others, "use Sha256.hex");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
