package io.palmreader.eventlog;

import io.palmreader.config.Settings;

/**
 * Where the event log goes; keys under {@code kafka.} (README, Configuration).
 *
 * @param bootstrap     Kafka bootstrap servers; empty: the event log is off
 * @param bufferRecords records waiting for Kafka at most; past it the oldest are dropped and counted
 */
public record EventLogConfig(String bootstrap, int bufferRecords) {

  public static EventLogConfig from(Settings s) {
    return new EventLogConfig(s.string("kafka.bootstrap", "").trim(), s.integer("kafka.bufferRecords", 10_000, 1,
        10_000_000));
  }

  /** Whether the event log is on. */
  public boolean enabled() {
    return !bootstrap.isEmpty();
  }
}
