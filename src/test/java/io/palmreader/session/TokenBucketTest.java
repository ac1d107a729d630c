package io.palmreader.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Frame-rate limit: a token bucket of one second's frames")
class TokenBucketTest {

    @Test
    @DisplayName("a burst of one second's frames passes, the next is refused, and tokens come back with time")
    void bucket() {
        TokenBucket limiter = new TokenBucket(10);
        long t = 1_000_000_000L;
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire(t), "frame " + i);
        }
        assertFalse(limiter.tryAcquire(t));
        assertFalse(limiter.tryAcquire(t + 50_000_000L), "half a token after 50 ms");
        assertTrue(limiter.tryAcquire(t + 110_000_000L));
        // A long pause refills to the burst size, not beyond.
        long later = t + 60_000_000_000L;
        for (int i = 0; i < 10; i++) {
            assertTrue(limiter.tryAcquire(later));
        }
        assertFalse(limiter.tryAcquire(later));
    }
}
