package io.palmreader.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** The store in Redis, shared by every node. Lists are trimmed and rate buckets expire server-side. */
public final class RedisKeyValueStore implements KeyValueStore {

    /**
     * {@link #acquire} in one script, so that nodes taking tokens at once never both take the last one. Time is the
     * Redis server's, one clock for every node; the bucket is a hash of its tokens and when they were counted.
     */
    private static final String TOKEN_BUCKET = """
      if redis.replicate_commands then redis.replicate_commands() end
      local capacity = tonumber(ARGV[1])
      local msPerToken = tonumber(ARGV[2]) / capacity
      local time = redis.call('TIME')
      local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1])
      local at = tonumber(state[2])
      if tokens == nil or at == nil then
        tokens = capacity
        at = now
      end
      tokens = math.min(capacity, tokens + math.max(0, now - at) / msPerToken)
      local wait = 0
      if tokens >= 1 then
        tokens = tokens - 1
      else
        wait = math.ceil((1 - tokens) * msPerToken)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.max(1, math.ceil((capacity - tokens) * msPerToken)))
      return wait
      """;

    private final Redis client;
    private final RedisAPI redis;

    public RedisKeyValueStore(Vertx vertx, String url) {
        // A small pool; connections that break are replaced on the next command.
        this.client = Redis.createClient(
                vertx,
                new RedisOptions()
                        .setConnectionString(url)
                        .setMaxPoolSize(8)
                        .setMaxPoolWaiting(256)
                        // Stored values (conversations, gestures) never go into a span.
                        .setTracingPolicy(TracingPolicy.IGNORE));
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
    public Future<Long> acquire(String key, int capacity, long periodMs) {
        return redis.eval(List.of(TOKEN_BUCKET, "1", key, Integer.toString(capacity), Long.toString(periodMs)))
                .map(Response::toLong);
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
