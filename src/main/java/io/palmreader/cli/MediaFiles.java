package io.palmreader.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Expands command-line paths into the image and video files to analyze. */
final class MediaFiles {

    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");
    static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "m4v", "mov", "mkv", "webm", "avi", "y4m");

    private MediaFiles() {}

    /**
     * Files named directly are kept whatever their extension (and fail later if unreadable); folders are walked
     * recursively for images and videos, in name order. A path that does not exist is kept too, so it is reported.
     */
    static List<Path> expand(List<String> paths) {
        List<Path> files = new ArrayList<>();
        for (String p : paths) {
            Path path = Path.of(p);
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(Files::isRegularFile)
                            .filter(f -> isImage(f) || isVideo(f))
                            .sorted()
                            .forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list " + path, e);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    static boolean isImage(Path file) {
        return IMAGE_EXTENSIONS.contains(extension(file));
    }

    static boolean isVideo(Path file) {
        return VIDEO_EXTENSIONS.contains(extension(file));
    }

    static String extension(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
