package io.palmreader.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A photo and its name relative to the folder it came from (the key in reference.json). */
record BenchPhoto(String key, byte[] bytes) {

    static List<BenchPhoto> load(List<String> paths) {
        List<BenchPhoto> photos = new ArrayList<>();
        for (String p : paths) {
            Path root = Path.of(p);
            for (Path file : MediaFiles.expand(List.of(p))) {
                if (!MediaFiles.isImage(file)) {
                    continue;
                }
                String key = Files.isDirectory(root)
                        ? root.relativize(file).toString()
                        : file.getFileName().toString();
                try {
                    photos.add(new BenchPhoto(key, Files.readAllBytes(file)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return photos;
    }

    static List<byte[]> bytes(List<BenchPhoto> photos) {
        return photos.stream().map(BenchPhoto::bytes).toList();
    }
}
