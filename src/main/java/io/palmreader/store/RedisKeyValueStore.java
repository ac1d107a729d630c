package io.palmreader.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** The store in Redis, shared by every node. Lists are trimmed and windows expire server-side. */
public final class RedisKeyValueStore implements KeyValueStore {

  private final Redis client;
  private final RedisAPI redis;

  public RedisKeyValueStore(Vertx vertx, String url) {
    // A small pool; connections that break are replaced on the next command.
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8)
        .setMaxPoolWaiting(256));
    this.redis = RedisAPI.api(client);
  }

  @Override
  public Future<String> get(String key) {
    return redis.get(key).map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<Void> replace(String key, String value, long ttlMs) {
    return redis.set(List.of(key, value, "PX", Long.toString(ttlMs), "XX")).mapEmpty();
  }

  @Override
  public Future<String> take(String key) {
    return redis.getdel(key).map(r -> r == null ? null : r.toString());
  }

  @Override
  public Future<Void> set(String key, String value, long ttlMs) {
    return redis.set(List.of(key, value, "PX", Long.toString(ttlMs))).mapEmpty();
  }

  @Override
  public Future<Void> append(String key, List<String> values, int max, long ttlMs) {
    List<String> push = new ArrayList<>(values.size() + 1);
    push.add(key);
    push.addAll(values);
    return redis.rpush(push)
        .compose(r -> redis.ltrim(key, Integer.toString(-max), "-1"))
        .compose(r -> redis.pexpire(List.of(key, Long.toString(ttlMs))))
        .mapEmpty();
  }

  @Override
  public Future<List<String>> tail(String key, int count) {
    return redis.lrange(key, Integer.toString(-count), "-1").map(r -> {
      List<String> out = new ArrayList<>(r.size());
      for (Response item : r) {
        out.add(item.toString());
      }
      return out;
    });
  }

  @Override
  public Future<long[]> count(String key, long windowMs) {
    return redis.incr(key).compose(n -> {
      long count = n.toLong();
      Future<Response> expiry = count == 1
          ? redis.pexpire(List.of(key, Long.toString(windowMs))).map(r -> null)
          : Future.succeededFuture(null);
      return expiry.compose(v -> redis.pttl(key)).map(ttl -> new long[] {count, Math.max(0, ttl.toLong())});
    });
  }

  @Override
  public Future<Void> ping() {
    return redis.ping(List.of()).mapEmpty();
  }

  @Override
  public String kind() {
    return "redis";
  }

  public void close() {
    client.close();
  }
}
