package io.palmreader.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName(
        "One configuration surface: each key read once, in a config record, and README's table lists exactly those")
class ConfigurationKeysTest {

    /** A read through {@link Settings}: {@code s.integer("session.maxFps", ...)}. */
    private static final Pattern READ = Pattern.compile(
            "\\.(?:string|integer|integerOrAuto|decimal|oneOf|bool|json|list)\\(\\s*\"([a-z]+\\.[A-Za-z]+)\"");

    private static final Pattern README_KEY = Pattern.compile("`([a-z]+\\.[A-Za-z]+)`");

    /** Key → the main source files that read it. */
    private static Map<String, Set<String>> keysRead() throws IOException {
        Map<String, Set<String>> reads = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src", "main", "java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = READ.matcher(Files.readString(f));
                while (m.find()) {
                    reads.computeIfAbsent(m.group(1), k -> new TreeSet<>())
                            .add(f.getFileName().toString());
                }
            }
        }
        return reads;
    }

    /** The keys in the first column of README's configuration table. */
    private static Set<String> readmeKeys() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int section = readme.indexOf("\n## Configuration");
        List<String> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : readme.substring(section).split("\n")) {
            if (line.startsWith("| `")) {
                inTable = true;
                rows.add(line.split("\\|")[1]);
            } else if (inTable && !line.startsWith("|")) {
                break; // the next table (the pipeline's own options) names no configuration keys
            }
        }
        Set<String> keys = new TreeSet<>();
        for (String cell : rows) {
            Matcher m = README_KEY.matcher(cell);
            while (m.find()) {
                keys.add(m.group(1));
            }
        }
        return keys;
    }

    @Test
    @DisplayName("every key is read in exactly one place, a capability's config record")
    void eachKeyReadOnceInAConfigRecord() throws IOException {
        Map<String, Set<String>> reads = keysRead();
        assertTrue(reads.size() > 50, "found the reads: " + reads.keySet());
        reads.forEach((key, files) -> {
            assertEquals(1, files.size(), key + " is read in " + files);
            assertTrue(files.iterator().next().endsWith("Config.java"), key + " is read in " + files);
        });
    }

    @Test
    @DisplayName("README's configuration table and the keys the code reads are the same set")
    void readmeListsExactlyTheKeysRead() throws IOException {
        Set<String> read = keysRead().keySet();
        Set<String> documented = readmeKeys();
        Set<String> undocumented = new TreeSet<>(read);
        undocumented.removeAll(documented);
        Set<String> unread = new TreeSet<>(documented);
        unread.removeAll(read);
        assertTrue(
                undocumented.isEmpty() && unread.isEmpty(),
                "read but not in README: " + undocumented + "; in README but never read: " + unread);
    }
}
