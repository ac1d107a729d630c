package io.palmreader.assistant;

/** Event bus addresses of the assistant capability. */
public final class AssistantAddresses {

    /** Send: an {@link AssistantRequest} as JSON; any assistant instance in the cluster takes it. */
    public static final String REQUESTS = "assistant.requests";
    /**
     * Send: {@code {"sessionId": …, "keep": answerId?}} stops that session's running answer on the node whose
     * {@link #cancel(String)} address it is: the node that acknowledged the request names it.
     */
    public static String cancel(String nodeId) {
        return "assistant.cancel." + nodeId;
    }
    /** Request/reply: the assistant's state ({@code available}, {@code model}, {@code breaker}, {@code lastError}). */
    public static final String STATUS = "assistant.status";

    private AssistantAddresses() {}

    /** Where a session's assistant output goes: registered by the gateway that holds the session. */
    public static String session(String sessionId) {
        return "session." + sessionId;
    }
}
