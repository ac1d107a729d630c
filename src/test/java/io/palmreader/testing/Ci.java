package io.palmreader.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;

/**
 * Whether the tests run on CI, where a missing tool (redis-server, Chromium) is a failure rather than a reason to
 * skip. CI services set {@code CI} to {@code true}; some write {@code 1} or {@code yes}, in any case.
 */
public final class Ci {

    private static final Set<String> YES = Set.of("true", "1", "yes");

    private Ci() {}

    /** Whether {@code value}, the {@code CI} variable's, says this is CI. */
    static boolean says(String value) {
        return value != null && YES.contains(value.trim().toLowerCase(Locale.ROOT));
    }

    /** Whether this run is on CI. */
    public static boolean isCi() {
        return says(System.getenv("CI"));
    }

    /**
     * Returns {@code binary} when it is an executable file; otherwise fails the test on CI and skips it elsewhere,
     * saying how to install it.
     */
    public static Path requireExecutable(Path binary, String howToInstall) {
        if (!Files.isExecutable(binary)) {
            String message = binary + " is not installed (" + howToInstall + ")";
            if (isCi()) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        return binary;
    }
}
