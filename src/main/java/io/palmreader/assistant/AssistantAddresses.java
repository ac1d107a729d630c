package io.palmreader.assistant;

/** Event bus addresses of the assistant capability. */
public final class AssistantAddresses {

  /** Send: an {@link AssistantRequest} as JSON; any assistant instance in the cluster takes it. */
  public static final String REQUESTS = "assistant.requests";
  /** Publish: {@code {"sessionId": …}} stops that session's running answer, wherever it runs. */
  public static final String CANCEL = "assistant.cancel";
  /** Request/reply: the assistant's state ({@code available}, {@code model}, {@code breaker}, {@code lastError}). */
  public static final String STATUS = "assistant.status";

  private AssistantAddresses() {
  }

  /** Where a session's assistant output goes: registered by the gateway that holds the session. */
  public static String session(String sessionId) {
    return "session." + sessionId;
  }
}
