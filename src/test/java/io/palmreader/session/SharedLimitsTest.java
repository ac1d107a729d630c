package io.palmreader.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.palmreader.store.MemoryKeyValueStore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Shared rate limits: token buckets in the store, whatever the clock's place in a minute or a second")
class SharedLimitsTest {

    private static final String ADDRESS = "198.51.100.9";

    /** Starts a few ms before a minute ends: a fixed window would start over at once; a bucket does not. */
    private final AtomicLong now = new AtomicLong(60_000 * 1_000_000L - 5);

    private final MemoryKeyValueStore store = new MemoryKeyValueStore(now::get, 1000);

    private SharedLimits limits(int asksPerMinute, int asksPerAddress, int framesPerSecondPerAddress) {
        return new SharedLimits(store, asksPerMinute, asksPerAddress, framesPerSecondPerAddress, now::get);
    }

    private static long ask(SharedLimits limits, String user) {
        return limits.ask(user, ADDRESS).result();
    }

    @Test
    @DisplayName("a user's questions: a burst of the limit, then one per minute / limit, across a minute's turn")
    void questionsPerUser() {
        SharedLimits limits = limits(3, 0, 0);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, ask(limits, "subject:ann"), "question " + i);
        }
        assertEquals(20_000, ask(limits, "subject:ann"), "the next token in 20 s");
        now.addAndGet(10);
        assertEquals(19_990, ask(limits, "subject:ann"), "a new minute starts nothing over");
        assertEquals(0, ask(limits, "subject:bob"), "another user has a bucket of their own");
        now.addAndGet(19_990);
        assertEquals(0, ask(limits, "subject:ann"));
    }

    @Test
    @DisplayName("an address's questions are limited across its users; the longer wait of the two is told")
    void questionsPerAddress() {
        SharedLimits limits = limits(10, 2, 0);
        assertEquals(0, ask(limits, "session:a"));
        assertEquals(0, ask(limits, "session:b"));
        assertEquals(30_000, ask(limits, "session:c"));
    }

    @Test
    @DisplayName("0 is no limit; NONE allows no question, with a minute to wait")
    void noLimitAndNone() {
        SharedLimits unlimited = limits(0, 0, 0);
        for (int i = 0; i < 100; i++) {
            assertEquals(0, ask(unlimited, "subject:ann"));
            assertEquals(0, unlimited.frame(ADDRESS));
        }
        assertEquals(60_000, ask(limits(SharedLimits.NONE, 0, 0), "subject:ann"));
    }

    @Test
    @DisplayName("frames of an address over its rate are refused locally until a token is back, then flow again")
    void framesPerAddress() {
        SharedLimits limits = limits(0, 0, 4);
        for (int i = 0; i < 4; i++) {
            assertEquals(0, limits.frame(ADDRESS), "frame " + i);
        }
        // The fifth finds the bucket empty in the background: it goes on, the ones after it wait.
        assertEquals(0, limits.frame(ADDRESS));
        assertEquals(250, limits.frame(ADDRESS));
        now.addAndGet(100);
        assertEquals(150, limits.frame(ADDRESS));
        assertEquals(0, limits.frame("198.51.100.10"), "another address is not blocked");
        now.addAndGet(150);
        assertEquals(0, limits.frame(ADDRESS), "blocked until the token is back, no longer");
    }
}
