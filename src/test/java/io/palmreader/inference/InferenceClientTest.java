package io.palmreader.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The inference bus's failures: codes of its own, decoded into outcomes in one place")
class InferenceClientTest {

    private static InferenceOutcome workerFailed(InferenceFailure failure) {
        return InferenceClient.outcomeOf(new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failure.code(), "x"));
    }

    @Test
    @DisplayName("the failure codes are fixed numbers, distinct, whatever the order of the constants")
    void stableCodes() {
        assertEquals(503, InferenceFailure.BUSY.code());
        assertEquals(500, InferenceFailure.BATCH_FAILED.code());
        assertEquals(
                InferenceFailure.values().length,
                Arrays.stream(InferenceFailure.values())
                        .mapToInt(InferenceFailure::code)
                        .distinct()
                        .count());
        for (InferenceFailure f : InferenceFailure.values()) {
            assertEquals(f, InferenceFailure.of(f.code()));
        }
        assertNull(InferenceFailure.of(0), "a code no worker sends stands for nothing");
    }

    @Test
    @DisplayName("a busy worker's refusal is Busy; a failed batch is Failed, with the worker's reason")
    void workerFailures() {
        assertInstanceOf(InferenceOutcome.Busy.class, workerFailed(InferenceFailure.BUSY));
        InferenceOutcome failed = workerFailed(InferenceFailure.BATCH_FAILED);
        assertEquals(new InferenceOutcome.Failed("x"), failed);
        assertInstanceOf(
                InferenceOutcome.Failed.class,
                InferenceClient.outcomeOf(
                        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 42, "some other handler")));
    }

    @Test
    @DisplayName("no worker at all, or none in time, is NoCapacity; any other failure is Failed")
    void busFailures() {
        assertEquals(
                new InferenceOutcome.NoCapacity(true),
                InferenceClient.outcomeOf(new ReplyException(ReplyFailure.NO_HANDLERS, -1, "no handlers")));
        assertEquals(
                new InferenceOutcome.NoCapacity(false),
                InferenceClient.outcomeOf(new ReplyException(ReplyFailure.TIMEOUT, -1, "timed out")));
        assertEquals(new InferenceOutcome.Failed("boom"), InferenceClient.outcomeOf(new IllegalStateException("boom")));
    }
}
