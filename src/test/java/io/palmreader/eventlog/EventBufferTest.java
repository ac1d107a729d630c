package io.palmreader.eventlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The event log's buffer: bounded in records and bytes, the oldest dropped and counted, sent in order")
class EventBufferTest {

    /** Record {@code n}, {@code {"n": n}} as its value: 71 counted bytes for n below 10. */
    private static JsonObject record(int n) {
        return new JsonObject()
                .put("topic", EventLog.ANSWERS)
                .put("key", "s1")
                .put("value", new JsonObject().put("n", n));
    }

    private static int n(JsonObject record) {
        return record.getJsonObject("value").getInteger("n");
    }

    /** Hands out records until none may go, and returns their numbers. */
    private static List<Integer> drain(EventBuffer buffer) {
        List<Integer> out = new ArrayList<>();
        for (JsonObject r = buffer.next(); r != null; r = buffer.next()) {
            out.add(n(r));
        }
        return out;
    }

    /** A buffer that Kafka has taken one record from, so that it hands out many at once. */
    private static EventBuffer connected(int capacity, long maxBytes) {
        EventBuffer buffer = new EventBuffer(capacity, maxBytes);
        buffer.add(record(-1));
        buffer.next();
        assertTrue(buffer.sent(), "the first record taken is Kafka being there");
        return buffer;
    }

    @Test
    @DisplayName("past kafka.bufferRecords the oldest waiting record goes, one for each new one, and is counted")
    void boundedInRecords() {
        EventBuffer buffer = connected(3, 1 << 20);
        List<Integer> droppedByEach = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            droppedByEach.add(buffer.add(record(i)));
        }
        assertEquals(List.of(0, 0, 0, 1, 1), droppedByEach);
        assertEquals(3, buffer.buffered());
        assertEquals(2, buffer.droppedCount());
        assertEquals(List.of(2, 3, 4), drain(buffer), "the newest stay, oldest first");
    }

    @Test
    @DisplayName("past kafka.bufferBytes the oldest go until the new record fits; the bytes never exceed the bound")
    void boundedInBytes() {
        long one = EventBuffer.size(record(0));
        assertEquals(71, one);
        EventBuffer buffer = connected(100, 3 * one);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, buffer.add(record(i)));
        }
        assertEquals(3 * one, buffer.bufferedBytes());
        assertEquals(1, buffer.add(record(3)));
        JsonObject large = new JsonObject()
                .put("topic", EventLog.ANSWERS)
                .put("key", "s1")
                .put("value", new JsonObject().put("n", 4).put("answer", "x".repeat(59)));
        assertEquals(2 * one, EventBuffer.size(large));
        assertEquals(2, buffer.add(large), "a record twice the size makes room for itself");
        assertTrue(buffer.bufferedBytes() <= 3 * one, buffer.bufferedBytes() + " bytes");
        assertEquals(List.of(3, 4), drain(buffer));
        assertEquals(0, buffer.bufferedBytes());
        assertEquals(3, buffer.droppedCount());
    }

    @Test
    @DisplayName("a record larger than kafka.bufferBytes alone is dropped by itself: the records waiting stay")
    void oversizedRecordDropsOnlyItself() {
        long one = EventBuffer.size(record(0));
        EventBuffer buffer = connected(2, 3 * one);
        buffer.add(record(0));
        buffer.add(record(1));
        JsonObject huge = new JsonObject()
                .put("topic", EventLog.ANSWERS)
                .put("key", "s1")
                .put("value", new JsonObject().put("n", 9).put("answer", "x".repeat(1000)));
        assertEquals(1, buffer.add(huge));
        assertEquals(1, buffer.droppedCount());
        assertEquals(2 * one, buffer.bufferedBytes());
        assertEquals(List.of(0, 1), drain(buffer));
    }

    @Test
    @DisplayName("records with the producer count against the bound; if an older one then fails, it is the one dropped")
    void inFlightRecordsCount() {
        EventBuffer buffer = connected(2, 1 << 20);
        buffer.add(record(0));
        assertEquals(0, n(buffer.next()));
        buffer.add(record(1));
        assertEquals(1, buffer.add(record(2)), "one waiting and one in flight fill a buffer of two");
        assertEquals(List.of(2), drain(buffer));

        EventBuffer one = connected(1, 1 << 20);
        one.add(record(0));
        JsonObject inFlight = one.next();
        assertEquals(0, one.add(record(1)), "the newer record is let in over the bound");
        assertEquals(1, one.refused(inFlight), "the older one, refused, is dropped in its place");
        assertEquals(1, one.buffered());
        assertEquals(1, one.droppedCount());
        assertEquals(List.of(1), drain(one));
    }

    @Test
    @DisplayName("while Kafka is away one record at a time probes; a refused one goes back to the front")
    void oneProbeWhileAway() {
        EventBuffer buffer = new EventBuffer(10, 1 << 20);
        for (int i = 0; i < 5; i++) {
            buffer.add(record(i));
        }
        assertFalse(buffer.connected());
        JsonObject probe = buffer.next();
        assertEquals(0, n(probe));
        assertNull(buffer.next(), "one record at a time while Kafka has not taken any");
        assertEquals(0, buffer.refused(probe));
        assertEquals(5, buffer.buffered());
        assertEquals(List.of(0), drain(buffer), "the refused record is the next probe");
    }

    @Test
    @DisplayName("after an outage everything that waited is sent, oldest first, once Kafka takes the probe")
    void sentInOrderAfterAnOutage() {
        EventBuffer buffer = connected(10, 1 << 20);
        buffer.add(record(0));
        buffer.add(record(1));
        JsonObject first = buffer.next();
        JsonObject second = buffer.next();
        // Kafka goes away: both fail, the later one first, and each goes back to the front in order.
        assertEquals(0, buffer.refused(second));
        assertEquals(0, buffer.refused(first));
        assertFalse(buffer.connected());
        for (int i = 2; i < 6; i++) {
            buffer.add(record(i));
        }
        List<Integer> delivered = new ArrayList<>();
        JsonObject probe = buffer.next();
        delivered.add(n(probe));
        assertTrue(buffer.sent(), "the probe taken is Kafka back");
        List<Integer> rest = drain(buffer);
        assertEquals(5, rest.size(), "once back, all that waited go at once");
        delivered.addAll(rest);
        assertEquals(List.of(0, 1, 2, 3, 4, 5), delivered);
        for (int i = 0; i < rest.size(); i++) {
            assertFalse(buffer.sent());
        }
        assertEquals(7, buffer.sentCount());
        assertEquals(0, buffer.droppedCount());
        assertEquals(0, buffer.inFlight());
    }

    @Test
    @DisplayName("at most " + EventBuffer.MAX_IN_FLIGHT + " records are with the producer at once")
    void inFlightIsBounded() {
        EventBuffer buffer = connected(1000, 1 << 20);
        for (int i = 0; i < 300; i++) {
            buffer.add(record(i));
        }
        assertEquals(EventBuffer.MAX_IN_FLIGHT, drain(buffer).size());
        buffer.sent();
        assertEquals(List.of(EventBuffer.MAX_IN_FLIGHT), drain(buffer), "one taken, one more goes");
    }
}
