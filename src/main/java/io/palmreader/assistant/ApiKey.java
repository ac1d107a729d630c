package io.palmreader.assistant;

/**
 * The key the LLM server wants, sent only as {@code Authorization: Bearer}. It prints as nothing but whether it is set,
 * so that no log line, health body or error message built from the configuration can carry it.
 */
final class ApiKey {

    private final String value;

    ApiKey(String value) {
        this.value = value;
    }

    /** The {@code Authorization} header's value. */
    String bearer() {
        return "Bearer " + value;
    }

    @Override
    public String toString() {
        return "ApiKey[set]";
    }
}
