package io.palmreader.store;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The store in this process's memory: the default without Redis, and the fallback while Redis is down. Expired
 * entries are dropped when touched and by a sweep every thousand writes. Thread-safe (verticles of a node share it).
 */
public final class MemoryKeyValueStore implements KeyValueStore {

  private record Entry(Object value, long expiresAtMs) {
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final java.util.function.LongSupplier clock;

  public MemoryKeyValueStore() {
    this(System::currentTimeMillis);
  }

  /** A store whose time, in ms, comes from {@code clock}: the tests' way to let entries expire. */
  MemoryKeyValueStore(java.util.function.LongSupplier clock) {
    this.clock = clock;
  }
  private int writes;

  private Entry live(String key) {
    Entry e = entries.get(key);
    if (e != null && e.expiresAtMs() <= clock.getAsLong()) {
      entries.remove(key, e);
      return null;
    }
    return e;
  }

  private void sweepNowAndThen() {
    if (++writes % 1000 == 0) {
      long now = clock.getAsLong();
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        if (it.next().expiresAtMs() <= now) {
          it.remove();
        }
      }
    }
  }

  @Override
  public Future<String> get(String key) {
    Entry e = live(key);
    return Future.succeededFuture(e == null ? null : (String) e.value());
  }

  @Override
  public Future<Void> set(String key, String value, long ttlMs) {
    entries.put(key, new Entry(value, clock.getAsLong() + ttlMs));
    sweepNowAndThen();
    return Future.succeededFuture();
  }

  @Override
  @SuppressWarnings("unchecked")
  public synchronized Future<Void> append(String key, List<String> values, int max, long ttlMs) {
    Entry e = live(key);
    Deque<String> list = e == null ? new ArrayDeque<>() : new ArrayDeque<>((Deque<String>) e.value());
    list.addAll(values);
    while (list.size() > max) {
      list.removeFirst();
    }
    entries.put(key, new Entry(list, clock.getAsLong() + ttlMs));
    sweepNowAndThen();
    return Future.succeededFuture();
  }

  @Override
  @SuppressWarnings("unchecked")
  public Future<List<String>> tail(String key, int count) {
    Entry e = live(key);
    if (e == null) {
      return Future.succeededFuture(List.of());
    }
    List<String> all = new ArrayList<>((Deque<String>) e.value());
    return Future.succeededFuture(all.subList(Math.max(0, all.size() - count), all.size()));
  }

  @Override
  public synchronized Future<long[]> count(String key, long windowMs) {
    long now = clock.getAsLong();
    Entry e = live(key);
    long n = e == null ? 1 : (Long) e.value() + 1;
    long expires = e == null ? now + windowMs : e.expiresAtMs();
    entries.put(key, new Entry(n, expires));
    sweepNowAndThen();
    return Future.succeededFuture(new long[] {n, expires - now});
  }

  @Override
  public Future<Void> ping() {
    return Future.succeededFuture();
  }

  @Override
  public String kind() {
    return "memory";
  }
}
