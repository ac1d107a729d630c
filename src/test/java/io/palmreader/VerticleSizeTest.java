package io.palmreader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Verticles only wire: each fits in 150 lines, its logic in classes beneath it")
class VerticleSizeTest {

    private static final int MAX_LINES = 150;

    @Test
    @DisplayName("every *Verticle.java is at most 150 lines")
    void verticlesAreSmall() throws IOException {
        List<Path> verticles;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            verticles = files.filter(p -> p.getFileName().toString().endsWith("Verticle.java"))
                    .toList();
        }
        assertTrue(verticles.size() >= 5, "found the verticles: " + verticles);
        List<String> tooLong = verticles.stream()
                .filter(p -> lines(p) > MAX_LINES)
                .map(p -> p.getFileName() + " (" + lines(p) + " lines)")
                .toList();
        assertEquals(List.of(), tooLong);
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
