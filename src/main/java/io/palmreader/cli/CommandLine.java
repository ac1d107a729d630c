package io.palmreader.cli;

import io.palmreader.vision.ComputeTarget;
import io.palmreader.vision.EngineOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A command's arguments split into {@code --options} (with or without a value) and positional operands. */
final class CommandLine {

  private final Map<String, String> options = new HashMap<>();
  private final List<String> operands = new ArrayList<>();

  /**
   * @param valued options that take a value ({@code --name VALUE} or {@code --name=VALUE})
   * @param flags  options that take none
   */
  CommandLine(String[] args, Set<String> valued, Set<String> flags) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.equals("--")) {
        operands.add(a);
        continue;
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (flags.contains(name)) {
        if (value != null) {
          throw new UsageException("--" + name + " takes no value");
        }
        options.put(name, "true");
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.length) {
            throw new UsageException("--" + name + " needs a value");
          }
          value = args[++i];
        }
        options.put(name, value);
      } else {
        throw new UsageException("unknown option --" + name);
      }
    }
  }

  boolean has(String name) {
    return options.containsKey(name);
  }

  String get(String name, String fallback) {
    return options.getOrDefault(name, fallback);
  }

  int getInt(String name, int fallback, int min, int max) {
    String v = options.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min || n > max) {
        throw new UsageException("--" + name + " must be between " + min + " and " + max + ", was " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a whole number, was '" + v + "'");
    }
  }

  /** The engine {@code --engine} (auto, tflite, opencv; default auto) chooses on {@code target}. */
  EngineOptions engine(ComputeTarget target, int threads) {
    try {
      return EngineOptions.choose(get("engine", "auto"), target, threads);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--" + e.getMessage());
    }
  }

  List<String> operands() {
    return operands;
  }
}
