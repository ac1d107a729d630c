package io.palmreader.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The in-memory store behaves as the Redis one does")
class MemoryKeyValueStoreTest {

    private final java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000);
    private final MemoryKeyValueStore store = new MemoryKeyValueStore(now::get, 1000);

    @Test
    @DisplayName("lists keep their last entries, oldest first")
    void lists() {
        store.append("k", List.of("a", "b", "c"), 4, 60_000);
        store.append("k", List.of("d", "e"), 4, 60_000);
        assertEquals(List.of("b", "c", "d", "e"), store.tail("k", 10).result());
        assertEquals(List.of("d", "e"), store.tail("k", 2).result());
        assertEquals(List.of(), store.tail("missing", 2).result());
    }

    @Test
    @DisplayName("a token bucket allows its burst, then one token per period / capacity, and says how long to wait")
    void tokenBucket() {
        for (int i = 0; i < 4; i++) {
            assertEquals(0, store.acquire("b", 4, 60_000).result(), "the burst of four, token " + i);
        }
        assertEquals(15_000, store.acquire("b", 4, 60_000).result(), "a token comes back every 15 s");
        now.addAndGet(14_999);
        assertEquals(1, store.acquire("b", 4, 60_000).result(), "a refused take takes nothing");
        now.addAndGet(1);
        assertEquals(0, store.acquire("b", 4, 60_000).result());
        assertEquals(15_000, store.acquire("b", 4, 60_000).result());
        assertEquals(0, store.acquire("other", 4, 60_000).result(), "buckets are per key");
    }

    @Test
    @DisplayName("a bucket left alone refills to its capacity, no more, and is gone once full")
    void tokenBucketRefillsAndExpires() {
        for (int i = 0; i < 2; i++) {
            store.acquire("b", 2, 1000);
        }
        now.addAndGet(10_000);
        assertEquals(0, store.acquire("b", 2, 1000).result());
        assertEquals(0, store.acquire("b", 2, 1000).result());
        assertEquals(500, store.acquire("b", 2, 1000).result(), "ten idle seconds still make a burst of two");
        now.addAndGet(1001);
        assertEquals(0, store.size(), "a bucket full again expires");
    }

    @Test
    @DisplayName("an expired value is gone")
    void expiry() {
        store.set("short", "v", 1);
        now.addAndGet(5);
        assertNull(store.get("short").result());
    }

    @Test
    @DisplayName("a taken value is gone for the next reader; the store holds at most its size, oldest out first")
    void takeAndSizeCap() {
        store.set("once", "v", 60_000);
        assertEquals("v", store.take("once").result());
        assertNull(store.take("once").result());
        for (int i = 0; i < 3000; i++) {
            store.set("k" + i, "v", 60_000);
        }
        assertTrue(store.size() <= 1000, "size " + store.size());
    }
}
