package io.palmreader.eventlog;

import io.palmreader.config.Settings;

/**
 * Where the event log goes; keys under {@code kafka.} (README, Configuration).
 *
 * @param bootstrap     Kafka bootstrap servers; empty: the event log is off
 * @param bufferRecords records waiting for Kafka at most; past it the oldest are dropped and counted
 * @param bufferBytes   and their bytes at most (records of questions and answers can be large)
 * @param clientAddress how records name a client's address: {@code hash} (salted SHA-256: the same client links up,
 *                      its address does not show), {@code plain} or {@code none}
 * @param addressSalt   the salt of {@code hash}; the same on every node to link a client across them (default: a
 *                      random one per process)
 */
public record EventLogConfig(
        String bootstrap, int bufferRecords, long bufferBytes, String clientAddress, String addressSalt) {

    public static EventLogConfig from(Settings s) {
        String salt = s.string("eventlog.addressSalt", "");
        return new EventLogConfig(
                s.string("kafka.bootstrap", "").trim(),
                s.integer("kafka.bufferRecords", 10_000, 1, 10_000_000),
                s.integer("kafka.bufferBytes", 16 << 20, 1024, Integer.MAX_VALUE),
                s.oneOf("eventlog.clientAddress", "hash", "hash", "plain", "none"),
                salt.isEmpty() ? PROCESS_SALT : salt);
    }

    private static final String PROCESS_SALT = java.util.UUID.randomUUID().toString();

    /** A client's address as the event log may record it. */
    public String recordedAddress(String address) {
        return switch (clientAddress) {
            case "plain" -> address;
            case "none" -> null;
            default ->
                io.palmreader.config.Sha256.hex(addressSalt + "\n" + address).substring(0, 32);
        };
    }

    /** Whether the event log is on. */
    public boolean enabled() {
        return !bootstrap.isEmpty();
    }
}
