package io.palmreader.testing;

import java.security.Permission;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every host name this JVM is asked to resolve while installed. {@code InetAddress} asks the security manager
 * ({@code checkConnect(host, -1)}) before it looks a name up, and only then, so a name recorded here is a name lookup
 * that happened; IP literals never reach it. Everything else is allowed: this is an observer, not a sandbox.
 * Installing a security manager needs {@code -Djava.security.manager=allow} on Java 18 and later (set in the pom).
 */
public final class NameLookups extends SecurityManager implements AutoCloseable {

    private final List<String> names = new CopyOnWriteArrayList<>();

    private NameLookups() {}

    /** Starts recording, for the whole JVM. */
    @SuppressWarnings("removal")
    public static NameLookups record() {
        NameLookups lookups = new NameLookups();
        System.setSecurityManager(lookups);
        return lookups;
    }

    /** The names looked up since {@link #record()}, in order. */
    public List<String> names() {
        return List.copyOf(names);
    }

    @Override
    public void checkConnect(String host, int port) {
        if (port == -1) {
            names.add(host);
        }
    }

    @Override
    public void checkConnect(String host, int port, Object context) {
        checkConnect(host, port);
    }

    @Override
    public void checkPermission(Permission perm) {}

    @Override
    public void checkPermission(Permission perm, Object context) {}

    @Override
    @SuppressWarnings("removal")
    public void close() {
        System.setSecurityManager(null);
    }
}
