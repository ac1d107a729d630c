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
  @DisplayName("a counting window counts up and reports the time left; an expired value is gone")
  void windowsAndExpiry() {
    long[] first = store.count("w", 60_000).result();
    long[] second = store.count("w", 60_000).result();
    assertEquals(1, first[0]);
    assertEquals(2, second[0]);
    assertTrue(second[1] > 59_000 && second[1] <= 60_000);
    store.set("short", "v", 1);
    now.addAndGet(5);
    assertNull(store.get("short").result());
    store.count("w2", 1);
    now.addAndGet(5);
    assertEquals(1, store.count("w2", 60_000).result()[0], "a new window after expiry");
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
