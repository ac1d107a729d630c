package io.palmreader.node;

import io.palmreader.config.ConfigException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One {@code verticles/NAME.json}: which class, how many instances ({@code auto} lets the node decide from its
 * cores and configuration), and for workers which pool.
 */
record VerticleDescriptor(
        String name,
        String className,
        ThreadingModel threadingModel,
        String workerPoolName,
        Integer instances,
        long maxWorkerExecuteTimeMs) {

    static VerticleDescriptor parse(String file, JsonObject json) {
        String name = require(file, json, "name");
        String className = require(file, json, "class");
        ThreadingModel model;
        try {
            model = ThreadingModel.valueOf(
                    json.getString("threadingModel", "EVENT_LOOP").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    file + ": threadingModel must be EVENT_LOOP or WORKER, was " + json.getString("threadingModel"));
        }
        Object instances = json.getValue("instances", "auto");
        Integer count = null;
        if (instances instanceof Number n && n.intValue() >= 1) {
            count = n.intValue();
        } else if (!"auto".equals(instances)) {
            throw new ConfigException(file + ": instances must be a number >= 1 or \"auto\", was " + instances);
        }
        return new VerticleDescriptor(
                name,
                className,
                model,
                json.getString("workerPoolName"),
                count,
                json.getLong("maxWorkerExecuteTimeMs", 60_000L));
    }

    private static String require(String file, JsonObject json, String key) {
        String v = json.getString(key);
        if (v == null || v.isBlank()) {
            throw new ConfigException(file + ": '" + key + "' is required");
        }
        return v;
    }

    DeploymentOptions options(int instances, JsonObject config) {
        return options(instances, config, workerPoolName == null ? name : workerPoolName);
    }

    /** As {@link #options(int, JsonObject)}, on the named worker pool (a GPU worker's own {@code gpu-N}). */
    DeploymentOptions options(int instances, JsonObject config, String poolName) {
        DeploymentOptions o = new DeploymentOptions()
                .setInstances(instances)
                .setConfig(config)
                .setThreadingModel(threadingModel);
        if (threadingModel == ThreadingModel.WORKER) {
            // A pool of exactly one thread per instance: each worker owns its networks on its own thread.
            o.setWorkerPoolName(poolName)
                    .setWorkerPoolSize(instances)
                    .setMaxWorkerExecuteTime(maxWorkerExecuteTimeMs)
                    .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS);
        }
        return o;
    }
}
