package io.palmreader.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@code /metrics} page in the Prometheus text format, parsed into samples: a sample's name is matched exactly,
 * never as a prefix or a substring of another's ({@code palmreader_frames} is no metric, though many start so).
 */
public final class ScrapedMetrics {

    /** One sample line: {@code name{label="value",...} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {}

    private final List<Sample> samples;

    private ScrapedMetrics(List<Sample> samples) {
        this.samples = samples;
    }

    /** Parses an exposition; comment lines ({@code # HELP}, {@code # TYPE}) and blank lines are skipped. */
    public static ScrapedMetrics parse(String exposition) {
        List<Sample> samples = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line.trim()));
            }
        }
        return new ScrapedMetrics(List.copyOf(samples));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space)) {
            name = line.substring(0, brace);
            rest = labels(line, brace + 1, labels);
        } else {
            name = line.substring(0, space);
            rest = space;
        }
        String[] tail = line.substring(rest).trim().split("\\s+");
        return new Sample(name, Map.copyOf(labels), Double.parseDouble(tail[0]));
    }

    /** Reads {@code k="v",...} from {@code from} up to the closing brace into {@code into}; returns the index past it. */
    private static int labels(String line, int from, Map<String, String> into) {
        int i = from;
        while (line.charAt(i) != '}') {
            int eq = line.indexOf('=', i);
            String key = line.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            for (; line.charAt(j) != '"'; j++) {
                char c = line.charAt(j);
                if (c == '\\') {
                    char next = line.charAt(++j);
                    value.append(next == 'n' ? '\n' : next);
                } else {
                    value.append(c);
                }
            }
            into.put(key, value.toString());
            i = j + 1;
            if (line.charAt(i) == ',') {
                i++;
            }
        }
        return i + 1;
    }

    /** The names of all samples. */
    public Set<String> names() {
        Set<String> names = new TreeSet<>();
        samples.forEach(s -> names.add(s.name()));
        return names;
    }

    /** Whether a sample is named exactly {@code name}. */
    public boolean has(String name) {
        return samples.stream().anyMatch(s -> s.name().equals(name));
    }

    /** The sum of the samples named {@code name} that carry every label of {@code labels} (none: all of them). */
    public double sum(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value)
                .sum();
    }

    /** The sum of every sample named {@code name}. */
    public double sum(String name) {
        return sum(name, Map.of());
    }

    /** How much the samples named {@code name} with {@code labels} grew since {@code earlier}, as a whole number. */
    public int increaseSince(ScrapedMetrics earlier, String name, Map<String, String> labels) {
        return (int) Math.round(sum(name, labels) - earlier.sum(name, labels));
    }
}
