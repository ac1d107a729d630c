package io.palmreader.config;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Typed reads from the merged configuration, which is nested JSON ({@code {"http": {"port": 8080}}}). An
 * environment variable {@code PALMREADER_HTTP_PORT} is the key {@code http.port}; {@code PALMREADER_SESSION_MAX_FRAME_BYTES}
 * is {@code session.maxFrameBytes}: the first word names the section, the rest is the key in camel case.
 */
public final class Settings {

    public static final String ENV_PREFIX = "PALMREADER_";

    private final JsonObject json;

    public Settings(JsonObject json) {
        this.json = json;
    }

    /** Folds {@code PALMREADER_*} variables found among {@code flat}'s top-level keys into the nested form. */
    public static JsonObject withEnvironment(JsonObject merged, Map<String, Object> flat) {
        JsonObject out = merged.copy();
        for (Map.Entry<String, Object> e : flat.entrySet()) {
            if (!e.getKey().startsWith(ENV_PREFIX) || e.getValue() == null) {
                continue;
            }
            out.remove(e.getKey());
            String[] words = e.getKey()
                    .substring(ENV_PREFIX.length())
                    .toLowerCase(Locale.ROOT)
                    .split("_");
            if (words.length < 2) {
                continue;
            }
            StringBuilder key = new StringBuilder(words[1]);
            for (int i = 2; i < words.length; i++) {
                key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            JsonObject section = out.getJsonObject(words[0]);
            if (section == null) {
                section = new JsonObject();
                out.put(words[0], section);
            }
            section.put(key.toString(), String.valueOf(e.getValue()));
        }
        return out;
    }

    private Object raw(String key) {
        int dot = key.indexOf('.');
        JsonObject section = json.getJsonObject(key.substring(0, dot));
        return section == null ? null : section.getValue(key.substring(dot + 1));
    }

    public String string(String key, String fallback) {
        Object v = raw(key);
        return v == null ? fallback : String.valueOf(v);
    }

    public int integer(String key, int fallback, int min, int max) {
        return bounded(key, fallback, min, max, "a whole number", Integer::parseInt, Number::intValue);
    }

    /** A number, whole or not, within {@code min} and {@code max}. */
    public double decimal(String key, double fallback, double min, double max) {
        return bounded(key, fallback, min, max, "a number", Double::parseDouble, Number::doubleValue);
    }

    /** A number from a file's JSON or an environment variable's text, checked against its range. */
    private <N extends Number & Comparable<N>> N bounded(
            String key, N fallback, N min, N max, String kind, Function<String, N> parse, Function<Number, N> convert) {
        Object v = raw(key);
        if (v == null) {
            return fallback;
        }
        N value;
        try {
            value = v instanceof Number n
                    ? convert.apply(n)
                    : parse.apply(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be " + kind + ", was '" + v + "'");
        }
        // NaN compares above every number: refused as out of range.
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new ConfigException(key + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** A whole number, or {@code auto} (the fallback, usually derived from the cores). */
    public int integerOrAuto(String key, int auto, int min, int max) {
        Object v = raw(key);
        if (v == null || "auto".equalsIgnoreCase(String.valueOf(v).trim())) {
            return auto;
        }
        return integer(key, auto, min, max);
    }

    /** {@code true} or {@code false} (any case). */
    public boolean bool(String key, boolean fallback) {
        return oneOf(key, String.valueOf(fallback), "true", "false").equals("true");
    }

    /** A JSON object value (from a configuration file; environment variables cannot hold one), or an empty object. */
    public JsonObject json(String key) {
        Object v = raw(key);
        if (v == null) {
            return new JsonObject();
        }
        if (v instanceof JsonObject j) {
            return j.copy();
        }
        try {
            return new JsonObject(String.valueOf(v));
        } catch (RuntimeException e) {
            throw new ConfigException(key + " must be a JSON object, was '" + v + "'");
        }
    }

    /** A comma-separated list, trimmed, without empty items. */
    public java.util.List<String> list(String key) {
        java.util.List<String> items = new java.util.ArrayList<>();
        for (String item : string(key, "").split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return java.util.List.copyOf(items);
    }

    public String oneOf(String key, String fallback, String... allowed) {
        String v = string(key, fallback).trim().toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new ConfigException(key + " must be one of " + String.join(", ", allowed) + ", was '" + v + "'");
    }
}
