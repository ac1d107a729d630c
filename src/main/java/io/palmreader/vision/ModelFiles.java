package io.palmreader.vision;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where model files come from: a folder when one is given, else the jar's {@code /models/}. */
final class ModelFiles {

    /** Where models live inside the jar. */
    static final String CLASSPATH_FOLDER = "/models/";

    private ModelFiles() {}

    /**
     * The model file's bytes.
     *
     * @throws ModelLoadException naming the file when it is missing or unreadable
     */
    static byte[] read(Path folder, String file) {
        try {
            if (folder != null) {
                Path path = folder.resolve(file);
                if (!Files.isRegularFile(path)) {
                    throw new ModelLoadException("model file " + path.toAbsolutePath() + " does not exist");
                }
                return Files.readAllBytes(path);
            }
            try (InputStream in = ModelFiles.class.getResourceAsStream(CLASSPATH_FOLDER + file)) {
                if (in == null) {
                    throw new ModelLoadException("model " + file + " is not packaged under " + CLASSPATH_FOLDER);
                }
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model " + file + ": " + e.getMessage(), e);
        }
    }
}
