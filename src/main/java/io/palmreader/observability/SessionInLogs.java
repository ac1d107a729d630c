package io.palmreader.observability;

import org.slf4j.MDC;

/**
 * Names a session in the log lines written while one of its messages is handled: the MDC's {@code session}, which a
 * JSON line carries. Sessions share event loops, so it is set around each message, never left behind.
 */
public final class SessionInLogs {

    static final String SESSION = "session";

    private SessionInLogs() {}

    /** Runs {@code work} with {@code sessionId} in the MDC. */
    public static void run(String sessionId, Runnable work) {
        String before = MDC.get(SESSION);
        MDC.put(SESSION, sessionId);
        try {
            work.run();
        } finally {
            if (before == null) {
                MDC.remove(SESSION);
            } else {
                MDC.put(SESSION, before);
            }
        }
    }
}
