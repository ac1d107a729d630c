package io.palmreader.eventlog;

import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The records waiting for Kafka, bounded in records and in bytes: past either bound the oldest are dropped, and
 * counted. Records handed to the producer still count against the record bound until Kafka takes them, and one that
 * Kafka refuses goes back to the front, in order. While Kafka is away one record at a time probes for its return; the
 * rest wait here, where they are counted. No I/O and no clock: the event log verticle hands out and reports back.
 * Used on one event loop: not thread-safe.
 */
final class EventBuffer {

    /** Records with the producer at most while Kafka takes them. */
    static final int MAX_IN_FLIGHT = 256;

    private final int capacity;
    private final long maxBytes;
    private final Deque<JsonObject> buffer = new ArrayDeque<>();
    /** The counted size of the records in {@link #buffer}. */
    private long bufferedBytes;

    private int inFlight;
    /** Newer records let in over capacity while older ones were with the producer: that many older ones go if they fail. */
    private int owedEvictions;

    private boolean connected;
    private long sent;
    private long dropped;

    /**
     * @param capacity records waiting at most ({@code kafka.bufferRecords}), those with the producer included
     * @param maxBytes their counted size at most ({@code kafka.bufferBytes}), see {@link #size(JsonObject)}
     */
    EventBuffer(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /**
     * A record's counted size: its value's JSON and a fixed allowance for the topic, the key and the deque. Counted
     * alike everywhere, so the bound in bytes holds whatever the records hold.
     */
    static long size(JsonObject record) {
        return record.getJsonObject("value").encode().length() + 64L;
    }

    /**
     * Takes a new record {@code {"topic", "key", "value"}}, dropping the oldest to make room; returns how many records
     * this dropped. A record that alone is larger than the buffer is the one dropped, and the others stay: emptying
     * the buffer for it would lose them and still not make it fit.
     */
    int add(JsonObject record) {
        long bytes = size(record);
        if (bytes > maxBytes) {
            dropped++;
            return 1;
        }
        long before = dropped;
        // Records handed to the producer count too: the buffer bounds everything not yet in Kafka.
        if (buffer.size() + inFlight - owedEvictions >= capacity) {
            if (buffer.isEmpty()) {
                // Everything older is with the producer: if one of those fails it is the one dropped, not this newer
                // one.
                owedEvictions++;
            } else {
                dropOldest();
            }
        }
        // Bounded in bytes too: a flood of long answers must not outgrow the heap while Kafka is away.
        while (!buffer.isEmpty() && bufferedBytes + bytes > maxBytes) {
            dropOldest();
        }
        buffer.addLast(record);
        bufferedBytes += bytes;
        return (int) (dropped - before);
    }

    private void dropOldest() {
        bufferedBytes -= size(buffer.removeFirst());
        dropped++;
    }

    /**
     * The oldest record, now with the producer; null when none may go now: none waits, or as many as may are already
     * in flight ({@value #MAX_IN_FLIGHT} while Kafka takes records, one while it is away).
     */
    JsonObject next() {
        if (buffer.isEmpty() || inFlight >= (connected ? MAX_IN_FLIGHT : 1)) {
            return null;
        }
        JsonObject record = buffer.removeFirst();
        bufferedBytes -= size(record);
        inFlight++;
        return record;
    }

    /** Kafka took a record in flight; true when that is Kafka accepting records again after refusing them. */
    boolean sent() {
        inFlight--;
        if (owedEvictions > 0) {
            owedEvictions--;
        }
        sent++;
        boolean back = !connected;
        connected = true;
        return back;
    }

    /**
     * Kafka refused a record in flight: it goes back to the front, in order, unless newer records already fill the
     * buffer, and Kafka counts as away. Returns how many records this dropped (0 or 1).
     */
    int refused(JsonObject record) {
        inFlight--;
        connected = false;
        if (owedEvictions == 0 && buffer.size() + inFlight < capacity && bufferedBytes + size(record) <= maxBytes) {
            buffer.addFirst(record);
            bufferedBytes += size(record);
            return 0;
        }
        owedEvictions = Math.max(0, owedEvictions - 1);
        dropped++;
        return 1;
    }

    /** Records waiting at most. */
    int capacity() {
        return capacity;
    }

    /** Whether Kafka took the last record it was handed. */
    boolean connected() {
        return connected;
    }

    /** Records waiting, not yet handed to the producer. */
    int buffered() {
        return buffer.size();
    }

    /** The counted size of the records waiting. */
    long bufferedBytes() {
        return bufferedBytes;
    }

    /** Records with the producer. */
    int inFlight() {
        return inFlight;
    }

    /** Records Kafka has taken. */
    long sentCount() {
        return sent;
    }

    /** Records dropped: the oldest when the buffer was full, or one too large for it. */
    long droppedCount() {
        return dropped;
    }
}
