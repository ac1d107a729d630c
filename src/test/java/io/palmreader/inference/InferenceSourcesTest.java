package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("inference leaves OpenCV to vision: the engines and the CUDA probe live there")
class InferenceSourcesTest {

    @Test
    @DisplayName("no source of the inference package uses OpenCV or JavaCPP directly")
    void noOpenCvInInference() throws IOException {
        List<String> usingOpenCv = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src", "main", "java", "io", "palmreader", "inference"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                if (Files.readString(f).contains("org.bytedeco")) {
                    usingOpenCv.add(f.getFileName().toString());
                }
            }
        }
        assertEquals(List.of(), usingOpenCv);
    }
}
